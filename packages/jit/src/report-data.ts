// The data of the HTML report (`tracesim run|replay|demo --html`), as one JSON-ready object: per
// trace its graph node (start, parent, exit, link), and rows that line up the source lines, the
// bytecode recorded, the IR (registers, spill slots, snapshots) and the machine code of each
// stretch between snapshots; the rsp timeline from the host-stack monitor's checkpoints; the
// aborts, the blacklist, the exit counts and the violations. The page is a view of this object.
import type { AssembledTrace } from '@tracesim/asm';
import { describeViolation, type RspCheckpoint, type Violation } from '@tracesim/cpu-sim';
import { formatInsLine, formatSnapshotLine, insRef, type Trace } from '@tracesim/ir';
import type { Proto } from '@tracesim/lua';
import { violationJson } from './format';
import { exitCountsJson, traceStartJson, type TraceStartJson } from './jit-json';
import { recordLines } from './jdump';
import type { JitObserver, RecordEvent } from './observer';

/** Bumped when a field changes meaning; the page checks it. */
export const REPORT_FORMAT = 'tracesim-report/1';
/** Timeline points kept in full; after these only violations are kept (the count of the rest is given). */
export const TIMELINE_LIMIT = 20000;
/** Characters of the program's output kept in the report. */
export const OUTPUT_LIMIT = 100000;

export interface ReportRow {
  /** Source lines this stretch comes from (1-based), in order. */
  readonly lines: readonly number[];
  /** Bytecode lines recorded (dump.lua's `b` format). */
  readonly bytecode: readonly string[];
  /** The snapshot that opens the row (its -jdump SNAP line), if any. */
  readonly snapshot: string | null;
  /** IR instructions: ref (0001-based, as printed) and the -jdump line with registers. */
  readonly ir: readonly { readonly ref: number; readonly text: string }[];
  /** Machine code lines and the IR ref (as printed) each one implements, null for head and tail. */
  readonly mcode: readonly { readonly text: string; readonly ref: number | null }[];
}

export interface ReportTrace {
  readonly number: number;
  readonly start: TraceStartJson;
  readonly location: string;
  readonly link: { readonly kind: string; readonly target: number | null };
  readonly spadjust: number;
  readonly bytes: number;
  /** Code before the first IR instruction (head, stack check), then one row per snapshot stretch. */
  readonly head: readonly string[];
  readonly rows: readonly ReportRow[];
}

export type TimelinePoint = RspCheckpoint & { readonly seq: number };

/** One run of the report (a demo shows two side by side). */
export interface RunReport {
  readonly title: string;
  readonly command: string;
  readonly file: string;
  readonly policy: string;
  readonly exitCode: number;
  /** The program's source lines (a trace file has none). */
  readonly source: readonly string[] | null;
  readonly output: string;
  readonly traces: readonly ReportTrace[];
  readonly aborts: readonly { readonly number: number; readonly location: string; readonly reason: string }[];
  readonly blacklisted: readonly { readonly location: string; readonly op: string }[];
  readonly exits: readonly { readonly trace: number; readonly exit: number; readonly count: number }[];
  readonly timeline: { readonly points: readonly TimelinePoint[]; readonly total: number; readonly dropped: number };
  readonly violations: readonly (object & { readonly text: string })[];
}

/** A recorded bytecode with the line it came from. */
interface Recorded {
  readonly address: number | undefined;
  readonly line: number | undefined;
  readonly text: readonly string[];
}

const printedRef = (ref: number) => ref - insRef(0) + 1;

/** Where a snapshot's pc is, among the protos the recorder saw. */
function lineAt(protos: ReadonlySet<Proto>, address: number): number | undefined {
  for (const p of protos) {
    const pc = (address - p.bcAddress) / 4;
    if (Number.isInteger(pc) && pc >= 0 && pc < p.bc.length) return p.lines[pc];
  }
  return undefined;
}

