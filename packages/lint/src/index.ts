// Public API of @tracesim/lint: the static host-stack check of -jdump listings.
export { lintDump, type LintReport, type TraceVerdict } from './lint';
export { readDump, type Dump, type DumpTrace, type McodeLine, type SpillUse } from './dump-reader';
export { describeFinding, findingJson, rspText, type Finding, type FindingKind } from './findings';
export { DumpInputError } from './errors';
