// Byte emission for one chosen form: legacy prefixes, REX or VEX, opcode, ModRM/SIB with
// every special case (rsp/r12 base needs SIB, rbp/r13 base needs a displacement, no base
// means SIB disp32, RIP-relative), immediates and relative branch displacements.
import type { Form, OperandKind } from './forms';
import { immediateBits, isImmediateKind, pushLittleEndian } from './immediates';
import type { GprOperand, MemOperand, Operand } from './operands';
import { needsRex } from './registers';

/**
 * Why a form cannot encode these operands (the selector tries the next form). Thrown and
 * caught for every form tried, so it records no stack trace.
 */
export class NoEncoding extends Error {
  constructor(message: string) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
  }
}

const MAP_ESCAPES: Record<Form['map'], number[]> = { 0: [], 1: [0x0f], 2: [0x0f, 0x38], 3: [0x0f, 0x3a] };

export type OperandRole = 'reg' | 'rm' | 'opcode' | 'imm' | 'rel' | 'implicit';

export function operandRole(kind: OperandKind): OperandRole {
  if (kind === 'x' || /^r(8|16|32|64)$/.test(kind)) return 'reg';
  if (kind === 'm' || kind.startsWith('rm') || kind.startsWith('xm')) return 'rm';
  if (kind.startsWith('o') && kind !== 'one') return 'opcode';
  if (isImmediateKind(kind)) return 'imm';
  if (kind === 'rel8' || kind === 'rel32') return 'rel';
  return 'implicit';
}

function fitsSigned(value: number, bits: 8 | 32): boolean {
  const limit = 2 ** (bits - 1);
  return Number.isInteger(value) && value >= -limit && value < limit;
}

interface RexBits { r: number; x: number; b: number }

/** ModRM (+SIB, +displacement) for r/m operand `rm` with `regField` in ModRM.reg. */
function modrmBytes(regField: number, rm: Operand, rex: RexBits): number[] {
  const reg = (regField & 7) << 3;
  if (rm.kind === 'gpr' || rm.kind === 'xmm') {
    rex.b = rm.num >> 3;
    return [0xc0 | reg | (rm.num & 7)];
  }
  if (rm.kind !== 'mem') throw new NoEncoding('expected a register or memory operand');
  return memoryBytes(reg, rm, rex);
}

function memoryBytes(reg: number, mem: MemOperand, rex: RexBits): number[] {
  const out: number[] = [];
  if (!fitsSigned(mem.disp, 32)) throw new NoEncoding(`displacement ${mem.disp} does not fit 32 bits`);
  if (mem.index === 4) throw new NoEncoding('rsp cannot be an index register');
  if (mem.base === 'rip') {
    if (mem.index !== undefined) throw new NoEncoding('RIP-relative operands take no index');
    out.push(reg | 0x05);
    pushLittleEndian(out, BigInt(mem.disp), 32);
    return out;
  }
  const sib = (base: number) =>
    (mem.index === undefined ? 0x20 : (scaleBits(mem.scale) << 6) | ((mem.index & 7) << 3)) | base;
  rex.x = (mem.index ?? 0) >> 3;
  if (mem.base === undefined) {
    out.push(reg | 0x04, sib(5));
    pushLittleEndian(out, BigInt(mem.disp), 32);
    return out;
  }
  rex.b = mem.base >> 3;
  const low = mem.base & 7;
  const dispBits = mem.dispWidth === 32 || !fitsSigned(mem.disp, 8) ? 32
    : mem.dispWidth === 8 || mem.disp !== 0 || low === 5 ? 8 : 0;
  const mod = dispBits === 32 ? 0x80 : dispBits === 8 ? 0x40 : 0;
  if (mem.index !== undefined || low === 4) out.push(mod | reg | 0x04, sib(low));
  else out.push(mod | reg | low);
  if (dispBits) pushLittleEndian(out, BigInt(mem.disp), dispBits);
  return out;
}

function scaleBits(scale: 1 | 2 | 4 | 8): number {
  return ({ 1: 0, 2: 1, 4: 2, 8: 3 } as const)[scale];
}

/**
 * The bytes of `form` with resolved `operands` (immediates canonical, memory widths set),
 * placed at `address` (for rel8/rel32). Throws NoEncoding when the form cannot do it.
 */
export function emitForm(form: Form, operands: readonly Operand[], cond: number | undefined, address: number): Uint8Array {
  const rex: RexBits = { r: 0, x: 0, b: 0 };
  let regField = typeof form.modrm === 'number' ? form.modrm : 0;
  let rmOperand: Operand | undefined;
  let opcode = form.opcode + (form.opcodeAdds === 'cc' ? cond ?? 0 : 0);
  const tail: number[] = [];
  let rel: { target: number; bits: 8 | 32 } | undefined;
  form.operands.forEach((kind, i) => {
    const op = operands[i];
    switch (operandRole(kind)) {
      case 'reg':
        regField = (op as GprOperand).num;
        rex.r = regField >> 3;
        break;
      case 'rm':
        rmOperand = op;
        break;
      case 'opcode':
        opcode += (op as GprOperand).num & 7;
        rex.b = (op as GprOperand).num >> 3;
        break;
      case 'imm':
        if (op.kind !== 'imm') throw new NoEncoding('expected an immediate');
        pushLittleEndian(tail, op.value, immediateBits(kind as 'imm8'));
        break;
      case 'rel':
        if (op.kind !== 'rel') throw new NoEncoding('expected a branch target');
        rel = { target: op.target, bits: kind === 'rel8' ? 8 : 32 };
        break;
      case 'implicit':
        break;
    }
  });
  const modrm = form.modrm === undefined ? [] : modrmBytes(regField, rmOperand!, rex);
  const out: number[] = [...form.prefixes];
  if (form.vex) {
    const inverted = (((~rex.r & 1) << 7) | ((~rex.x & 1) << 6) | ((~rex.b & 1) << 5));
    out.push(0xc4, inverted | form.map, ((form.rexW ? 1 : 0) << 7) | (0xf << 3) | form.vex.pp);
  } else {
    const gprs = operands.filter((o): o is GprOperand => o.kind === 'gpr');
    const rexByte = 0x40 | ((form.rexW ? 1 : 0) << 3) | (rex.r << 2) | (rex.x << 1) | rex.b;
    if (rexByte !== 0x40 || gprs.some(needsRex)) {
      if (gprs.some((g) => g.high8)) throw new NoEncoding('ah, ch, dh and bh cannot be used with a REX prefix');
      out.push(rexByte);
    }
    out.push(...MAP_ESCAPES[form.map]);
  }
  out.push(opcode, ...modrm, ...tail);
  if (rel) {
    const end = address + out.length + rel.bits / 8;
    const displacement = rel.target - end;
    if (!fitsSigned(displacement, rel.bits)) throw new NoEncoding(`branch target out of rel${rel.bits} range`);
    pushLittleEndian(out, BigInt(displacement), rel.bits);
  }
  return Uint8Array.from(out);
}
