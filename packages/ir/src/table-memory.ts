// The reference interpreter's model of the tables a scenario gives: each header's asize and
// hmask (FLOAD tab.asize / tab.hmask), its parts' addresses (FLOAD tab.array / tab.node), its
// metatable (FLOAD tab.meta: the metatable's TValue, or NULL), the
// TValue in each array slot and each node's key and value (machine's TABLE_NODE layout), which
// ALOAD/HLOAD read and ASTORE/HSTORE write by address. HREF finds a key's node by looking at
// every node of the table (not by its hash chain, which the backend walks), or gives niltv, a
// nil cell that HLOAD may read and no store may write. An access that misses every scenario
// part is a runtime error, not a silent nil.
import { IrRuntimeError } from './errors';
import type { TableSizes } from './trace';
import { luaValueWords } from './values';
import { gcWords, ITYPE, NILTV, primitiveWords, TABLE_NODE, type TValueWords } from '@tracesim/machine';

const SLOT_BYTES = 8;

export interface TableContents {
  readonly handle: number;
  /** The array part's slots, then each node's value. */
  readonly slots: readonly TValueWords[];
}

const nodeAddress = (base: number, i: number): number => base + TABLE_NODE.bytes * i;

export class TableMemoryModel {
  private readonly slots = new Map<number, TValueWords>();

  constructor(private readonly tables: readonly TableSizes[]) {
    this.slots.set(NILTV, primitiveWords(ITYPE.nil));
    for (const t of tables) {
      const name = `table {0x${t.handle.toString(16)}}`;
      const place = (at: number, what: string, words: TValueWords): void => {
        if (at % SLOT_BYTES !== 0) throw new IrRuntimeError('scenario', `${name}: ${what} at 0x${at.toString(16)} is not 8-byte aligned`);
        if (this.slots.has(at)) throw new IrRuntimeError('scenario', `${name}: ${what} at 0x${at.toString(16)} overlaps another table's part`);
        this.slots.set(at, words);
      };
      t.array?.slots.forEach((v, k) => place(t.array!.address + SLOT_BYTES * k, `slot [${k}]`, luaValueWords(v)));
      t.node?.values.forEach((v, k) => {
        const at = nodeAddress(t.node!.address, k);
        place(at + TABLE_NODE.value, `node [${k}]`, luaValueWords(v));
        place(at + TABLE_NODE.key, `key [${k}]`, luaValueWords(t.node!.keys[k]));
      });
    }
  }

  private table(handle: number, field: string, where: string): TableSizes {
    const t = this.tables.find((x) => x.handle === handle);
    if (!t) throw new IrRuntimeError(where, `FLOAD ${field} of a table the scenario gives no header for (handle ${handle})`);
    return t;
  }

  /** FLOAD of a header field: the sizes as ints, the parts' addresses as pointers, the metatable as its TValue or NULL. */
  field(handle: number, field: 'tab.asize' | 'tab.hmask' | 'tab.array' | 'tab.node' | 'tab.meta', where: string): number | bigint | TValueWords {
    const t = this.table(handle, field, where);
    if (field === 'tab.asize') return t.asize;
    if (field === 'tab.hmask') return t.hmask;
    if (field === 'tab.meta') return t.meta === undefined ? 0n : gcWords(ITYPE.tab, t.meta);
    const part = field === 'tab.array' ? t.array : t.node;
    if (!part) throw new IrRuntimeError(where, `FLOAD ${field} of table {0x${handle.toString(16)}}, which has no ${field === 'tab.array' ? 'array' : 'hash'} part in the scenario`);
    return BigInt(part.address);
  }

  /** HREFK: node `slot` of the hash part at `node`, when its key is `key`; undefined when another key is there. */
  nodeWithKey(node: number, slot: number, key: TValueWords, where: string): number | undefined {
    const at = nodeAddress(node, slot);
    const held = this.slots.get(this.checked(at + TABLE_NODE.key, 'HREFK', where))!;
    return held.lo === key.lo && held.hi === key.hi ? at : undefined;
  }

  /** HREF: the value cell of the node of table `handle` whose key is `key`, or niltv when none is. */
  hashLookup(handle: number, key: TValueWords, where: string): number {
    const t = this.table(handle, 'HREF', where);
    // -0 is stored as +0.
    if (key.lo === 0 && key.hi === 0x80000000) key = { lo: 0, hi: 0 };
    for (let k = 0; k < (t.node?.keys.length ?? 0); k++) {
      const at = nodeAddress(t.node!.address, k);
      const held = this.slots.get(at + TABLE_NODE.key)!;
      if (held.lo === key.lo && held.hi === key.hi) return at + TABLE_NODE.value;
    }
    return NILTV;
  }

  private checked(address: number, op: string, where: string): number {
    if (!this.slots.has(address)) throw new IrRuntimeError(where, `${op} of 0x${address.toString(16)}, which is no slot of a scenario table's parts`);
    return address;
  }

  /** ALOAD or HLOAD (`op`) of the value at `address`. */
  load(address: number, op: string, where: string): TValueWords {
    return this.slots.get(this.checked(address, op, where))!;
  }

  store(address: number, words: TValueWords, op: string, where: string): void {
    if (address === NILTV) throw new IrRuntimeError(where, `${op} into niltv: the key was absent and no guard stopped the store`);
    this.slots.set(this.checked(address, op, where), words);
  }

  /** Every table's array slots and node values now. */
  contents(): TableContents[] {
    return this.tables.flatMap((t) => {
      const slots = [
        ...(t.array?.slots.map((_, k) => this.slots.get(t.array!.address + SLOT_BYTES * k)!) ?? []),
        ...(t.node?.values.map((_, k) => this.slots.get(nodeAddress(t.node!.address, k) + TABLE_NODE.value)!) ?? []),
      ];
      return slots.length > 0 ? [{ handle: t.handle, slots }] : [];
    });
  }
}
