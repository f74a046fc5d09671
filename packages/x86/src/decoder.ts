// The decoder: bytes → Instruction through opcode lookup maps built once from the form
// table. Anything that is not a table form — including any prefix the form does not list —
// throws DecodeError naming the offset and the bytes.
import { operandRole } from './emit';
import { formMnemonic, gprKindWidth, INSTRUCTION_FORMS, type Form, type OperandKind } from './forms';
import { DecodeError } from './errors';
import { immediateBits, readLittleEndian } from './immediates';
import type { Instruction, MemOperand, Operand } from './operands';
import { memoryWidth } from './select';

const PREFIX_NAMES: ReadonlyMap<number, string> = new Map([
  [0x66, 'data16'], [0xf2, 'repne'], [0xf3, 'rep'], [0x2e, 'cs'], [0xf0, 'lock'],
  [0x26, 'es'], [0x36, 'ss'], [0x3e, 'ds'], [0x64, 'fs'], [0x65, 'gs'], [0x67, 'addr32'],
]);
const MAX_LENGTH = 15;

function lookupKey(prefixes: readonly number[], vexPp: number | undefined, map: number, opcode: number): string {
  return `${prefixes.join(',')}|${vexPp ?? '-'}|${map}|${opcode}`;
}

const FORMS_BY_OPCODE: ReadonlyMap<string, readonly Form[]> = (() => {
  const map = new Map<string, Form[]>();
  for (const form of INSTRUCTION_FORMS) {
    const span = form.opcodeAdds === 'r' ? 8 : form.opcodeAdds === 'cc' ? 16 : 1;
    for (let i = 0; i < span; i++) {
      const key = lookupKey(form.prefixes, form.vex?.pp, form.map, form.opcode + i);
      map.set(key, [...(map.get(key) ?? []), form]);
    }
  }
  return map;
})();

/** The byte prefixes, REX/VEX fields, opcode and ModRM as read so far. */
interface Header {
  prefixes: number[];
  /** REX.WRXB bits (VEX: the inverted R, X, B). */
  rex: number;
  hasRex: boolean;
  rexW: boolean;
  vexPp?: number;
  map: 0 | 1 | 2 | 3;
  opcode: number;
}

class Reader {
  pos: number;
  constructor(readonly bytes: Uint8Array, readonly start: number) {
    this.pos = start;
  }
  fail(message: string, end = this.pos + 1): never {
    const stop = Math.min(end, this.bytes.length, this.start + MAX_LENGTH);
    throw new DecodeError(message, this.start, this.bytes.slice(this.start, Math.max(stop, this.start + 1)));
  }
  need(count: number): void {
    if (this.pos + count > this.bytes.length) this.fail('truncated instruction', this.bytes.length);
    if (this.pos + count - this.start > MAX_LENGTH) this.fail('instruction longer than 15 bytes');
  }
  byte(): number {
    this.need(1);
    return this.bytes[this.pos++];
  }
  peek(): number | undefined {
    return this.bytes[this.pos];
  }
  int(bits: number, signed: boolean): bigint {
    this.need(bits / 8);
    const value = readLittleEndian(this.bytes, this.pos, bits, signed);
    this.pos += bits / 8;
    return value;
  }
}

function readHeader(r: Reader): Header {
  const prefixes: number[] = [];
  while (PREFIX_NAMES.has(r.peek() ?? -1) && prefixes.length < MAX_LENGTH) prefixes.push(r.byte());
  const first = r.byte();
  if (first === 0xc4 || first === 0xc5) {
    if (prefixes.length) r.fail(`prefix ${PREFIX_NAMES.get(prefixes[0])} before a VEX prefix is not supported`);
    const b1 = r.byte();
    const b2 = first === 0xc4 ? r.byte() : b1;
    const map = first === 0xc4 ? b1 & 0x1f : 1;
    if (map < 1 || map > 3) r.fail(`VEX opcode map ${map} is not supported`);
    if ((b2 & 0x78) !== 0x78) r.fail('VEX.vvvv must be 1111 for the supported VEX forms');
    if (b2 & 0x04) r.fail('VEX.L=1 (256-bit) is not supported');
    const rex = first === 0xc4 ? (~b1 >> 5) & 7 : (~b1 >> 5) & 4;
    return { prefixes, rex, hasRex: false, rexW: first === 0xc4 && (b2 & 0x80) !== 0, vexPp: b2 & 3, map: map as 1 | 2 | 3, opcode: r.byte() };
  }
  let rex = 0;
  let next = first;
  if ((first & 0xf0) === 0x40) {
    rex = first & 0x0f;
    next = r.byte();
  }
  let map: 0 | 1 | 2 | 3 = 0;
  if (next === 0x0f) {
    map = 1;
    next = r.byte();
    if (next === 0x38 || next === 0x3a) {
      map = next === 0x38 ? 2 : 3;
      next = r.byte();
    }
  }
  return { prefixes, rex, hasRex: (first & 0xf0) === 0x40, rexW: (rex & 8) !== 0, map, opcode: next };
}

