// IR constants: how -jdump spells each kind (formatk), a scanner that reads one spelling back,
// the constant pool that interns them, and the GC handle a constant's spelling stands for.

import { formatNumberConstant, parseNumberConstant, doubleBits } from './numfmt';
import { constIndex, constRef, REF_FALSE, REF_NIL, REF_TRUE, type Ref } from './refs';
import { SNAP_FLAGS, type IRConst } from './trace';
import type { IRTypeName } from './types';

/** Spelling of a constant as formatk prints it, before `%-4s` padding. */
export function constantText(consts: readonly IRConst[], k: IRConst, snapFlags = 0): string {
  switch (k.op) {
    case 'KPRI':
      return k.type === 'nil' ? 'nil' : k.type === 'fal' ? 'false' : 'true';
    case 'KINT':
    case 'KNUM':
      if (k.op === 'KNUM' && snapFlags & (SNAP_FLAGS.FRAME | SNAP_FLAGS.CONT)) {
        return snapFlags & SNAP_FLAGS.CONT ? 'contpc' : 'ftsz';
      }
      if (k.op === 'KNUM' && k.value === 2 ** 52 + 2 ** 51) return 'bias';
      return formatNumberConstant(k.value);
    case 'KINT64':
      return k.value < 0n ? String(k.value) : `+${k.value}`;
    case 'KGC':
      return k.text;
    case 'KPTR':
    case 'KKPTR':
      return k.address === 0n ? 'NULL' : `[0x${k.address.toString(16).padStart(8, '0')}]`;
    case 'KNULL':
      return 'NULL';
    case 'KSLOT': {
      const key = consts[constIndex(k.key)];
      return `${constantText(consts, key).padEnd(4, ' ')} @${k.slot}`;
    }
  }
}

/** formatk: the padded spelling used in operands and snapshot entries. */
export function formatConstant(consts: readonly IRConst[], ref: Ref, snapFlags = 0): string {
  if (ref === REF_NIL && snapFlags === (SNAP_FLAGS.FRAME | SNAP_FLAGS.NORESTORE)) return '----';
  const k = consts[constIndex(ref)];
  if (k.op === 'KSLOT') return constantText(consts, k);
  return constantText(consts, k, snapFlags).padEnd(4, ' ');
}

/** What a constant spelling says before the context supplies a type for bare numbers. */
export type ConstantToken =
  | { readonly kind: 'pri'; readonly type: 'nil' | 'fal' | 'tru' }
  | { readonly kind: 'number'; readonly value: number; readonly integral: boolean; readonly hex: boolean; readonly text?: string }
  | { readonly kind: 'gc'; readonly type: IRTypeName; readonly text: string }
  | { readonly kind: 'ptr'; readonly address: bigint }
  | { readonly kind: 'null' }
  | { readonly kind: 'frame'; readonly flags: number }
  | { readonly kind: 'slot'; readonly key: ConstantToken; readonly slot: number };

export interface Scanned<T> {
  readonly value: T;
  readonly end: number;
}

const ADDRESS_PREFIXES: readonly (readonly [string, IRTypeName])[] = [
  ['proto: ', 'pro'],
  ['trace: ', 'p64'],
  ['thread: ', 'thr'],
  ['cdata: ', 'cdt'],
  ['userdata:', 'udt'],
];

function wordEnd(text: string, pos: number): number {
  let end = pos;
  while (end < text.length && !/[\s|)\]]/.test(text[end])) end++;
  return end;
}

/**
 * Reads one constant spelling at `pos` (no leading spaces). Returns undefined when nothing there
 * is a constant. Bare words (`print`, `f.lua:3`, `C:1234`) are functions, as fmtfunc prints them.
 */
export function scanConstant(text: string, pos: number): Scanned<ConstantToken> | undefined {
  const base = scanPlainConstant(text, pos);
  if (!base) return undefined;
  const slot = /^ +@(\d+)/.exec(text.slice(base.end));
  if (slot && base.value.kind === 'gc' || slot && base.value.kind === 'number') {
    return { value: { kind: 'slot', key: base.value, slot: Number(slot![1]) }, end: base.end + slot![0].length };
  }
  return base;
}

