// Reads -jdump text back into traces: start/stop lines and IR sections (IR lines, SNAP lines, the
// optional `r` column). `parseJdump` picks the traces out of a whole LuaJIT dump and ignores
// bytecode, mcode and program output; `TraceBlockReader` is the strict reader trace files use.

import { HELPERS, helperId } from './calls';
import { ConstPool, scanConstant, type ConstantToken } from './constants';
import { IrParseError, textLocation } from './errors';
import { parseLiteralOp2, parseLitNumber } from './literals';
import { isOpName, opInfo, type IROpName, type OperandMode } from './opcodes';
import { insRef, REF_BIAS, REF_FIRST, REF_NIL, type Ref } from './refs';
import { isRegisterName } from './registers';
import {
  LINK_KINDS,
  SELF_LINKS,
  SNAP_FLAGS,
  type IRConst,
  type IRIns,
  type LinkKind,
  type RegColumn,
  type SnapEntry,
  type Snapshot,
  type Trace,
  type TraceLink,
  type TraceStart,
} from './trace';
import { isTypeName, type IRTypeName } from './types';

/** One input line with its 1-based number. */
export interface SourceLine {
  readonly text: string;
  readonly line: number;
}

export function splitLines(text: string): SourceLine[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((t, i) => ({ text: t.endsWith('\r') ? t.slice(0, -1) : t, line: i + 1 }));
}

class LineError {
  constructor(
    readonly col: number,
    readonly message: string,
  ) {}
}

function fail(col: number, message: string): never {
  throw new LineError(col, message);
}

/** Runs a per-line parse step, turning its failures into located IrParseErrors. */
function atLine<T>(file: string | undefined, src: SourceLine, step: () => T): T {
  try {
    return step();
  } catch (e) {
    if (e instanceof LineError) throw new IrParseError(textLocation(file, src.line, e.col + 1), e.message);
    throw e;
  }
}

export const START_LINE = /^---- TRACE (\d+) start (?:(\d+)\/(\d+|stitch) )?(\S.*)$/;
export const STOP_LINE = /^---- TRACE (\d+) stop -> (.+)$/;
export const IR_HEADER = /^---- TRACE (\d+) IR$/;

export function parseStartLine(text: string): { number: number; start: TraceStart; location: string } {
  const m = START_LINE.exec(text);
  if (!m) fail(0, 'expected `---- TRACE N start [P/E ]chunk:line`');
  const start: TraceStart =
    m[2] === undefined
      ? { kind: 'root' }
      : m[3] === 'stitch'
        ? { kind: 'stitch', previous: Number(m[2]) }
        : { kind: 'side', parent: Number(m[2]), exit: Number(m[3]) };
  return { number: Number(m[1]), start, location: m[4] };
}

export function parseStopLine(text: string, traceNo: number): TraceLink {
  const m = STOP_LINE.exec(text);
  if (!m || Number(m[1]) !== traceNo) fail(0, `expected \`---- TRACE ${traceNo} stop -> <link>\``);
  const what = m[2];
  const col = text.length - what.length;
  if (/^\d+$/.test(what)) return { kind: 'root', target: Number(what) };
  const withTarget = /^(\d+) (\S+)$/.exec(what);
  const kindText = withTarget ? withTarget[2] : what;
  if (!(LINK_KINDS as readonly string[]).includes(kindText)) {
    fail(col, `unknown link kind \`${kindText}\`; expected a trace number or one of ${LINK_KINDS.join(', ')}`);
  }
  const kind = kindText as LinkKind;
  if (withTarget) return { kind, target: Number(withTarget[1]) };
  return { kind, target: SELF_LINKS.has(kind) ? traceNo : 0 };
}

/** Builds the IR of one trace from its IR-section lines. */
class IrSectionParser {
  private readonly pool = new ConstPool();
  private readonly ins: (IRIns | undefined)[] = [];
  private readonly snapshots: Snapshot[] = [];
  private readonly callArgs = new Map<number, Ref[]>();
  private lastPrinted = REF_BIAS;
  /** Ref of the IR line being parsed. */
  private current = REF_BIAS;

  constructor(private readonly file: string | undefined) {}

