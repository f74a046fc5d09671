// Register names and lookups: every GPR at every width (including spl..dil, ah..bh and
// r8b..r15b, r8w..r15w, r8d..r15d) and xmm0..xmm15, numbered as in ModRM/REX.
import type { GprOperand, XmmOperand } from './operands';

export const GPR64_NAMES = [
  'rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi',
  'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15',
] as const;
export const GPR32_NAMES = [
  'eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi',
  'r8d', 'r9d', 'r10d', 'r11d', 'r12d', 'r13d', 'r14d', 'r15d',
] as const;
export const GPR16_NAMES = [
  'ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di',
  'r8w', 'r9w', 'r10w', 'r11w', 'r12w', 'r13w', 'r14w', 'r15w',
] as const;
/** Low bytes as reachable with a REX prefix (spl..dil need one). */
export const GPR8_NAMES = [
  'al', 'cl', 'dl', 'bl', 'spl', 'bpl', 'sil', 'dil',
  'r8b', 'r9b', 'r10b', 'r11b', 'r12b', 'r13b', 'r14b', 'r15b',
] as const;
/** ah..bh: encoded as numbers 4..7 and only without a REX prefix. */
export const HIGH8_NAMES = ['ah', 'ch', 'dh', 'bh'] as const;
export const XMM_NAMES = [
  'xmm0', 'xmm1', 'xmm2', 'xmm3', 'xmm4', 'xmm5', 'xmm6', 'xmm7',
  'xmm8', 'xmm9', 'xmm10', 'xmm11', 'xmm12', 'xmm13', 'xmm14', 'xmm15',
] as const;

export type GprName =
  | (typeof GPR64_NAMES)[number] | (typeof GPR32_NAMES)[number] | (typeof GPR16_NAMES)[number]
  | (typeof GPR8_NAMES)[number] | (typeof HIGH8_NAMES)[number];
export type XmmName = (typeof XMM_NAMES)[number];

const NAMES_BY_WIDTH = { 64: GPR64_NAMES, 32: GPR32_NAMES, 16: GPR16_NAMES, 8: GPR8_NAMES } as const;

const REGISTERS_BY_NAME: ReadonlyMap<string, GprOperand | XmmOperand> = (() => {
  const map = new Map<string, GprOperand | XmmOperand>();
  for (const width of [64, 32, 16, 8] as const) {
    NAMES_BY_WIDTH[width].forEach((name, num) => map.set(name, { kind: 'gpr', num, width }));
  }
  HIGH8_NAMES.forEach((name, i) => map.set(name, { kind: 'gpr', num: 4 + i, width: 8, high8: true }));
  XMM_NAMES.forEach((name, num) => map.set(name, { kind: 'xmm', num }));
  return map;
})();

/** The register operand named `name` (lower case), or undefined. */
export function registerByName(name: string): GprOperand | XmmOperand | undefined {
  return REGISTERS_BY_NAME.get(name);
}

export function gprName(reg: GprOperand): GprName {
  return reg.high8 ? HIGH8_NAMES[reg.num - 4] : NAMES_BY_WIDTH[reg.width][reg.num];
}

export function xmmName(reg: XmmOperand): XmmName {
  return XMM_NAMES[reg.num];
}

/** spl, bpl, sil and dil are only reachable with a REX prefix. */
export function needsRex(reg: GprOperand): boolean {
  return reg.width === 8 && !reg.high8 && reg.num >= 4 && reg.num <= 7;
}