function scanPlainConstant(text: string, pos: number): Scanned<ConstantToken> | undefined {
  const rest = text.slice(pos);
  if (rest.startsWith('"')) {
    // Strings are not escaped for quotes: the closing quote is the one followed by a delimiter.
    const m = /^"[\s\S]*?"~?(?=[\s|)\]]|$)/.exec(rest);
    if (!m) return undefined;
    return { value: { kind: 'gc', type: 'str', text: m[0] }, end: pos + m[0].length };
  }
  for (const [prefix, type] of ADDRESS_PREFIXES) {
    if (rest.startsWith(prefix)) {
      const m = /^0x[0-9a-f]+/i.exec(rest.slice(prefix.length));
      if (!m) return undefined;
      return { value: { kind: 'gc', type, text: prefix + m[0] }, end: pos + prefix.length + m[0].length };
    }
  }
  let m = /^\{0x[0-9a-f]+\}/i.exec(rest);
  if (m) return { value: { kind: 'gc', type: 'tab', text: m[0] }, end: pos + m[0].length };
  m = /^\[0x([0-9a-f]+)\]/i.exec(rest);
  if (m) return { value: { kind: 'ptr', address: BigInt('0x' + m[1]) }, end: pos + m[0].length };
  const end = wordEnd(text, pos);
  const word = text.slice(pos, end);
  if (word === '') return undefined;
  switch (word) {
    case 'nil':
      return { value: { kind: 'pri', type: 'nil' }, end };
    case 'false':
      return { value: { kind: 'pri', type: 'fal' }, end };
    case 'true':
      return { value: { kind: 'pri', type: 'tru' }, end };
    case 'NULL':
      return { value: { kind: 'null' }, end };
    case 'bias':
      return { value: { kind: 'number', value: 2 ** 52 + 2 ** 51, integral: false, hex: false }, end };
    case 'ftsz':
      return { value: { kind: 'frame', flags: SNAP_FLAGS.FRAME }, end };
    case 'contpc':
      return { value: { kind: 'frame', flags: SNAP_FLAGS.CONT }, end };
  }
  if (/^[+-]/.test(word)) {
    const value = parseNumberConstant(word);
    if (value === undefined) return undefined;
    const hex = /0x/i.test(word);
    const integral = !hex && /^[+-]\d+$/.test(word);
    // An integer keeps its digits: 64-bit constants do not fit a double.
    return { value: { kind: 'number', value, integral, hex, ...(integral ? { text: word } : {}) }, end };
  }
  // Functions as fmtfunc prints them: `chunk:line`, a builtin name (`math.modf`), `C:addr`.
  if (!/^(?:[\w./@-]+:\d+|[A-Za-z_][\w.]*|C:[0-9a-f]+)$/.test(word)) return undefined;
  return { value: { kind: 'gc', type: 'fun', text: word }, end };
}

/** The 47-bit GC handle a GC constant stands for: its address if it shows one, else a name hash. */
export function gcHandle(text: string): number {
  const m = /0x([0-9a-f]+)/i.exec(text);
  if (m && !text.startsWith('"')) return Number(BigInt('0x' + m[1]) & ((1n << 47n) - 1n));
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  }
  return 0x1_0000_0000 + h;
}

function sameConst(a: IRConst, b: IRConst): boolean {
  if (a.op !== b.op || a.type !== b.type) return false;
  switch (a.op) {
    case 'KINT':
      return a.value === (b as typeof a).value;
    case 'KNUM':
      return doubleBits(a.value) === doubleBits((b as typeof a).value);
    case 'KINT64':
      return a.value === (b as typeof a).value;
    case 'KGC':
      return a.text === (b as typeof a).text;
    case 'KPTR':
    case 'KKPTR':
      return a.address === (b as typeof a).address;
    case 'KSLOT':
      return a.key === (b as typeof a).key && a.slot === (b as typeof a).slot;
    default:
      return true;
  }
}

/** Interns constants for one trace; refs are stable once handed out. */
export class ConstPool {
  private readonly list: IRConst[] = [
    { op: 'KPRI', type: 'nil' },
    { op: 'KPRI', type: 'fal' },
    { op: 'KPRI', type: 'tru' },
  ];

  intern(k: IRConst): Ref {
    if (k.op === 'KPRI') return k.type === 'nil' ? REF_NIL : k.type === 'fal' ? REF_FALSE : REF_TRUE;
    const found = this.list.findIndex((c) => sameConst(c, k));
    if (found >= 0) return constRef(found);
    this.list.push(k);
    return constRef(this.list.length - 1);
  }

  get(ref: Ref): IRConst {
    return this.list[constIndex(ref)];
  }

  all(): readonly IRConst[] {
    return this.list.slice();
  }
}
