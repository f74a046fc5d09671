// The table-shape guards of lj_record_idx (rec_idx_key in lj_record.c): before a table is read or
// written, the trace checks that the key still falls in the part of the GCtab it fell in while
// recording. An integer key inside the array part gets a bounds check (ABC tab.asize key); one
// past it the inverse check (ULE tab.asize key), since a later rehash may move it into the
// array; a non-constant number key into a table with no array part guards that it stays empty;
// an empty hash part is guarded to stay empty (EQ tab.hmask 0), and a constant key found in the
// hash part guards the hash size its slot was found at (HREFK's EQ tab.hmask). The FLOADs read
// the table's header; on a table the trace made, with no new key stored into it since, they fold
// to the sizes it was made with (lj_opt_fold's fload_tab_tnew_asize/hmask, fload_tab_tdup_*).
// A key in the array part is reached as LuaJIT reaches it: FLOAD tab.array, then AREF of the
// index, which the loads and stores (ALOAD/ASTORE) use; a constant key the hash part holds by
// FLOAD tab.node and HREFK of its node (HLOAD/HSTORE). Other hash-part keys go through helpers.
import { HELPERS, IRFL_NAMES, isConstRef, REF_NIL, type Ref } from '@tracesim/ir';
import { LuaTable, MAX_ASIZE, type LuaValue } from '@tracesim/lua';
import { RecorderBase, luaType, nyi } from './recorder-base';
import { templateOf } from './template-handles';

/** Which part of the table a lookup reaches (rec_idx_key's xref: AREF, HREF/HREFK, or niltv for an empty hash part). */
export type KeyPart = { readonly part: 'array'; readonly aref: Ref } | { readonly part: 'hash'; readonly href?: Ref } | { readonly part: 'empty-hash' };

type TableField = 'tab.asize' | 'tab.hmask' | 'tab.array' | 'tab.node' | 'tab.meta';

/** The IR type of each header field's FLOAD. */
const FIELD_TYPES: Readonly<Record<TableField, 'int' | 'p64' | 'tab'>> = { 'tab.asize': 'int', 'tab.hmask': 'int', 'tab.array': 'p64', 'tab.node': 'p64', 'tab.meta': 'tab' };

export abstract class TableShapeRecorder extends RecorderBase {
  /** rec_idx_key's guards for `key` in table `t` (IR `table`); which part the key is in now. */
  protected keyPart(table: Ref, t: LuaTable, key: Ref, keyValue: LuaValue): KeyPart {
    const keyType = this.b.typeOf(key);
    if (typeof keyValue === 'number' && (keyType === 'num' || keyType === 'int')) {
      const k = Number.isInteger(keyValue) && Math.abs(keyValue) < 2 ** 31 ? keyValue : MAX_ASIZE;
      if (k >= 0 && k < MAX_ASIZE) {
        // lj_opt_narrow_index: the key as an int, guarded to stay integral.
        const index = keyType === 'int' ? key : isConstRef(key) ? this.b.kint(k) : this.b.conv('int', 'num', key, 'index');
        const asize = this.tableField(table, 'tab.asize');
        if (k < t.asize) {
          this.guard('ABC', 'int', asize, index);
          return { part: 'array', aref: this.b.emit('AREF', 'p64', this.tableField(table, 'tab.array'), index)! };
        }
        this.guard('ULE', 'int', asize, index);
      } else if (!isConstRef(key)) {
        // Any number may become an array key: only a table without an array part stays sparse.
        if (t.asize !== 0) throw nyi('NYITMIX');
        this.guard('EQ', 'int', this.tableField(table, 'tab.asize'), this.b.kint(0));
      }
    }
    if (t.hmask === 0) {
      this.guard('EQ', 'int', this.tableField(table, 'tab.hmask'), this.b.kint(0));
      return { part: 'empty-hash' };
    }
    const node = isConstRef(key) && keyValue !== undefined ? t.nodeOf(keyValue) : undefined;
    if (node !== undefined) {
      // HREFK finds the constant key at the node it has now, while the hash part keeps its size.
      this.guard('EQ', 'int', this.tableField(table, 'tab.hmask'), this.b.kint(t.hmask));
      const slot = this.b.constant({ op: 'KSLOT', type: 'p64', key, slot: node });
      return { part: 'hash', href: this.b.emit('HREFK', 'p64', this.tableField(table, 'tab.node'), slot, true)! };
    }
    return { part: 'hash' };
  }