  line(src: SourceLine): void {
    atLine(this.file, src, () => (src.text.startsWith('....') ? this.snapshotLine(src.text) : this.insLine(src.text)));
  }

  finish(src: SourceLine): { ins: IRIns[]; consts: IRConst[]; snapshots: Snapshot[] } {
    atLine(this.file, src, () => this.placeCallArgs());
    // Unlisted instructions (NOPs) before a trailing snapshot keep its ref inside the trace.
    const lastSnap = this.snapshots[this.snapshots.length - 1];
    if (lastSnap && lastSnap.ref - REF_FIRST > this.ins.length) this.ins.length = lastSnap.ref - REF_FIRST;
    const ins = Array.from(this.ins, (i): IRIns => i ?? { op: 'NOP', type: 'nil', guard: false, phi: false, op1: 0, op2: 0 });
    return { ins, consts: [...this.pool.all()], snapshots: this.snapshots };
  }

  private nextSnapRef(): Ref {
    const prev = this.snapshots[this.snapshots.length - 1];
    return Math.max(this.lastPrinted + 1, prev ? prev.ref + 1 : 0);
  }

  private snapshotLine(text: string): void {
    const m = /^\.\.\.\.( +)SNAP +#(\d+) +\[ /.exec(text);
    if (!m) fail(0, 'expected `....  SNAP   #n   [ entries ]`');
    if (Number(m[2]) !== this.snapshots.length) {
      fail(text.indexOf('#'), `snapshot #${m[2]} out of order; expected #${this.snapshots.length}`);
    }
    const entries: SnapEntry[] = [];
    let pos = m[0].length;
    let slot = 0;
    while (text[pos] !== ']') {
      if (pos >= text.length) fail(pos, 'expected `]` closing the snapshot');
      if (text.startsWith('----', pos)) {
        pos += 4;
        if (text[pos] === '|') {
          entries.push({ slot, ref: REF_NIL, flags: SNAP_FLAGS.FRAME | SNAP_FLAGS.NORESTORE });
          pos++;
        } else if (text[pos] !== ' ') fail(pos, 'expected a space or `|` after `----`');
        else pos++;
        slot++;
        continue;
      }
      const refMatch = /^(\d{4,})(?:\/(\d{4,}))?/.exec(text.slice(pos));
      let flags = 0;
      let ref: Ref;
      if (refMatch) {
        ref = REF_BIAS + Number(refMatch[1]);
        if (refMatch[2] !== undefined) flags |= SNAP_FLAGS.SOFTFPNUM;
        pos += refMatch[0].length;
        if (text[pos] !== ' ' && text[pos] !== '|') fail(pos, 'expected a space or `|` after a snapshot entry');
      } else {
        const k = scanConstant(text, pos);
        if (!k) fail(pos, 'expected a snapshot entry: `----`, a ref like 0004, or a constant');
        if (k.value.kind === 'frame') flags |= k.value.flags;
        ref = this.constant(k.value, undefined, pos);
        pos = k.end;
        if (text[pos] !== '|' && text[pos] !== ' ') fail(pos, 'expected a space or `|` after a snapshot entry');
      }
      if (text[pos] === '|') {
        flags |= SNAP_FLAGS.FRAME;
        pos++;
      } else {
        while (text[pos] === ' ') pos++;
      }
      entries.push({ slot, ref, flags });
      slot++;
    }
    const extras = this.snapshotExtras(text, pos + 1);
    this.snapshots.push({
      ref: this.nextSnapRef(),
      entries,
      nslots: slot,
      topslot: extras.top ?? slot,
      baseAdjust: extras.base ?? 0,
      ...(extras.pc !== undefined ? { pc: extras.pc } : {}),
      count: 0,
    });
  }

  private snapshotExtras(text: string, pos: number): { base?: number; top?: number; pc?: bigint } {
    const out: { base?: number; top?: number; pc?: bigint } = {};
    const re = / (base|top)=(\d+)| pc=0x([0-9a-f]+)/gy;
    re.lastIndex = pos;
    while (re.lastIndex < text.length) {
      const at = re.lastIndex;
      const m = re.exec(text);
      if (!m) fail(at, 'unexpected text after `]`; allowed: ` base=N`, ` top=N`, ` pc=0xHEX`');
      if (m[1] === 'base') out.base = Number(m[2]);
      else if (m[1] === 'top') out.top = Number(m[2]);
      else out.pc = BigInt('0x' + m[3]);
    }
    return out;
  }

