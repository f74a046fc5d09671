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
// FLOAD tab.node and HREFK of its node (HLOAD/HSTORE); any other hash-part key by HREF, whose
// result an EQ guard checks to be niltv (the key is absent) or an NE guard not to be, before an
// HLOAD, an HSTORE, or, for a new key, NEWREF and its HSTORE. A store of a GC value, or of a GC
// key into a node that may have been dead, is followed by TBAR (lj_record_idx).
import { IRFL_NAMES, isConstRef, isTaggedType, REF_NIL, type IRTypeName, type Ref } from '@tracesim/ir';
import { NILTV } from '@tracesim/machine';
import { LuaTable, MAX_ASIZE, type LuaValue } from '@tracesim/lua';
import { RecorderBase, luaType, nyi } from './recorder-base';
import { templateOf } from './template-handles';

/** Which part of the table a lookup reaches (rec_idx_key's xref: AREF, HREFK or HREF, whose key may be absent, or niltv for an empty hash part). */
export type KeyPart =
  | { readonly part: 'array'; readonly aref: Ref }
  | { readonly part: 'hash'; readonly href: Ref; readonly absent: boolean }
  | { readonly part: 'empty-hash' };

/** tref_isgcv: a value the collector traces (a string, table, function, thread, cdata or userdata). */
const isGcType = (type: IRTypeName): boolean => isTaggedType(type) && !['nil', 'fal', 'tru', 'lud'].includes(type);

