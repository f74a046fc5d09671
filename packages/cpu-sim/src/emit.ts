// The JavaScript source emitter used by the block translator: fresh temporaries, operand
// reads and writes (GPRs as int32 halves in R, xmm dwords in X, memory through M) and
// flag stores restricted to the flags that are live afterwards.
//
// Integer values are carried as { lo, hi } source expressions: for width 64 both halves are
// int32; for width 32 lo is int32 and hi is '0'; for widths 8 and 16 lo is the value masked
// to the width (non-negative) and hi is '0'.
import type { GprOperand, Instruction, MemOperand, Operand } from '@tracesim/x86';
import { FLAG_SLOT, RSP, type FlagName } from './state';

export type Width = 8 | 16 | 32 | 64;

export interface IntValue {
  readonly lo: string;
  readonly hi: string;
}

export const MASK: Record<Width, number> = { 8: 0xff, 16: 0xffff, 32: -1, 64: -1 };
export const SIGN: Record<Width, number> = { 8: 0x80, 16: 0x8000, 32: 0x80000000 | 0, 64: 0x80000000 | 0 };

export class Emitter {
  private readonly lines: string[] = [];
  private count = 0;

  constructor(
    /** Address of the instruction being emitted. */
    public ins: Instruction,
    /** Mask (over CpuState.flags slots) of the flags someone reads after this instruction. */
    public liveFlags: number,
    /** Emit a call to C.rspChanged after each write to rsp (the monitor is on). */
    private readonly watchRsp: boolean,
  ) {}

  get next(): number {
    return this.ins.address + this.ins.length;
  }

  line(code: string): void {
    this.lines.push(code);
  }

  /** Binds `expr` to a fresh temporary and returns its name. */
  temp(expr: string): string {
    const name = `t${this.count++}`;
    this.lines.push(`let ${name} = ${expr};`);
    return name;
  }

  source(): string {
    return this.lines.join('\n');
  }

  startInstruction(ins: Instruction, liveFlags: number): void {
    this.ins = ins;
    this.liveFlags = liveFlags;
  }

  /** Marks the current instruction as the one a fault (or a watched write) belongs to. */
  faultPoint(): void {
    this.lines.push(`C.at = ${this.ins.address};`);
  }

  /** After an instruction changed rsp: lets the monitor check it. */
  rspMayHaveRisen(): void {
    if (this.watchRsp) this.lines.push(`C.rspChanged(${this.ins.address});`);
  }

  // ---- flags -----------------------------------------------------------------------------

  isLive(flag: FlagName): boolean {
    return (this.liveFlags & (1 << FLAG_SLOT[flag])) !== 0;
  }

  /** Stores each given flag (a boolean or 0/1 expression) that is live afterwards. */
  flags(values: Partial<Record<FlagName, string>>): void {
    for (const [flag, expr] of Object.entries(values) as [FlagName, string][]) {
      if (this.isLive(flag)) this.lines.push(`F[${FLAG_SLOT[flag]}] = (${expr}) ? 1 : 0;`);
    }
  }

  /** SF, ZF and PF of a result. */
  resultFlags(w: Width, r: IntValue): Partial<Record<FlagName, string>> {
    return {
      SF: w === 64 ? `${r.hi} < 0` : w === 32 ? `${r.lo} < 0` : `(${r.lo} & ${SIGN[w]}) !== 0`,
      ZF: w === 64 ? `(${r.lo} | ${r.hi}) === 0` : `${r.lo} === 0`,
      PF: `H.PARITY[${r.lo} & 255]`,
    };
  }

  // ---- memory addresses -----------------------------------------------------------------

  /** Emits the effective address of `m` into a temporary (no memory access). */
  address(m: MemOperand): string {
    const parts: string[] = [];
    if (m.base === 'rip') parts.push(String(this.next + m.disp));
    else {
      if (m.base !== undefined) parts.push(`H.address(R[${2 * m.base}], R[${2 * m.base + 1}])`);
      if (m.index !== undefined) parts.push(`H.address(R[${2 * m.index}], R[${2 * m.index + 1}]) * ${m.scale}`);
      if (m.disp !== 0 || parts.length === 0) parts.push(String(m.disp));
    }
    return this.temp(parts.join(' + '));
  }