  private insLine(text: string): void {
    const num = /^(\d{4,}) /.exec(text);
    if (!num) fail(0, 'expected an IR line starting with a 4-digit ref, or a SNAP line');
    const ref = REF_BIAS + Number(num[1]);
    if (ref <= this.lastPrinted) fail(0, `ref ${num[1]} is not above the previous IR line's ref`);
    if (/^\d{4,} -+ LOOP -+$/.test(text)) {
      this.put(ref, { op: 'LOOP', type: 'nil', guard: false, phi: false, op1: 0, op2: 0 });
      return;
    }
    this.current = ref;
    let pos = num[0].length;
    const token = (): { text: string; at: number } => {
      while (text[pos] === ' ') pos++;
      const at = pos;
      while (pos < text.length && text[pos] !== ' ') pos++;
      return { text: text.slice(at, pos), at };
    };
    let t = token();
    let reg: RegColumn | undefined;
    if (isRegisterName(t.text)) reg = { kind: 'reg', name: t.text };
    else if (/^\[[0-9a-f]+\]$/.test(t.text)) {
      const offset = parseInt(t.text.slice(1, -1), 16);
      if (offset % 4) fail(t.at, `spill offset ${t.text} is not a multiple of 4`);
      reg = { kind: 'spill', slot: offset / 4 };
    } else if (t.text === '{sink') reg = { kind: 'sink', ref: null };
    else if (/^\{\d{4,}$/.test(t.text)) reg = { kind: 'sink', ref: REF_BIAS + Number(t.text.slice(1)) };
    if (reg) t = token();
    let guard = false;
    let phi = false;
    const flags = /^([>}]?)(\+?)$/.exec(t.text);
    if (flags && t.text !== '') {
      guard = flags[1] === '>';
      if (flags[1] === '}' && reg?.kind !== 'sink') reg = { kind: 'sink', ref: null };
      phi = flags[2] === '+';
      t = token();
    }
    if (!isTypeName(t.text)) fail(t.at, `unknown IR type \`${t.text}\`; expected a type such as int, num, fun, p64`);
    const type: IRTypeName = t.text;
    const opTok = token();
    if (!isOpName(opTok.text)) fail(opTok.at, `unknown IR opcode \`${opTok.text}\``);
    const op: IROpName = opTok.text;
    while (text[pos] === ' ') pos++;
    const [op1, op2] = this.operands(op, type, text, pos);
    this.put(ref, { op, type, guard, phi, op1, op2, ...(reg ? { reg } : {}) });
  }

  private put(ref: Ref, ins: IRIns): void {
    this.ins[ref - REF_FIRST] = ins;
    this.lastPrinted = ref;
  }

  /** Type of an instruction already parsed (for typing bare number constants). */
  private typeOf(ref: Ref | undefined): IRTypeName | undefined {
    if (ref === undefined) return undefined;
    if (ref < REF_BIAS) return this.pool.get(ref).type;
    return this.ins[ref - REF_FIRST]?.type;
  }

  private constant(token: ConstantToken, type: IRTypeName | undefined, col: number): Ref {
    switch (token.kind) {
      case 'pri':
        return this.pool.intern({ op: 'KPRI', type: token.type });
      case 'gc':
        return this.pool.intern({ op: 'KGC', type: token.type, text: token.text });
      case 'ptr':
        return this.pool.intern({ op: 'KPTR', type: 'p64', address: token.address });
      case 'null':
        return this.pool.intern({ op: 'KNULL', type: type ?? 'p64' });
      case 'frame':
        return this.pool.intern({ op: 'KNUM', type: 'num', value: 0 });
      case 'slot':
        return this.pool.intern({ op: 'KSLOT', type: 'p64', key: this.constant(token.key, undefined, col), slot: token.slot });
      case 'number':
        return this.numberConstant(token, type, col);
    }
  }

