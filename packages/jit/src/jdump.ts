// -jdump[=flags]: the JIT's work in the format of LuaJIT's jit/dump.lua. Flags (dump.lua's
// letters): t trace start/stop/abort, b bytecode recorded, i IR, r registers and spill slots in
// the IR, s snapshots, m machine code, x each exit taken, X each exit with its registers. With
// no flags the set is dump.lua's default `tbim`; a leading + adds to it and a leading - takes away.
import type { AssembledTrace } from '@tracesim/asm';
import { formatG, formatIrLines, formatSnapshotLine, formatStartLine, formatStopLine, type IRConst, type Trace } from '@tracesim/ir';
import { bcLine } from '@tracesim/lua';
import { ReplayInputError } from './errors';
import type { JitObserver, RecordEvent } from './observer';

export const JDUMP_FLAGS = {
  t: 'trace start, stop and abort',
  b: 'bytecode as it is recorded',
  i: 'IR',
  r: 'registers and spill slots in the IR',
  s: 'snapshots',
  m: 'machine code',
  x: 'each exit taken',
  X: 'each exit taken, with the machine registers (rsp included)',
} as const;
export type JdumpFlag = keyof typeof JDUMP_FLAGS;

const DEFAULT_FLAGS: readonly JdumpFlag[] = ['t', 'b', 'i', 'm'];
/** Bytecodes below this (ISLT..ISF) are conditions: dump.lua shows the JMP after them too. */
const CONDITION_OPS = 16;

const isFlag = (c: string): c is JdumpFlag => Object.hasOwn(JDUMP_FLAGS, c);

/** The flag set of `-jdump=SPEC`, by dump.lua's rules; an unknown letter is a located input error. */
export function parseJdumpFlags(spec: string): ReadonlySet<JdumpFlag> {
  const mode = spec[0] === '+' || spec[0] === '-' ? spec[0] : '';
  const flags = new Set<JdumpFlag>(mode || spec === '' ? DEFAULT_FLAGS : []);
  for (const c of spec.slice(mode.length)) {
    if (!isFlag(c)) throw new ReplayInputError(`-jdump=${spec}`, `unknown flag '${c}'; the flags are ${Object.keys(JDUMP_FLAGS).join(', ')}`);
    if (mode === '-') flags.delete(c);
    else flags.add(c);
  }
  return flags;
}

/** dump.lua's formatk for a string: quoted, control characters escaped, cut to 20 characters and a ~. */
export function dumpString(text: string): string {
  const escaped = (s: string) => s.replace(/[\x00-\x1f\x7f]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\${String(c.charCodeAt(0)).padStart(3, '0')}`));
  return text.length > 20 ? `"${escaped(text).slice(0, 20)}"~` : `"${escaped(text)}"`;
}

/** The trace with each string constant (its TValue bits, as the recorder makes it) spelled as dump.lua spells it. */
function withStringsSpelled(trace: Trace, strings: (bits: bigint) => string | undefined): Trace {
  const consts = trace.consts.map((k): IRConst => {
    const text = k.op === 'KINT64' && k.type === 'str' ? strings(k.value) : undefined;
    return text === undefined ? k : { op: 'KGC', type: 'str', text: dumpString(text) };
  });
  return { ...trace, consts };
}

/** One finished trace: its IR section (flags i, s, r), snapshot section (s without i) and mcode (m). */
export function traceSections(t: AssembledTrace, flags: ReadonlySet<JdumpFlag>, strings: (bits: bigint) => string | undefined = () => undefined): string[] {
  const trace = withStringsSpelled(t.trace, strings);
  const lines: string[] = [];
  if (flags.has('i')) lines.push(...formatIrLines(trace, { registers: flags.has('r'), snapshots: flags.has('s') }));
  else if (flags.has('s')) {
    lines.push(`---- TRACE ${trace.number} snapshots`);
    trace.snapshots.forEach((snap, n) => {
      const line = formatSnapshotLine(trace, n, false);
      lines.push(`#${String(n).padEnd(3)} ${String(snap.ref - 0x8000).padStart(4, '0')} ${line.slice(line.indexOf('['))}`);
    });
  }
  if (flags.has('m')) lines.push(`---- TRACE ${trace.number} mcode ${t.bytes.length}`, ...t.listing);
  return lines;
}

/** The exit lines: `---- TRACE N exit E`, and with X the 16 GPRs (4 a line) and 16 xmm values. */
function exitLines(trace: number, exit: number, gpr: readonly bigint[], fpr: readonly number[], registers: boolean): string[] {
  const lines = [`---- TRACE ${trace} exit ${exit}`];
  if (!registers) return lines;
  for (let i = 0; i < gpr.length; i += 4) lines.push(gpr.slice(i, i + 4).map((v) => ' ' + BigInt.asUintN(64, v).toString(16).padStart(16, '0')).join(''));
  for (let i = 0; i < fpr.length; i += 4) lines.push(fpr.slice(i, i + 4).map((v) => ' ' + formatG(v, 14).padStart(17)).join(''));
  return lines;
}

/** dump.lua's lines for one recorded bytecode (a condition brings its JMP) or builtin entered (FUNCC). */
export function recordLines(e: RecordEvent): string[] {
  const prefix = ' .'.repeat(e.depth);
  if (e.kind === 'builtin') return [`0000 ${prefix} FUNCC               ; ${e.name}`];
  const line = bcLine(e.proto, e.pc, prefix, e.ins).replace(/\n$/, '');
  const lines = [e.pc === 0 ? `${line}         ; ${e.proto.chunkname}:${e.proto.firstline}` : line];
  if ((e.ins & 0xff) < CONDITION_OPS) lines.push(bcLine(e.proto, e.pc + 1, prefix).replace(/\n$/, ''));
  return lines;
}

/** An observer that writes -jdump text, one line at a time, through `write`. */
export function createJdump(flags: ReadonlySet<JdumpFlag>, write: (line: string) => void): JitObserver {
  const traces = flags.has('t') || flags.has('b') || flags.has('i') || flags.has('s') || flags.has('m');
  const observer: JitObserver = {};
  if (traces) {
    observer.traceStart = (e) => write(formatStartLine(e));
    observer.traceStop = (t, strings) => {
      for (const line of traceSections(t, flags, strings)) write(line);
      write(formatStopLine(t.trace));
      write('');
    };
    observer.traceAbort = (e) => {
      write(`---- TRACE ${e.number} abort ${e.location} -- ${e.reason}`);
      write('');
    };
  }
  if (flags.has('b')) observer.record = (e) => recordLines(e).forEach((l) => write(l));
  if (flags.has('x') || flags.has('X')) observer.traceExit = (e) => exitLines(e.trace, e.exit, e.gpr, e.fpr, flags.has('X')).forEach((l) => write(l));
  return observer;
}