/** The slot reference of a part the key was found in: the AREF, or the HREFK or HREF. */
const slotRef = (at: Exclude<KeyPart, { part: 'empty-hash' }>): Ref => (at.part === 'array' ? at.aref : at.href);

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
      return { part: 'hash', href: this.b.emit('HREFK', 'p64', this.tableField(table, 'tab.node'), slot, true)!, absent: false };
    }
    // Hash keys are numbers, not ints.
    const hashKey = keyType === 'int' ? this.b.conv('num', 'int', key) : key;
    return { part: 'hash', href: this.href(table, hashKey), absent: keyValue === undefined || !t.hasNode(keyValue) };
  }

  /** HREF, or an earlier one of the same table and key while no NEWREF may have moved the nodes (lj_opt_fold's cse_href). */
  private href(table: Ref, key: Ref): Ref {
    return this.b.forwarding.href(table, key) ?? this.b.emit('HREF', 'p64', table, key)!;
  }

  /** niltv's address, what HREF gives for an absent key. */
  protected niltv(): Ref {
    return this.b.constant({ op: 'KKPTR', type: 'p64', address: BigInt(NILTV) });
  }

  /** The raw value of table[key] where keyPart found the key: nil from an empty hash part or for an absent key (guarded absent), else an ALOAD of the array slot or an HLOAD of the node, guarded by type. */
  protected rawLoad(table: Ref, key: Ref, at: KeyPart, value: LuaValue): Ref {
    if (at.part === 'empty-hash') return REF_NIL;
    const known = this.knownValue(table, key, at, value);
    if (known !== undefined) return known;
    if (at.part === 'hash' && at.absent) {
      this.guard('EQ', 'p64', at.href, this.niltv());
      return REF_NIL;
    }
    return this.typedLoad(at, luaType(value));
  }

  /** A guard that table[key] is nil, before a __newindex applies: a nil-typed load, which reads niltv's nil for an absent key. */
  protected guardNil(at: KeyPart): void {
    if (at.part !== 'empty-hash') this.typedLoad(at, 'nil');
  }

  /** ALOAD or HLOAD of the slot `at` names, guarded to hold a `type`. */
  private typedLoad(at: Exclude<KeyPart, { part: 'empty-hash' }>, type: IRTypeName): Ref {
    const ref = this.b.emit(at.part === 'array' ? 'ALOAD' : 'HLOAD', type, slotRef(at), 0, true)!;
    this.guardSince = true;
    return ref;
  }

  /** What an earlier access of the same table and key left there, if it is of `value`'s type (lj_opt_fwd_*load). */
  protected knownValue(table: Ref, key: Ref, at: KeyPart, value: LuaValue): Ref | undefined {
    const [t, k] = (at.part === 'empty-hash' ? undefined : this.b.forwarding.slotKey(slotRef(at))) ?? [table, key];
    return this.b.forwarding.value(t, k, luaType(value));
  }

  /**
   * table[key] = value raw, where keyPart found the key: an ASTORE into the array slot, an HSTORE
   * into the node (an HREF's guarded not to be niltv unless an earlier access knows the `old` value), or,
   * for a key the hash part lacks, NEWREF (its key a number, -0 as +0, guarded not NaN) and an
   * HSTORE into the new node. TBAR follows a store of a GC value, or of a GC key into a node
   * whose value may have been nil (the array part's keys are numbers).
   */
  protected rawStore(table: Ref, key: Ref, at: KeyPart, value: Ref, old: LuaValue): void {
    const nonNil = old !== undefined && this.knownValue(table, key, at, old) !== undefined;
    if (at.part === 'array') {
      this.b.emit('ASTORE', this.b.typeOf(value), at.aref, value);
      if (isGcType(this.b.typeOf(value))) this.b.emit('TBAR', 'nil', table, 0);
      return;
    }
    let xref: Ref;
    let keyBarrier = isGcType(this.b.typeOf(key)) && this.b.typeOf(value) !== 'nil' && !nonNil;
    if (at.part === 'empty-hash' || at.absent) {
      if (at.part === 'hash') this.guard('EQ', 'p64', at.href, this.niltv());
      xref = this.b.emit('NEWREF', 'p64', table, this.newKey(key))!;
      keyBarrier = false;
    } else {
      if (!nonNil && this.b.instruction(at.href).op === 'HREF') this.guard('NE', 'p64', at.href, this.niltv());
      xref = at.href;
    }
    this.b.emit('HSTORE', this.b.typeOf(value), xref, value);
    if (keyBarrier || isGcType(this.b.typeOf(value))) this.b.emit('TBAR', 'nil', table, 0);
  }

  /** NEWREF's key: a number for an int, +0 for a constant -0, and a non-constant number guarded not to be NaN. */
  private newKey(key: Ref): Ref {
    const type = this.b.typeOf(key);
    if (type === 'int') return this.b.conv('num', 'int', key);
    if (type !== 'num') return key;
    if (!isConstRef(key)) {
      this.guard('EQ', 'num', key, key);
      return key;
    }
    const k = this.b.constantAt(key);
    return k.op === 'KNUM' && Object.is(k.value, -0) ? this.b.knum(0) : key;
  }

  /** FLOAD of a header field, or a size's value when the table was made on the trace and has no new key since. */
  protected tableField(table: Ref, field: TableField): Ref {
    const made = FIELD_TYPES[field] === 'int' ? this.madeWithSizes(table) : undefined;
    if (made) return this.b.kint(field === 'tab.asize' ? made.asize : made.hmask);
    const id = IRFL_NAMES.indexOf(field);
    return this.b.forwarding.field(table, id) ?? this.b.emit('FLOAD', FIELD_TYPES[field], table, id)!;
  }

  /** The sizes a TNEW/TDUP of this trace gave `table`, while no NEWREF or state-changing builtin may have changed them. */
  private madeWithSizes(table: Ref): { asize: number; hmask: number } | undefined {
    if (isConstRef(table)) return undefined;
    const ins = this.b.instruction(table);
    let made: { asize: number; hmask: number } | undefined;
    if (ins.op === 'TNEW') {
      made = { asize: ins.op1, hmask: ins.op2 === 0 ? 0 : 2 ** ins.op2 - 1 };
    } else if (ins.op === 'TDUP') {
      const k = this.b.constantAt(ins.op1);
      const template = k.op === 'KINT64' ? this.vm.heap.objects[Number(k.value & 0xffffffffn)] : undefined;
      if (!(template instanceof LuaTable) || !templateOf(template)) return undefined;
      made = { asize: template.asize, hmask: template.hmask };
    }
    return made && !this.b.forwarding.resizedSince(table, table) ? made : undefined;
  }
}