  /** A hash-part read through tab_get with a type guard for the value it sees now, unless an earlier access knows it (lj_opt_fwd_hload). */
  protected helperLoad(table: Ref, key: Ref, value: LuaValue): Ref {
    const type = luaType(value);
    const known = this.b.forwarding.value(table, key, type);
    if (known !== undefined) return known;
    const ref = this.b.emit('XLOAD', type, this.b.call('tab_get', [table, key]), 0, true)!;
    this.guardSince = true;
    return ref;
  }

  /** The raw value of table[key] where keyPart found the key: nil from an empty hash part, an ALOAD of the array slot, an HLOAD of the HREFK node, or the hash part's tab_get. */
  protected rawLoad(table: Ref, key: Ref, at: KeyPart, value: LuaValue): Ref {
    if (at.part === 'empty-hash') return REF_NIL;
    const xref = at.part === 'array' ? at.aref : at.href;
    if (xref === undefined) return this.helperLoad(table, key, value);
    const known = this.knownValue(table, key, at, value);
    if (known !== undefined) return known;
    const ref = this.b.emit(at.part === 'array' ? 'ALOAD' : 'HLOAD', luaType(value), xref, 0, true)!;
    this.guardSince = true;
    return ref;
  }

  /** What an earlier access of the same table and key left there, if it is of `value`'s type (lj_opt_fwd_*load). */
  protected knownValue(table: Ref, key: Ref, at: KeyPart, value: LuaValue): Ref | undefined {
    const xref = at.part === 'array' ? at.aref : at.part === 'hash' ? at.href : undefined;
    const [t, k] = xref === undefined ? [table, key] : this.b.forwarding.slotKey(xref)!;
    return this.b.forwarding.value(t, k, luaType(value));
  }

  /** table[key] = value raw, where keyPart found the key: an ASTORE into the array slot, an HSTORE into the HREFK node, else tab_set, or tab_newkey for a key the hash part lacks. */
  protected rawStore(table: Ref, key: Ref, at: KeyPart, value: Ref, isNew: boolean): void {
    if (at.part === 'array') this.b.emit('ASTORE', this.b.typeOf(value), at.aref, value);
    else if (at.part === 'hash' && at.href !== undefined) this.b.emit('HSTORE', this.b.typeOf(value), at.href, value);
    else this.b.call(isNew ? 'tab_newkey' : 'tab_set', [table, key, value]);
  }

  /** FLOAD of a header field, or a size's value when the table was made on the trace and has no new key since. */
  protected tableField(table: Ref, field: TableField): Ref {
    const made = FIELD_TYPES[field] === 'int' ? this.madeWithSizes(table) : undefined;
    if (made) return this.b.kint(field === 'tab.asize' ? made.asize : made.hmask);
    const id = IRFL_NAMES.indexOf(field);
    return this.b.forwarding.field(table, id) ?? this.b.emit('FLOAD', FIELD_TYPES[field], table, id)!;
  }

  /** The sizes a TNEW/TDUP of this trace gave `table`, while no NEWREF (tab_newkey) or state-changing builtin may have changed them. */
  private madeWithSizes(table: Ref): { asize: number; hmask: number } | undefined {
    if (isConstRef(table)) return undefined;
    const ins = this.b.instruction(table);
    let made: { asize: number; hmask: number } | undefined;
    if (ins.op === 'CALLS' && HELPERS[ins.op2]?.name === 'tab_new') {
      const k = this.b.constantAt(ins.op1);
      if (k.op !== 'KINT') return undefined;
      const d = k.value;
      made = { asize: d & 0x7ff, hmask: d >>> 11 === 0 ? 0 : 2 ** (d >>> 11) - 1 };
    } else if (ins.op === 'TDUP') {
      const k = this.b.constantAt(ins.op1);
      const template = k.op === 'KINT64' ? this.vm.heap.objects[Number(k.value & 0xffffffffn)] : undefined;
      if (!(template instanceof LuaTable) || !templateOf(template)) return undefined;
      made = { asize: template.asize, hmask: template.hmask };
    }
    return made && !this.b.forwarding.resizedSince(table, table) ? made : undefined;
  }
}
