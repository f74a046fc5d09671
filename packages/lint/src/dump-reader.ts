// Reads `luajit -jdump` text (Debian's 2.1.0-beta3, LuaJIT head, or tracesim's own) into one
// record per compiled trace: its header (parent and exit), its mcode lines, the spill slots of
// its IR `r` column and its stop line. Bytecode, snapshots, exits, aborts and the program's own
// output between traces are skipped; a section that is cut or garbled is a located error.
import { parseStopLine, START_LINE, STOP_LINE, type TraceLink } from '@tracesim/ir';
import { DumpInputError } from './errors';

export interface McodeLine {
  /** 1-based line in the dump. */
  readonly line: number;
  readonly address: number;
  /** The instruction text, without the address and the `\t->` note. */
  readonly text: string;
  /** What dump.lua wrote after `\t->`: an exit number, `LOOP`, or a symbol such as `exit_interp`. */
  readonly note?: string;
}

/** A value the `r` column puts in a spill slot: byte offset from rsp and size. */
export interface SpillUse {
  readonly offset: number;
  readonly bytes: number;
}

export interface DumpTrace {
  readonly number: number;
  /** Line of the `start` header. */
  readonly line: number;
  /** `chunk:line` where recording started. */
  readonly location: string;
  readonly parent?: { readonly trace: number; readonly exit: number };
  readonly mcode: readonly McodeLine[];
  /** Line of the `mcode` header. */
  readonly mcodeLine: number;
  /** Spill slots of the IR section's `r` column; undefined when the dump has no `r` column. */
  readonly spills?: readonly SpillUse[];
  readonly link: TraceLink;
}

export interface Dump {
  readonly file: string;
  readonly traces: readonly DumpTrace[];
  /** Bytes of text read. */
  readonly size: number;
}

const MCODE_HEADER = /^---- TRACE (\d+) mcode (\d+)$/;
const IR_HEADER = /^---- TRACE (\d+) IR$/;
const MCODE_LINE = /^([0-9a-f]{1,16}) {2}([^\t]+?)\s*(?:\t->(\S+))?$/;
const LABEL_LINE = /^->\w+:$/;
/** An IR line with an `r` column: `NNNN [hex]` for a spilled value, its type after the flags. */
const IR_SPILL = /^\d{4} \[([0-9a-f]+)\]\s+[>+ ]*\s*(\w+) /;
const IR_LINE = /^\d{4} /;
/** IR types LuaJIT keeps in 4 bytes; everything else (num, i64, u64, p64, GC refs under GC64) takes 8. */
const NARROW_TYPES = new Set(['int', 'u32', 'i16', 'u16', 'i8', 'u8', 'fls', 'tru', 'nil', 'pri']);

interface OpenTrace {
  number: number;
  line: number;
  location: string;
  parent?: { trace: number; exit: number };
  mcode?: McodeLine[];
  mcodeLine?: number;
  spills?: SpillUse[];
  hasRegisterColumn: boolean;
}

