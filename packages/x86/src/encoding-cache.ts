// The encoder's memo of resolved instructions, keyed by everything an encoding depends on: the
// mnemonic, condition, form, options and operands, where a rel operand counts by its distance
// from the instruction only. A backend emits the same few hundred instructions over and over,
// so the key is a number hashed from the fields (no string is built per lookup) that picks one
// slot of a fixed table, and a hit is confirmed field by field. Bounded: a newcomer replaces the
// slot's old entry.
import type { Operand } from './operands';
import type { InstructionInput, SelectOptions } from './select';

interface Entry<V> {
  readonly mnemonic: string;
  readonly cond: number | undefined;
  readonly formId: number | undefined;
  readonly flags: number;
  /** The operands as given, with a rel target held as its distance from the instruction. */
  readonly operands: readonly Operand[];
  readonly value: V;
}

const FNV_PRIME = 0x01000193;
const mix = (h: number, x: number): number => Math.imul(h ^ (x | 0), FNV_PRIME);

const optionFlags = (opts: SelectOptions): number => (opts.long ? 1 : 0) | (opts.keepForm ? 2 : 0);

function hashOperand(h: number, op: Operand, address: number): number {
  switch (op.kind) {
    case 'gpr': return mix(mix(h, 1 + op.num * 8 + (op.high8 ? 4 : 0)), op.width);
    case 'xmm': return mix(h, 0x100 + op.num);
    case 'mem': {
      const base = op.base === 'rip' ? 99 : op.base ?? 98;
      return mix(mix(mix(mix(h, 0x200 + op.width), base * 64 + (op.index ?? 63)), op.scale * 64 + (op.dispWidth ?? 0)), op.disp);
    }
    case 'imm': {
      const v = Number(op.value);
      return mix(mix(mix(h, 0x300 + op.width), v), v / 4294967296);
    }
    case 'rel': return mix(mix(h, 0x400 + op.width), op.target - address);
  }
}

function sameOperand(known: Operand, op: Operand, address: number): boolean {
  switch (known.kind) {
    case 'gpr': return op.kind === 'gpr' && op.num === known.num && op.width === known.width && !op.high8 === !known.high8;
    case 'xmm': return op.kind === 'xmm' && op.num === known.num;
    case 'mem':
      return op.kind === 'mem' && op.width === known.width && op.base === known.base && op.index === known.index
        && op.scale === known.scale && op.disp === known.disp && op.dispWidth === known.dispWidth;
    case 'imm': return op.kind === 'imm' && op.value === known.value && op.width === known.width;
    case 'rel': return op.kind === 'rel' && op.width === known.width && op.target - address === known.target;
  }
}

export class EncodingCache<V> {
  private readonly slots: (Entry<V> | undefined)[];
  private readonly mask: number;

  /** `size` slots (a power of two); an entry takes the slot its hash picks, replacing what was there. */
  constructor(size: number) {
    if (size <= 0 || (size & (size - 1)) !== 0) throw new RangeError(`encoding cache size ${size} is not a power of two`);
    this.slots = new Array<Entry<V> | undefined>(size).fill(undefined);
    this.mask = size - 1;
  }

  /** The table slot the instruction's hash picks. */
  private slotFor(input: InstructionInput, opts: SelectOptions): number {
    const address = opts.address ?? 0;
    let h = 0x811c9dc5;
    const m = input.mnemonic;
    for (let k = 0; k < m.length; k++) h = mix(h, m.charCodeAt(k));
    h = mix(mix(mix(h, input.cond ?? 16), input.formId ?? -1), optionFlags(opts));
    for (const op of input.operands) h = hashOperand(h, op, address);
    return (h ^ (h >>> 15)) & this.mask;
  }

  private matches(e: Entry<V>, input: InstructionInput, opts: SelectOptions): boolean {
    if (e.mnemonic !== input.mnemonic || e.cond !== input.cond || e.formId !== input.formId || e.flags !== optionFlags(opts)) return false;
    if (e.operands.length !== input.operands.length) return false;
    const address = opts.address ?? 0;
    for (let k = 0; k < e.operands.length; k++) if (!sameOperand(e.operands[k], input.operands[k], address)) return false;
    return true;
  }

  /** The value memoised for this instruction, else `make()`'s, which is remembered. */
  resolve(input: InstructionInput, opts: SelectOptions, make: () => V): V {
    const slot = this.slotFor(input, opts);
    const known = this.slots[slot];
    if (known !== undefined && this.matches(known, input, opts)) return known.value;
    const value = make();
    const address = opts.address ?? 0;
    const operands = input.operands.map((op): Operand => (op.kind === 'rel' ? { ...op, target: op.target - address } : op));
    this.slots[slot] = { mnemonic: input.mnemonic, cond: input.cond, formId: input.formId, flags: optionFlags(opts), operands, value };
    return value;
  }
}
