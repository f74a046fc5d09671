// The reference interpreter's model of the tables a scenario gives: each header's asize and
// hmask (FLOAD tab.asize / tab.hmask), its array part's address (FLOAD tab.array) and the
// TValue in each of its array slots, which ALOAD reads and ASTORE writes by address. An access
// that misses every scenario array part is a runtime error, not a silent nil.
import { IrRuntimeError } from './errors';
import type { TableSizes } from './trace';
import { luaValueWords } from './values';
import type { TValueWords } from '@tracesim/machine';

const SLOT_BYTES = 8;

export interface TableContents {
  readonly handle: number;
  readonly slots: readonly TValueWords[];
}

export class TableMemoryModel {
  private readonly slots = new Map<number, TValueWords>();

  constructor(private readonly tables: readonly TableSizes[]) {
    for (const t of tables) {
      if (!t.array) continue;
      if (t.array.address % SLOT_BYTES !== 0) throw new IrRuntimeError('scenario', `table {0x${t.handle.toString(16)}}: array 0x${t.array.address.toString(16)} is not 8-byte aligned`);
      t.array.slots.forEach((v, k) => {
        const at = t.array!.address + SLOT_BYTES * k;
        if (this.slots.has(at)) throw new IrRuntimeError('scenario', `table {0x${t.handle.toString(16)}}: slot [${k}] at 0x${at.toString(16)} overlaps another table's array part`);
        this.slots.set(at, luaValueWords(v));
      });
    }
  }

  private table(handle: number, field: string, where: string): TableSizes {
    const t = this.tables.find((x) => x.handle === handle);
    if (!t) throw new IrRuntimeError(where, `FLOAD ${field} of a table the scenario gives no header for (handle ${handle})`);
    return t;
  }

  /** FLOAD of a header field: the sizes as ints, the array part's address as a pointer. */
  field(handle: number, field: 'tab.asize' | 'tab.hmask' | 'tab.array', where: string): number | bigint {
    const t = this.table(handle, field, where);
    if (field === 'tab.asize') return t.asize;
    if (field === 'tab.hmask') return t.hmask;
    if (!t.array) throw new IrRuntimeError(where, `FLOAD tab.array of table {0x${handle.toString(16)}}, which has no array part in the scenario`);
    return BigInt(t.array.address);
  }

  private checked(address: number, op: string, where: string): number {
    if (!this.slots.has(address)) throw new IrRuntimeError(where, `${op} of 0x${address.toString(16)}, which is no array slot of a scenario table`);
    return address;
  }

  load(address: number, where: string): TValueWords {
    return this.slots.get(this.checked(address, 'ALOAD', where))!;
  }

  store(address: number, words: TValueWords, where: string): void {
    this.slots.set(this.checked(address, 'ASTORE', where), words);
  }

  /** Every array part's slots now, by table. */
  contents(): TableContents[] {
    return this.tables.flatMap((t) =>
      t.array ? [{ handle: t.handle, slots: t.array.slots.map((_, k) => this.slots.get(t.array!.address + SLOT_BYTES * k)!) }] : [],
    );
  }
}