export function readDump(text: string, file: string): Dump {
  const lines = text.split('\n');
  const traces: DumpTrace[] = [];
  const open = new Map<number, OpenTrace>();
  const at = (i: number, col = 1) => `${file}:${i + 1}:${col}`;
  let i = 0;
  while (i < lines.length) {
    const line = stripCr(lines[i]);
    if (!line.startsWith('---- TRACE ')) {
      i++;
      continue;
    }
    const start = START_LINE.exec(line);
    if (start) {
      const number = Number(start[1]);
      const parent = start[2] !== undefined && start[3] !== 'stitch' ? { trace: Number(start[2]), exit: Number(start[3]) } : undefined;
      open.set(number, { number, line: i + 1, location: start[4], parent, hasRegisterColumn: false });
      i++;
      continue;
    }
    const ir = IR_HEADER.exec(line);
    if (ir) {
      const trace = openTrace(open, Number(ir[1]), at(i));
      i = readIrSection(lines, i + 1, trace);
      continue;
    }
    const mcode = MCODE_HEADER.exec(line);
    if (mcode) {
      const trace = openTrace(open, Number(mcode[1]), at(i));
      trace.mcodeLine = i + 1;
      trace.mcode = [];
      i = readMcodeSection(lines, i + 1, trace.mcode, at);
      continue;
    }
    const stop = STOP_LINE.exec(line);
    if (stop) {
      const number = Number(stop[1]);
      const trace = openTrace(open, number, at(i));
      open.delete(number);
      const link = stopLink(line, number, at(i, line.indexOf('->') + 4));
      if (trace.mcode === undefined) {
        // LuaJIT dumps always carry mcode with `m`; without it there is nothing to check.
        i++;
        continue;
      }
      traces.push({
        number, line: trace.line, location: trace.location, parent: trace.parent, mcode: trace.mcode,
        mcodeLine: trace.mcodeLine as number, spills: trace.hasRegisterColumn ? trace.spills ?? [] : undefined, link,
      });
      i++;
      continue;
    }
    // An abort drops the trace's record; exit, flush and other `---- TRACE` lines carry nothing to check.
    if (/^---- TRACE (\d+) abort /.test(line)) open.delete(Number(/^---- TRACE (\d+)/.exec(line)![1]));
    i++;
  }
  for (const trace of open.values()) {
    if (trace.mcode !== undefined) {
      throw new DumpInputError(`${file}:${lines.length}`, `the dump is truncated: trace ${trace.number}'s mcode (line ${trace.mcodeLine}) has no stop line`);
    }
  }
  if (traces.length === 0 && !lines.some((l) => MCODE_HEADER.test(stripCr(l)))) {
    throw new DumpInputError(file, 'the dump has no mcode sections: record it with `luajit -jdump=+rsm,FILE` (m shows the machine code)');
  }
  return { file, traces, size: text.length };
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

function openTrace(open: Map<number, OpenTrace>, number: number, location: string): OpenTrace {
  const trace = open.get(number);
  if (!trace) throw new DumpInputError(location, `trace ${number} has a section here but no \`---- TRACE ${number} start\` line before it`);
  return trace;
}

function stopLink(text: string, number: number, location: string): TraceLink {
  try {
    return parseStopLine(text, number);
  } catch (err) {
    throw new DumpInputError(location, (err as Error).message);
  }
}

/** The IR section: only the `r` column's spill slots matter here. Returns the next line's index. */
function readIrSection(lines: readonly string[], from: number, trace: OpenTrace): number {
  let i = from;
  for (; i < lines.length && !lines[i].startsWith('---- '); i++) {
    const line = stripCr(lines[i]);
    if (!IR_LINE.test(line)) continue;
    // With `r`, the 6-character column after the ref holds a register, `[hex]`, `{sink` or blanks.
    const column = line.slice(5, 11);
    if (/^[a-z][a-z0-9]*\s*$|^\[/.test(column)) trace.hasRegisterColumn = true;
    const spill = IR_SPILL.exec(line);
    if (spill) {
      const bytes = NARROW_TYPES.has(spill[2]) ? 4 : 8;
      (trace.spills ??= []).push({ offset: parseInt(spill[1], 16), bytes });
    }
  }
  return i;
}

/** The mcode section: address, instruction and note per line, `->LOOP:` labels skipped. */
function readMcodeSection(lines: readonly string[], from: number, out: McodeLine[], at: (i: number, col?: number) => string): number {
  let i = from;
  for (; i < lines.length && !lines[i].startsWith('---- '); i++) {
    const line = stripCr(lines[i]);
    if (line === '' || LABEL_LINE.test(line)) continue;
    const m = MCODE_LINE.exec(line);
    if (!m) throw new DumpInputError(at(i), `expected an mcode line \`ADDRESS  instruction\` but found \`${line.slice(0, 60)}\``);
    out.push({ line: i + 1, address: parseInt(m[1], 16), text: m[2], ...(m[3] === undefined ? {} : { note: m[3] }) });
  }
  return i;
}
