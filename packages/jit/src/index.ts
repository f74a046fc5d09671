// Public API of @tracesim/jit: the replay engine (assembled traces run on cpu-sim under the
// host-stack monitor) and, later, the tracing JIT.
export { ReplayError, ReplayInputError, ReplayBudgetError, ReplayFaultError } from './errors';
export { replayTraceSet, type ReplayOptions, type ReplayResult } from './replay';
export { replayTraceFile, type TraceFileOptions, type TraceFileReplay } from './replay-file';
export { stripEngineFields, type ReplayEvent } from './events';
export { formatReplayEvent, formatReplayLog, replayEventJson, replayJson, violationJson } from './format';
export { createMachine, loadAssembledSet, type MonitorSetup, type TraceMachine } from './machine';
export { ExitState, decodeExit } from './exit-state';
export { formatJvLine, parseJvLine, parseJvLog, JvLogError } from './jv-log';
export type { JvEntry, JvTrace, JvAbort, JvFlush, JvLink, JvLocation, JvOrigin, JvLog } from './jv-log';
export { compareJvLogs, type JvAgreement, type JvRow, type JvField } from './jv-agreement';
export { TracingJit, JitViolation, type TracingJitOptions } from './tracing-jit';
// The trace manager's decision rules (aborts, penalties, side exits, link kinds): see src/manager/index.ts.
export * from './manager';
export { jitRunJson } from './jit-json';
export type { JitObserver, TraceStartEvent, RecordEvent, TraceAbortEvent, TraceExitEvent } from './observer';
export { createJdump, dumpString, parseJdumpFlags, traceSections, JDUMP_FLAGS, type JdumpFlag } from './jdump';
export { ReportCollector, REPORT_FORMAT, TIMELINE_LIMIT, OUTPUT_LIMIT, reportDocument, type ReportDocument, type RunReport, type ReportTrace, type ReportRow, type TimelinePoint } from './report-data';