function formMatches(form: Form, h: Header, modrm: number | undefined): boolean {
  if (form.rexW !== h.rexW) return false;
  if (typeof form.modrm === 'number' && modrm !== undefined && ((modrm >> 3) & 7) !== form.modrm) return false;
  if (modrm !== undefined && modrm >> 6 === 3 && form.operands.includes('m')) return false;
  if (form.opcodeAdds === 'r' && form.notAccumulator && ((h.opcode - form.opcode) | ((h.rex & 1) << 3)) === 0) return false;
  return true;
}

function describeOpcode(h: Header): string {
  const escape = ['', '0f ', '0f 38 ', '0f 3a '][h.map];
  return `${h.vexPp !== undefined ? 'VEX ' : ''}${escape}${h.opcode.toString(16).padStart(2, '0')}`;
}

function gprOperand(num: number, kind: OperandKind, h: Header): Operand {
  const width = gprKindWidth(kind)!;
  if (width === 8 && !h.hasRex && num >= 4 && num <= 7) return { kind: 'gpr', num, width, high8: true };
  return { kind: 'gpr', num, width };
}

function readMemory(r: Reader, modrm: number, h: Header, width: MemOperand['width']): MemOperand {
  const mod = modrm >> 6;
  const rm = modrm & 7;
  const rexB = h.rex & 1;
  if (rm === 5 && mod === 0) return { kind: 'mem', width, base: 'rip', scale: 1, disp: Number(r.int(32, true)) };
  let base: number | undefined = rm | (rexB << 3);
  let index: number | undefined;
  let scale: 1 | 2 | 4 | 8 = 1;
  if (rm === 4) {
    const sib = r.byte();
    const idx = ((sib >> 3) & 7) | (((h.rex >> 1) & 1) << 3);
    if (idx !== 4) {
      index = idx;
      scale = (1 << (sib >> 6)) as 1 | 2 | 4 | 8;
    }
    base = (sib & 7) === 5 && mod === 0 ? undefined : (sib & 7) | (rexB << 3);
  }
  const dispBits = base === undefined || mod === 2 ? 32 : mod === 1 ? 8 : 0;
  const disp = dispBits ? Number(r.int(dispBits, true)) : 0;
  const mem: MemOperand = { kind: 'mem', width, ...(base === undefined ? {} : { base }), ...(index === undefined ? {} : { index }), scale, disp };
  if (base === undefined) return mem;
  const shortest = disp === 0 && (base & 7) !== 5 ? 0 : disp >= -128 && disp < 128 ? 8 : 32;
  return dispBits === shortest ? mem : { ...mem, dispWidth: dispBits as 8 | 32 };
}

/** REX (or VEX) bits the instruction does not use would be silently ignored: report them. */
function checkRexUse(r: Reader, h: Header, form: Form, operands: readonly Operand[]): void {
  let used = 0;
  form.operands.forEach((kind, i) => {
    const role = operandRole(kind);
    const op = operands[i];
    if (role === 'reg') used |= 4;
    if (role === 'opcode' || (role === 'rm' && op.kind !== 'mem')) used |= 1;
    if (op.kind === 'mem') used |= (typeof op.base === 'number' ? 1 : 0) | (op.index !== undefined ? 2 : 0);
  });
  const unused = h.rex & 7 & ~used;
  if (unused) {
    const names = ['B', 'X', 'R'].filter((_, bit) => unused & (1 << bit)).map((b) => `${h.vexPp === undefined ? 'REX' : 'VEX'}.${b}`);
    r.fail(`${names.join(' and ')} has no effect on ${form.mnemonic} here (the prefix would be ignored)`);
  }
  const needsBareRex = operands.some((o) => o.kind === 'gpr' && o.width === 8 && !o.high8 && o.num >= 4 && o.num <= 7);
  if (h.hasRex && !(h.rex & 7) && !form.rexW && !needsBareRex) {
    r.fail(`REX prefix ${(0x40 | h.rex).toString(16)} has no effect on ${form.mnemonic} (the prefix would be ignored)`);
  }
}