/**
 * The rows of a trace: a new row at every snapshot. A row takes the bytecodes recorded from its
 * snapshot's pc up to the next snapshot's pc; rows after LOOP (the unrolled copy) have none.
 */
export function traceRows(t: AssembledTrace, recorded: readonly Recorded[], protos: ReadonlySet<Proto>): { head: string[]; rows: ReportRow[] } {
  const trace: Trace = t.trace;
  // Lines of no IR instruction: the head before the first, labels (`->LOOP:`) with the line they
  // name, and the back edge or tail after the last (key −1).
  const mcodeOf = new Map<number, { text: string; ref: number | null }[]>();
  const head: string[] = [];
  let pending: { text: string; ref: null }[] = [];
  const put = (key: number, lines: { text: string; ref: number | null }[]) => {
    const list = mcodeOf.get(key);
    if (list) list.push(...lines);
    else mcodeOf.set(key, lines);
  };
  t.listing.forEach((text, n) => {
    const ref = t.listingRefs[n];
    if (ref === null && mcodeOf.size === 0) head.push(text);
    else if (ref === null) pending.push({ text, ref: null });
    else {
      put(ref, [...pending, { text, ref: printedRef(ref) }]);
      pending = [];
    }
  });
  put(-1, pending);
  const rows: { lines: number[]; bytecode: string[]; snapshot: string | null; ir: { ref: number; text: string }[]; mcode: { text: string; ref: number | null }[] }[] = [];
  const row = (snapshot: string | null, line: number | undefined) => rows.push({ lines: line === undefined ? [] : [line], bytecode: [], snapshot, ir: [], mcode: [] });
  const snapRow = (n: number) => row(formatSnapshotLine(trace, n, true), lineAt(protos, Number(trace.snapshots[n].pc)));
  let snapNo = 0;
  row(null, undefined);
  trace.ins.forEach((_, i) => {
    while (snapNo < trace.snapshots.length && insRef(i) >= trace.snapshots[snapNo].ref) snapRow(snapNo++);
    const text = formatInsLine(trace, i, true);
    const current = rows[rows.length - 1];
    if (text !== undefined) current.ir.push({ ref: printedRef(insRef(i)), text });
    current.mcode.push(...(mcodeOf.get(insRef(i)) ?? []));
  });
  while (snapNo < trace.snapshots.length) snapRow(snapNo++);
  rows[rows.length - 1].mcode.push(...(mcodeOf.get(-1) ?? []));
  placeBytecode(rows, trace, recorded);
  return { head, rows: rows.filter((r) => r.snapshot !== null || r.ir.length > 0 || r.mcode.length > 0 || r.bytecode.length > 0) };
}

function placeBytecode(rows: { lines: number[]; bytecode: string[]; snapshot: string | null }[], trace: Trace, recorded: readonly Recorded[]): void {
  // Row k > 0 opens with snapshot k − 1; a row's bytecodes run until the next snapshot's pc.
  const startPc = (k: number) => (k === 0 ? undefined : Number(trace.snapshots[k - 1].pc));
  const loop = trace.ins.findIndex((ins) => ins.op === 'LOOP');
  const lastRecordedRow = loop < 0 ? rows.length - 1 : Math.max(0, trace.snapshots.filter((s) => s.ref <= insRef(loop)).length);
  let cursor = 0;
  for (let k = 0; k <= lastRecordedRow && k < rows.length; k++) {
    let end = recorded.length;
    const next = k < lastRecordedRow ? startPc(k + 1) : undefined;
    if (next !== undefined) {
      // A guard's snapshot names where the interpreter resumes, which for a condition is the branch
      // not taken and was never recorded: such a row takes the one bytecode whose guard it holds.
      const at = recorded.findIndex((r, n) => n >= cursor && r.address === next);
      end = at < 0 ? Math.min(cursor + 1, recorded.length) : at;
    }
    for (const r of recorded.slice(cursor, end)) {
      rows[k].bytecode.push(...r.text);
      if (r.line !== undefined && !rows[k].lines.includes(r.line)) rows[k].lines.push(r.line);
    }
    cursor = Math.max(cursor, end);
  }
}

