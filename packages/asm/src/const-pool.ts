// A trace's constant pool: 16-byte cells placed just below the trace's first byte, one per
// distinct 64-bit pattern (IR constants as instructions read them, and the NEG/ABS masks), so
// SSE and integer instructions can take constants as RIP-relative memory operands.

import { numberWords, type TValueWords } from '@tracesim/machine';
import { constIndex, constRef, luaValueWords, rawWords, wordsToBits, type Ref, type Trace } from '@tracesim/ir';
import { AsmError } from './errors';
import { ABS_MASK, SIGN_MASK } from './op-tables';

export const POOL_CELL = 16;

export interface ConstPool {
  readonly base: number;
  readonly bytes: Uint8Array;
  /** Address of the cell holding `bits`. */
  address(bits: bigint): number;
}

/** A constant as the Lua value a snapshot restores (ints become doubles). */
export function constWords(trace: Trace, ref: Ref, location: string): TValueWords {
  const k = trace.consts[constIndex(ref)];
  switch (k?.op) {
    case 'KINT':
    case 'KNUM':
      return numberWords(k.value);
    case 'KPRI':
      return luaValueWords({ kind: k.type === 'nil' ? 'nil' : k.type === 'fal' ? 'false' : 'true' });
    case 'KGC':
      return luaValueWords({ kind: 'gc', type: k.type, text: k.text });
    case 'KPTR':
    case 'KKPTR':
      return rawWords(k.address);
    case 'KINT64':
      return rawWords(k.value);
    case 'KNULL':
      return rawWords(0n);
    default:
      throw new AsmError(location, `constant ${ref} (${k?.op ?? 'missing'}) cannot be used by the backend`);
  }
}

/** A constant's bits as an instruction reads them: an int's low 32 bits hold the int32. */
export function constBits(trace: Trace, ref: Ref, location: string): bigint {
  const k = trace.consts[constIndex(ref)];
  if (k?.op === 'KINT' && k.type !== 'num') return BigInt.asUintN(64, BigInt(k.value));
  return wordsToBits(constWords(trace, ref, location));
}

/** The pool for `trace`, placed at `base` (16-byte aligned); `extra` adds cells (e.g. code addresses). */
export function buildConstPool(trace: Trace, base: number, extra: readonly bigint[] = []): ConstPool {
  const patterns = new Set<bigint>([SIGN_MASK, ABS_MASK, ...extra]);
  trace.consts.forEach((k, index) => {
    if (k.op === 'KSLOT') return;
    patterns.add(constBits(trace, constRef(index), `trace ${trace.number} constant ${index}`));
  });
  const list = [...patterns];
  const bytes = new Uint8Array(list.length * POOL_CELL);
  const view = new DataView(bytes.buffer);
  list.forEach((bits, i) => view.setBigUint64(i * POOL_CELL, bits, true));
  const at = new Map(list.map((bits, i) => [bits, base + i * POOL_CELL]));
  return {
    base,
    bytes,
    address(bits: bigint): number {
      const address = at.get(bits);
      if (address === undefined) throw new AsmError(`trace ${trace.number}`, `constant 0x${bits.toString(16)} is not in the pool`);
      return address;
    },
  };
}