  // ---- integer operands -------------------------------------------------------------------

  /** A place an integer operand lives: its memory address is computed once. */
  place(op: Operand): Place {
    if (op.kind === 'mem') {
      this.faultPoint();
      return { op, addr: this.address(op) };
    }
    return { op };
  }

  /** Reads an integer operand at width `w` into temporaries. */
  read(p: Place, w: Width): IntValue {
    const op = p.op;
    switch (op.kind) {
      case 'gpr': {
        const lo = `R[${2 * registerOf(op)}]`;
        if (w === 64) return { lo: this.temp(lo), hi: this.temp(`R[${2 * op.num + 1}]`) };
        if (w === 32) return { lo: this.temp(lo), hi: '0' };
        if (op.high8) return { lo: this.temp(`(${lo} >> 8) & 255`), hi: '0' };
        return { lo: this.temp(`${lo} & ${MASK[w]}`), hi: '0' };
      }
      case 'mem': {
        const a = p.addr as string;
        if (w === 64) return { lo: this.temp(`M.readI32(${a})`), hi: this.temp(`M.readI32(${a} + 4)`) };
        if (w === 32) return { lo: this.temp(`M.readI32(${a})`), hi: '0' };
        return { lo: this.temp(`M.read${w}(${a})`), hi: '0' };
      }
      case 'imm':
        return immediate(op.value, w);
      default:
        throw new Error(`operand kind ${op.kind} is not an integer operand`);
    }
  }

  /** Writes an integer value at width `w` (32-bit register writes zero-extend, 8/16 merge). */
  write(p: Place, w: Width, v: IntValue): void {
    const op = p.op;
    if (op.kind === 'mem') {
      const a = p.addr as string;
      if (w === 64) this.line(`M.write64Halves(${a}, ${v.lo}, ${v.hi});`);
      else this.line(`M.write${w}(${a}, ${v.lo});`);
      return;
    }
    if (op.kind !== 'gpr') throw new Error(`cannot write to a ${op.kind} operand`);
    const lo = `R[${2 * registerOf(op)}]`;
    const hi = `R[${2 * op.num + 1}]`;
    if (w === 64) this.line(`${lo} = ${v.lo}; ${hi} = ${v.hi};`);
    else if (w === 32) this.line(`${lo} = ${v.lo}; ${hi} = 0;`);
    else if (op.high8) this.line(`${lo} = (${lo} & ~0xff00) | ((${v.lo} & 255) << 8);`);
    else this.line(`${lo} = (${lo} & ~${MASK[w]}) | (${v.lo} & ${MASK[w]});`);
    if (op.num === RSP && !op.high8) this.rspMayHaveRisen();
  }
}

export interface Place {
  readonly op: Operand;
  readonly addr?: string;
}

/** The 64-bit register a GPR operand lives in (ah..bh are bits 8-15 of rax..rbx). */
export function registerOf(op: GprOperand): number {
  return op.high8 ? op.num - 4 : op.num;
}

/** An immediate as a constant IntValue at width `w`. */
export function immediate(value: bigint, w: Width): IntValue {
  const u = BigInt.asUintN(w, value);
  const lo = Number(u & 0xffffffffn);
  if (w === 64) return { lo: String(lo | 0), hi: String(Number(u >> 32n) | 0) };
  return { lo: String(w === 32 ? lo | 0 : lo), hi: '0' };
}

/** The GPR width of an integer operand (registers and sized memory). */
export function widthOf(op: Operand): Width {
  if (op.kind === 'gpr') return op.width;
  if (op.kind === 'mem' && (op.width === 8 || op.width === 16 || op.width === 32 || op.width === 64)) return op.width;
  throw new Error(`operand has no integer width`);
}