  private numberConstant(token: Extract<ConstantToken, { kind: 'number' }>, type: IRTypeName | undefined, col: number): Ref {
    const t = type ?? (token.integral && Number.isInteger(token.value) && (token.value | 0) === token.value ? 'int' : 'num');
    if (t === 'num' || t === 'flt' || token.hex) return this.pool.intern({ op: 'KNUM', type: 'num', value: token.value });
    if (t === 'i64' || t === 'u64' || t === 'p64') {
      if (!Number.isInteger(token.value)) fail(col, `expected an integer constant for type ${t}`);
      return this.pool.intern({ op: 'KINT64', type: t === 'p64' ? 'i64' : t, value: token.text !== undefined ? BigInt(token.text) : BigInt(token.value) });
    }
    if (!Number.isInteger(token.value) || (token.value | 0) !== token.value) {
      fail(col, `constant ${token.value} does not fit the 32-bit integer type ${t}`);
    }
    return this.pool.intern({ op: 'KINT', type: t === 'p32' ? 'int' : t, value: token.value });
  }

  /** Reads one ref-mode operand (a %04d ref or a constant). */
  private refOperand(text: string, pos: number, type: IRTypeName | undefined): { value: number; end: number } {
    const ref = /^(\d{4,})(?![\d.])/.exec(text.slice(pos));
    if (ref) return { value: REF_BIAS + Number(ref[1]), end: pos + ref[0].length };
    const k = scanConstant(text, pos);
    if (!k) fail(pos, 'expected an operand: a ref like 0004 or a constant');
    return { value: this.constant(k.value, type, pos), end: k.end };
  }

  private operands(op: IROpName, type: IRTypeName, text: string, pos: number): [number, number] {
    const info = opInfo(op);
    if (op.startsWith('CALL') && info.op2 === 'lit') return this.callOperands(text, pos);
    const op1 = this.operand(info.op1, op, type, text, pos, undefined);
    pos = op1.end;
    while (text[pos] === ' ') pos++;
    if (info.op2 === 'none') {
      if (pos < text.length) fail(pos, `unexpected text after the operand of ${op}`);
      return [op1.value, 0];
    }
    if (info.op2 === 'lit') {
      const litText = text.slice(pos).trimEnd();
      const value = parseLiteralOp2(op, litText);
      if (value === undefined) fail(pos, `\`${litText}\` is not a valid literal for ${op}`);
      return [op1.value, value];
    }
    const op2 = this.operand('ref', op, type, text, pos, op1.value);
    let end = op2.end;
    while (text[end] === ' ') end++;
    if (end < text.length) fail(end, `unexpected text after the operands of ${op}`);
    return [op1.value, op2.value];
  }

  private operand(
    mode: OperandMode,
    op: IROpName,
    type: IRTypeName,
    text: string,
    pos: number,
    other: number | undefined,
  ): { value: number; end: number } {
    if (mode === 'none') return { value: 0, end: pos };
    if (mode === 'lit') {
      const m = /^#\d+ */.exec(text.slice(pos));
      const value = m ? parseLitNumber(m[0]) : undefined;
      if (!m || value === undefined) fail(pos, `expected a literal like #3 as operand 1 of ${op}`);
      return { value, end: pos + m[0].length };
    }
    const peer = this.typeOf(other);
    // An array index is an int; a stored constant has the store's type, not its AREF's.
    const constType = op === 'AREF' && other !== undefined ? 'int' : (op === 'ASTORE' || op === 'HSTORE') && other !== undefined ? type : op === 'ABC' || op === 'CONV' || op === 'HREFK' ? peer : (peer ?? type);
    return this.refOperand(text, pos, constType);
  }

