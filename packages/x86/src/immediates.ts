// Immediate values: the canonical value of an immediate operand (signed at the form's
// operation width; unsigned for u8), whether it fits an immediate kind, and its bytes.
import type { Form, OperandKind } from './forms';

export type ImmediateKind = 'imm8' | 'imm16' | 'imm32' | 'imm64' | 'u8';

const IMMEDIATE_BITS: Record<ImmediateKind, 8 | 16 | 32 | 64> = { imm8: 8, imm16: 16, imm32: 32, imm64: 64, u8: 8 };

export function isImmediateKind(kind: OperandKind): kind is ImmediateKind {
  return kind in IMMEDIATE_BITS;
}

export function immediateBits(kind: ImmediateKind): 8 | 16 | 32 | 64 {
  return IMMEDIATE_BITS[kind];
}

/**
 * `value` as an immediate of `kind` in `form`, canonicalised (written values such as
 * 0xfff90000 for a dword and -0x2 are both accepted), or undefined when it does not fit.
 */
export function canonicalImmediate(kind: ImmediateKind, form: Form, value: bigint): bigint | undefined {
  if (kind === 'u8') return value >= -128n && value <= 255n ? BigInt.asUintN(8, value) : undefined;
  const width = form.operationWidth;
  if (value < -(1n << BigInt(width - 1)) || value >= 1n << BigInt(width)) return undefined;
  const canonical = BigInt.asIntN(width, value);
  return BigInt.asIntN(IMMEDIATE_BITS[kind], canonical) === canonical ? canonical : undefined;
}

/** The immediate as objdump prints it: hex, unsigned at the operation width. */
export function immediateText(kind: ImmediateKind, form: Form, value: bigint): string {
  const width = kind === 'u8' ? 8 : form.operationWidth;
  return '0x' + BigInt.asUintN(width, value).toString(16);
}

export function pushLittleEndian(out: number[], value: bigint, bits: number): void {
  for (let i = 0; i < bits; i += 8) out.push(Number(BigInt.asUintN(8, value >> BigInt(i))));
}

export function readLittleEndian(bytes: Uint8Array, at: number, bits: number, signed: boolean): bigint {
  let value = 0n;
  for (let i = bits / 8 - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[at + i]);
  return signed ? BigInt.asIntN(bits, value) : value;
}
