// Lua stack values: scenario LuaValues, their GC64 TValue encoding (via @tracesim/machine), and
// the text spelling trace files and event listings use for them.

import { gcWords, isNumberWords, itypeName, itypeOf, numberWords, payloadOf, primitiveWords, ITYPE, wordsToNumber, type TValueWords } from '@tracesim/machine';
import { gcHandle } from './constants';
import { parseDecimal } from './numfmt';
import type { LuaValue } from './trace';
import { isTaggedType, isTypeName, itypeOfType, type IRTypeName } from './types';

export function rawWords(bits: bigint): TValueWords {
  const b = BigInt.asUintN(64, bits);
  return { lo: Number(b & 0xffffffffn), hi: Number(b >> 32n) };
}

export function wordsToBits(w: TValueWords): bigint {
  return (BigInt(w.hi >>> 0) << 32n) | BigInt(w.lo >>> 0);
}

export function gcValueWords(type: IRTypeName, text: string): TValueWords {
  return gcWords(itypeOfType(type), gcHandle(text));
}

export function luaValueWords(v: LuaValue): TValueWords {
  switch (v.kind) {
    case 'nil':
      return primitiveWords(ITYPE.nil);
    case 'false':
      return primitiveWords(ITYPE.false);
    case 'true':
      return primitiveWords(ITYPE.true);
    case 'num':
      return numberWords(v.value);
    case 'gc':
      return gcValueWords(v.type, v.text);
    case 'raw':
      return rawWords(v.bits);
  }
}

/** Exact decimal spelling of a double: `-0`, `inf`, `nan` included. */
export function formatExactNumber(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n < 0 ? '-inf' : 'inf';
  return Object.is(n, -0) ? '-0' : String(n);
}

export function formatLuaValue(v: LuaValue): string {
  switch (v.kind) {
    case 'num':
      return formatExactNumber(v.value);
    case 'gc':
      return `${v.type} ${v.text}`;
    case 'raw':
      return `raw 0x${v.bits.toString(16)}`;
    default:
      return v.kind;
  }
}

export function parseLuaValue(text: string): LuaValue | undefined {
  if (text === 'nil' || text === 'false' || text === 'true') return { kind: text };
  const raw = /^raw 0x([0-9a-f]+)$/i.exec(text);
  if (raw) return { kind: 'raw', bits: BigInt('0x' + raw[1]) };
  const gc = /^([a-z]{3}) (\S.*)$/.exec(text);
  if (gc && isTypeName(gc[1]) && isTaggedType(gc[1]) && !['nil', 'fal', 'tru'].includes(gc[1])) {
    return { kind: 'gc', type: gc[1], text: gc[2] };
  }
  const n = parseDecimal(text);
  return n === undefined ? undefined : { kind: 'num', value: n };
}

/** A readable spelling of a stack slot's bits (numbers exact, tagged values by type and handle). */
export function describeWords(w: TValueWords): string {
  if (isNumberWords(w)) return formatExactNumber(wordsToNumber(w));
  const name = itypeName(itypeOf(w));
  if (name === 'nil' || name === 'false' || name === 'true') return name;
  return `${name ?? 'itype?'}:0x${payloadOf(w).toString(16)}`;
}