  private callOperands(text: string, pos: number): [number, number] {
    const m = /^(\S+) +\(/.exec(text.slice(pos));
    if (!m) fail(pos, 'expected `helper  (args)` after a CALL opcode');
    const id = helperId(m[1]);
    if (id === undefined) fail(pos, `unknown helper \`${m[1]}\`; known: ${HELPERS.map((h) => h.name).join(', ')}`);
    pos += m[0].length;
    const args: Ref[] = [];
    const types = HELPERS[id].args;
    while (text[pos] !== ')') {
      if (pos >= text.length) fail(pos, 'expected `)` closing the argument list');
      const a = this.refOperand(text, pos, types[args.length]);
      args.push(a.value);
      pos = a.end;
      while (text[pos] === ' ') pos++;
    }
    if (pos + 1 < text.length) fail(pos + 1, 'unexpected text after the argument list');
    this.callArgs.set(this.current - REF_FIRST, args);
    return [args.length === 0 ? REF_NIL : args.length === 1 ? args[0] : REF_NIL, id];
  }

  /** Calls with 2+ arguments take the unlisted refs right below them as their CARG chain. */
  private placeCallArgs(): void {
    for (const [index, args] of this.callArgs) {
      if (args.length < 2) continue;
      const need = args.length - 1;
      let chain: Ref = args[0];
      for (let k = 0; k < need; k++) {
        const slot = index - need + k;
        if (slot < 0 || this.ins[slot] !== undefined) {
          fail(0, `CALL at ${String(index + 1).padStart(4, '0')} has ${args.length} arguments but fewer than ${need} unlisted CARG refs right before it`);
        }
        this.ins[slot] = { op: 'CARG', type: 'nil', guard: false, phi: false, op1: chain, op2: args[k + 1] };
        chain = insRef(slot);
      }
      const call = this.ins[index]!;
      this.ins[index] = { ...call, op1: chain };
    }
  }
}

/** Reads trace blocks (start line, IR section, stop line) from a line cursor. */
export class TraceBlockReader {
  constructor(
    private readonly lines: readonly SourceLine[],
    private readonly file: string | undefined,
  ) {}

  /** Parses the block whose start line is at `index`; returns the trace and the index after its stop line. */
  read(index: number): { trace: Trace; next: number } {
    const startSrc = this.lines[index];
    const head = atLine(this.file, startSrc, () => parseStartLine(startSrc.text));
    let i = index + 1;
    const irSrc = this.lines[i];
    if (!irSrc || !IR_HEADER.test(irSrc.text) || Number(IR_HEADER.exec(irSrc.text)![1]) !== head.number) {
      throw new IrParseError(
        textLocation(this.file, irSrc?.line ?? startSrc.line + 1, 1),
        `expected \`---- TRACE ${head.number} IR\` after the start line`,
      );
    }
    const section = new IrSectionParser(this.file);
    for (i++; i < this.lines.length && !this.lines[i].text.startsWith('---- '); i++) section.line(this.lines[i]);
    const stopSrc = this.lines[i];
    if (!stopSrc) {
      throw new IrParseError(textLocation(this.file, this.lines.length + 1, 1), `missing \`---- TRACE ${head.number} stop -> ...\``);
    }
    const ir = section.finish(stopSrc);
    const link = atLine(this.file, stopSrc, () => parseStopLine(stopSrc.text, head.number));
    return { trace: { number: head.number, start: head.start, location: head.location, link, ...ir }, next: i + 1 };
  }
}

/**
 * Extracts every compiled trace from a whole `luajit -jdump=+rs...` output. Bytecode, mcode,
 * exits and program output are skipped; an aborted trace (start then abort) yields nothing.
 */
export function parseJdump(text: string, file?: string): Trace[] {
  const lines = splitLines(text);
  const traces: Trace[] = [];
  let pending: { index: number; number: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i].text;
    if (START_LINE.test(t)) pending = { index: i, number: Number(START_LINE.exec(t)![1]) };
    else if (/^---- TRACE \d+ abort /.test(t)) pending = undefined;
    else if (pending && IR_HEADER.test(t)) {
      // Re-assemble start line + IR section + stop line, skipping the bytecode and mcode between.
      const block: SourceLine[] = [lines[pending.index], lines[i]];
      let j = i + 1;
      for (; j < lines.length && !lines[j].text.startsWith('---- '); j++) block.push(lines[j]);
      while (j < lines.length && !STOP_LINE.test(lines[j].text)) j++;
      if (j < lines.length) block.push(lines[j]);
      traces.push(new TraceBlockReader(block, file).read(0).trace);
      pending = undefined;
      i = j;
    }
  }
  return traces;
}