function outputKept(output: string, length: number): string {
  return length <= OUTPUT_LIMIT ? output : `${output.slice(0, OUTPUT_LIMIT)}\n… (${length - OUTPUT_LIMIT} more characters)`;
}

/** Collects a run's report data: give `observer` and `checkpoint` to the JIT (or replay), then call `finish`. */
export class ReportCollector {
  private recorded: Recorded[] = [];
  private readonly protos = new Set<Proto>();
  private readonly traces: ReportTrace[] = [];
  private readonly aborts: { number: number; location: string; reason: string }[] = [];
  private readonly points: TimelinePoint[] = [];
  private seq = 0;

  readonly observer: JitObserver = {
    traceStart: () => {
      this.recorded = [];
    },
    record: (e: RecordEvent) => {
      if (e.kind === 'bytecode') this.protos.add(e.proto);
      const address = e.kind === 'bytecode' ? e.proto.bcAddress + 4 * e.pc : undefined;
      const line = e.kind === 'bytecode' ? e.proto.lines[e.pc] : undefined;
      this.recorded.push({ address, line, text: recordLines(e) });
    },
    traceStop: (t) => this.addTrace(t, this.recorded),
    traceAbort: (e) => {
      this.aborts.push({ number: e.number, location: e.location, reason: e.reason });
      this.recorded = [];
    },
  };

  readonly checkpoint = (point: RspCheckpoint): void => {
    const seq = this.seq++;
    if (this.points.length < TIMELINE_LIMIT || point.kind === 'violation') this.points.push({ ...point, seq });
  };

  /** A trace assembled outside the JIT (a replayed trace file): no bytecode. */
  addTrace(t: AssembledTrace, recorded: readonly Recorded[] = []): void {
    const { head, rows } = traceRows(t, recorded, this.protos);
    this.traces.push({
      number: t.trace.number,
      start: traceStartJson(t.trace.start),
      location: t.trace.location,
      link: { kind: t.trace.link.kind, target: t.trace.link.target ?? null },
      spadjust: t.spadjust,
      bytes: t.bytes.length,
      head,
      rows,
    });
  }

  finish(run: {
    title: string; command: string; file: string; policy: string; exitCode: number; source: string | null; output: string;
    /** The output's full length, when the caller kept only its first OUTPUT_LIMIT characters. */
    outputLength?: number;
    exits: ReadonlyMap<string, number>; violations: readonly Violation[]; blacklisted?: readonly { location: string; op: string }[];
  }): RunReport {
    // After a flush numbers start again: the report shows the latest trace of each number.
    const latest = new Map(this.traces.map((t) => [t.number, t]));
    return {
      title: run.title,
      command: run.command,
      file: run.file,
      policy: run.policy,
      exitCode: run.exitCode,
      source: run.source === null ? null : run.source.replace(/\r?\n$/, '').split(/\r?\n/),
      output: outputKept(run.output, run.outputLength ?? run.output.length),
      traces: [...latest.values()].sort((a, b) => a.number - b.number),
      aborts: this.aborts,
      blacklisted: run.blacklisted ?? [],
      exits: exitCountsJson(run.exits),
      timeline: { points: this.points, total: this.seq, dropped: this.seq - this.points.length },
      violations: run.violations.map((v) => ({ ...violationJson(v), text: describeViolation(v) })),
    };
  }
}

export interface ReportDocument {
  readonly format: typeof REPORT_FORMAT;
  readonly title: string;
  /** Numbered steps told above the runs (the demo's story); empty for a plain run. */
  readonly narrative: readonly string[];
  readonly runs: readonly RunReport[];
}

export function reportDocument(title: string, runs: readonly RunReport[], narrative: readonly string[] = []): ReportDocument {
  return { format: REPORT_FORMAT, title, narrative, runs };
}
