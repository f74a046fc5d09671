// Lints a whole -jdump: walks every compiled trace in dump order, each from the entry the
// contract gives it (rsp0 for a root, rsp0 − parent.spadjust for a side trace, the parent
// taken from the `start P/E` header), and cross-checks each frame against its spill slots.
import { readDump, type DumpTrace } from './dump-reader';
import { frameFromSpills } from './frame-check';
import type { Finding } from './findings';
import { walkTrace } from './trace-walk';

export interface TraceVerdict {
  readonly number: number;
  readonly parent?: number;
  /** rsp − rsp0 on entry. */
  readonly entryOffset?: number;
  /** Frame size from the code (undefined when it cannot be found). */
  readonly spadjust?: number;
  /** Frame size the `r` column's spill slots call for, where the dump has the column. */
  readonly spillFrame?: number;
  readonly findings: readonly Finding[];
}

export interface LintReport {
  readonly file: string;
  readonly bytes: number;
  readonly traces: readonly TraceVerdict[];
  readonly findings: readonly Finding[];
}

interface Known {
  readonly verdict: TraceVerdict;
  readonly chain: string;
  readonly start?: number;
}

export function lintDump(text: string, file: string): LintReport {
  const dump = readDump(text, file);
  const known = new Map<number, Known>();
  const starts = new Map<number, Known>();
  const verdicts = dump.traces.map((trace) => {
    const entry = lintTrace(trace, file, known, starts);
    known.set(trace.number, entry);
    if (entry.start !== undefined) starts.set(entry.start, entry);
    return entry.verdict;
  });
  return { file, bytes: dump.size, traces: verdicts, findings: verdicts.flatMap((v) => v.findings) };
}

function lintTrace(trace: DumpTrace, file: string, known: ReadonlyMap<number, Known>, starts: ReadonlyMap<number, Known>): Known {
  const start = trace.mcode[0]?.address;
  const parent = trace.parent === undefined ? undefined : known.get(trace.parent.trace);
  const chain = parent ? `${parent.chain} →exit ${trace.parent?.exit}→ ${trace.number}` : String(trace.number);
  if (trace.parent !== undefined && parent?.verdict.spadjust === undefined) {
    const why = parent ? `its frame size is unknown` : `it is not in the dump`;
    const finding: Finding = {
      kind: 'unknown', trace: trace.number, address: start ?? 0, instruction: '(trace header)', location: `${file}:${trace.line}`,
      chain, sourceLine: trace.location,
      explanation: `side trace ${trace.number} starts from trace ${trace.parent.trace}, but ${why}: its entry rsp is unknown, so it is not checked`,
    };
    return { verdict: { number: trace.number, parent: trace.parent.trace, findings: [finding] }, chain, start };
  }
  const parentAdjust = parent?.verdict.spadjust;
  const entryOffset = parentAdjust === undefined ? 0 : 0 - parentAdjust;
  const walk = walkTrace(trace, {
    file, entryOffset, parentAdjust, chain,
    entryAt: (address) => {
      const target = starts.get(address);
      return target?.verdict.entryOffset === undefined ? undefined : { trace: target.verdict.number, offset: target.verdict.entryOffset };
    },
  });
  const findings = [...walk.findings];
  const spillFrame = trace.spills === undefined ? undefined : frameFromSpills(trace.spills, parentAdjust);
  if (spillFrame !== undefined && walk.spadjust !== undefined && spillFrame !== walk.spadjust) {
    findings.push({
      kind: 'frame-size', trace: trace.number, address: start ?? 0, instruction: trace.mcode[0]?.text ?? '(trace header)',
      location: `${file}:${trace.mcodeLine}`, expectedOffset: 0 - spillFrame, actualOffset: 0 - walk.spadjust, delta: spillFrame - walk.spadjust,
      chain, sourceLine: trace.location,
      explanation: `the code gives trace ${trace.number} a frame of 0x${walk.spadjust.toString(16)} bytes, but its spill slots call for 0x${spillFrame.toString(16)} by LuaJIT's frame formula`,
    });
  }
  const verdict: TraceVerdict = {
    number: trace.number, ...(trace.parent ? { parent: trace.parent.trace } : {}), entryOffset,
    ...(walk.spadjust === undefined ? {} : { spadjust: walk.spadjust }), ...(spillFrame === undefined ? {} : { spillFrame }), findings,
  };
  return { verdict, chain, start };
}