/** Decodes the instruction at `bytes[offset]`, which sits at `address`. */
export function decode(bytes: Uint8Array, offset: number, address: number): Instruction {
  const r: Reader = new Reader(bytes, offset);
  const h = readHeader(r);
  const candidates = FORMS_BY_OPCODE.get(lookupKey(h.prefixes, h.vexPp, h.map, h.opcode));
  if (!candidates) {
    const unsupported = h.prefixes.find((p) => ![0x66, 0xf2, 0xf3].includes(p)) ?? h.prefixes[0];
    if (unsupported !== undefined && FORMS_BY_OPCODE.has(lookupKey([], h.vexPp, h.map, h.opcode))) {
      r.fail(`prefix ${unsupported.toString(16)} (${PREFIX_NAMES.get(unsupported)}) is not supported with opcode ${describeOpcode(h)}`);
    }
    r.fail(`opcode ${describeOpcode(h)}${h.prefixes.length ? ` with prefixes ${h.prefixes.map((p) => p.toString(16)).join(' ')}` : ''} is not in the instruction table`);
  }
  const modrm = candidates[0].modrm === undefined ? undefined : r.byte();
  const form = candidates.find((f) => formMatches(f, h, modrm));
  if (!form) {
    const detail = modrm === undefined ? '' : ` with ModRM ${modrm.toString(16).padStart(2, '0')}`;
    r.fail(`opcode ${describeOpcode(h)}${detail}${h.rexW ? ' and REX.W' : ''} is not a form in the instruction table`);
  }
  const cond = form.opcodeAdds === 'cc' ? h.opcode - form.opcode : undefined;
  const operands: Operand[] = [];
  let relBits: 0 | 8 | 32 = 0;
  for (const kind of form.operands) {
    switch (operandRole(kind)) {
      case 'reg': {
        const num = ((modrm! >> 3) & 7) | (((h.rex >> 2) & 1) << 3);
        operands.push(kind === 'x' ? { kind: 'xmm', num } : gprOperand(num, kind, h));
        break;
      }
      case 'rm': {
        const num = (modrm! & 7) | ((h.rex & 1) << 3);
        if (modrm! >> 6 !== 3) operands.push(readMemory(r, modrm!, h, memoryWidth(kind)));
        else operands.push(kind.startsWith('xm') ? { kind: 'xmm', num } : gprOperand(num, kind, h));
        break;
      }
      case 'opcode':
        operands.push(gprOperand(((h.opcode - form.opcode) & 7) | ((h.rex & 1) << 3), kind, h));
        break;
      case 'imm': {
        const bits = immediateBits(kind as 'imm8');
        operands.push({ kind: 'imm', value: r.int(bits, kind !== 'u8'), width: bits });
        break;
      }
      case 'rel':
        relBits = kind === 'rel8' ? 8 : 32;
        operands.push({ kind: 'rel', target: Number(r.int(relBits, true)), width: relBits });
        break;
      case 'implicit':
        operands.push(kind === 'one' ? { kind: 'imm', value: 1n, width: 8 } : gprOperand(kind === 'cl' ? 1 : 0, kind === 'cl' ? 'r8' : kind, h));
        break;
    }
  }
  checkRexUse(r, h, form, operands);
  const length = r.pos - offset;
  const resolved = relBits
    ? operands.map((op) => (op.kind === 'rel' ? { ...op, target: address + length + op.target } : op))
    : operands;
  return {
    mnemonic: formMnemonic(form, cond),
    formId: form.id,
    operands: resolved,
    ...(cond === undefined ? {} : { cond }),
    address,
    length,
  };
}

/** Decodes every instruction of `bytes`, the first at `address`. */
export function decodeAll(bytes: Uint8Array, address: number): Instruction[] {
  const out: Instruction[] = [];
  for (let offset = 0; offset < bytes.length; ) {
    const instr = decode(bytes, offset, address + offset);
    out.push(instr);
    offset += instr.length;
  }
  return out;
}
