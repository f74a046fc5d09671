// Named IR literals (op2 of SLOAD, CONV, FPMATH, FLOAD/FREF, XLOAD, TMPREF, BUFHDR, TOSTR) and how
// -jdump spells them. Each is one table; the printer and the parser both derive from it.

import type { IROpName } from './opcodes';
import { TYPE_BY_NUMBER, TYPE_INFO, type IRTypeName } from './types';

/** SLOAD mode bits (IRSLOAD_*), in the order -jdump prints their letters. */
export const SLOAD_MODES = [
  ['P', 0x01, 'parent: coalesce with the parent trace'],
  ['F', 0x02, 'frame: load 32 bits of ftsz'],
  ['T', 0x04, 'typecheck: guard on the slot type'],
  ['C', 0x08, 'convert: number to integer'],
  ['R', 0x10, 'readonly: omit slot store'],
  ['I', 0x20, 'inherit: inherited by exits and side traces'],
  ['K', 0x40, 'keyindex: table traversal key index'],
] as const;
export type SloadLetter = (typeof SLOAD_MODES)[number][0];

export const SLOAD = Object.fromEntries(SLOAD_MODES.map(([l, bit]) => [l, bit])) as Record<SloadLetter, number>;

export function formatSloadMode(mode: number): string {
  return SLOAD_MODES.filter(([, bit]) => mode & bit).map(([l]) => l).join('');
}

export function parseSloadMode(text: string): number | undefined {
  let mode = 0;
  for (const ch of text) {
    const row = SLOAD_MODES.find(([l]) => l === ch);
    if (!row || mode & row[1]) return undefined;
    mode |= row[1];
  }
  return formatSloadMode(mode) === text ? mode : undefined;
}

/** FPMATH sub-functions (IRFPMDEF), -jdump names. */
export const FPMATH_NAMES = ['floor', 'ceil', 'trunc', 'sqrt', 'log', 'log2', 'other'] as const;
export type FpmathName = (typeof FPMATH_NAMES)[number];

/** FLOAD/FREF field ids (IRFLDEF), -jdump names. */
export const IRFL_NAMES = [
  'str.len', 'func.env', 'func.pc', 'func.ffid', 'thread.env', 'tab.meta', 'tab.array', 'tab.node',
  'tab.asize', 'tab.hmask', 'tab.nomm', 'udata.meta', 'udata.udtype', 'udata.file', 'sbuf.w', 'sbuf.e',
  'sbuf.b', 'sbuf.L', 'sbuf.ref', 'sbuf.r', 'cdata.ctypeid', 'cdata.ptr', 'cdata.int', 'cdata.int64',
  'cdata.int64_4',
] as const;

/** CONV op2 layout: source type bits 0-4, destination type bits 5-9, SEXT 0x800, mode << 12. */
export const CONV_SEXT = 0x800;
export const CONV_MODES = ['', 'none', 'index', 'check'] as const;
export type ConvCheck = (typeof CONV_MODES)[number];

export interface ConvMode {
  readonly dst: IRTypeName;
  readonly src: IRTypeName;
  readonly sext: boolean;
  /** '' = tobit/cache only, 'none' = any FP number ok, 'index', 'check' = must be integral. */
  readonly check: ConvCheck;
}

export function encodeConv(c: ConvMode): number {
  const dst = TYPE_INFO.get(c.dst)!.number;
  const src = TYPE_INFO.get(c.src)!.number;
  return (CONV_MODES.indexOf(c.check) << 12) | (c.sext ? CONV_SEXT : 0) | (dst << 5) | src;
}

export function decodeConv(op2: number): ConvMode {
  return {
    dst: TYPE_BY_NUMBER[(op2 >> 5) & 31]?.name ?? 'nil',
    src: TYPE_BY_NUMBER[op2 & 31]?.name ?? 'nil',
    sext: (op2 & CONV_SEXT) !== 0,
    check: CONV_MODES[(op2 >> 12) & 3],
  };
}

function formatConv(op2: number): string {
  const dst = TYPE_BY_NUMBER[(op2 >> 5) & 31];
  const src = TYPE_BY_NUMBER[op2 & 31];
  let s = `${dst ? dst.dump : 'nil'}.${src ? src.dump : 'nil'}`;
  if (op2 & CONV_SEXT) s += ' sext';
  const check = CONV_MODES[(op2 >> 12) & 15];
  if (check) s += ` ${check}`;
  return s;
}

function parseConv(text: string): number | undefined {
  const m = /^([a-z0-9]+ ?)\.([a-z0-9]+ ?)( sext)?( none| index| check)?$/.exec(text);
  if (!m) return undefined;
  const dst = TYPE_INFO.get(m[1].trim());
  const src = TYPE_INFO.get(m[2].trim());
  if (!dst || !src) return undefined;
  const check = (m[4]?.trim() ?? '') as ConvCheck;
  const op2 = encodeConv({ dst: dst.name, src: src.name, sext: !!m[3], check });
  return formatConv(op2) === text ? op2 : undefined;
}

/** BUFHDR's modes and TOSTR's conversions (IRBUFHDR_*, IRTOSTR_*), by literal value. */
export const BUFHDR_MODES = ['RESET', 'APPEND', 'WRITE'] as const;
export const TOSTR_MODES = ['INT', 'NUM', 'CHAR'] as const;

/** Fixed name lists indexed by the literal value. */
const NAMED_LITERALS: Partial<Record<IROpName, readonly string[]>> = {
  XLOAD: ['', 'R', 'V', 'RV', 'U', 'RU', 'VU', 'RVU'],
  FLOAD: IRFL_NAMES,
  FREF: IRFL_NAMES,
  FPMATH: FPMATH_NAMES,
  TMPREF: ['', 'IN', 'OUT', 'INOUT', '', '', 'OUT2', 'INOUT2'],
  BUFHDR: BUFHDR_MODES,
  TOSTR: TOSTR_MODES,
};

/** The op2 literal text exactly as -jdump prints it after the two separating spaces. */
export function formatLiteralOp2(op: IROpName, op2: number): string {
  if (op === 'SLOAD') return formatSloadMode(op2);
  if (op === 'CONV') return formatConv(op2);
  const names = NAMED_LITERALS[op];
  if (names && op2 < names.length) return names[op2];
  if (op === 'UREFO' || op === 'UREFC') return formatLitNumber(op2 >> 8);
  return formatLitNumber(op2);
}

/** Parses the op2 literal text; undefined if it is not a valid spelling for this op. */
export function parseLiteralOp2(op: IROpName, text: string): number | undefined {
  if (op === 'SLOAD') return parseSloadMode(text);
  if (op === 'CONV') return parseConv(text);
  const names = NAMED_LITERALS[op];
  if (names && text !== '') {
    const index = names.indexOf(text);
    if (index >= 0) return index;
  } else if (names && text === '') {
    const index = names.indexOf('');
    return index >= 0 ? index : undefined;
  }
  const n = parseLitNumber(text);
  if (n === undefined) return undefined;
  return op === 'UREFO' || op === 'UREFC' ? n << 8 : n;
}

/** `#%-3d`, the form of numeric literals. */
export function formatLitNumber(n: number): string {
  return `#${n}`.padEnd(4, ' ');
}

export function parseLitNumber(text: string): number | undefined {
  const m = /^#(\d+)\s*$/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  return n <= 0xffff ? n : undefined;
}
