// Table indexing in the recorder (lj_record_idx in lj_record.c): raw loads and stores where
// rec_idx_key finds the key (recorder-shape.ts), with the metatable checks that keep them raw. A
// load that finds nil guards the table's metatable (FLOAD tab.meta, then EQ NULL or EQ this
// one): none, or this one with no __index, or an __index table whose lookup continues; a store guards that the old value is
// not nil, or that the metatable has no __newindex. __index/__newindex functions (metamethod
// calls) abort the trace; the interpreter runs them.
import { HELPERS, IRFL_NAMES, REF_NIL, isConstRef, type Ref } from '@tracesim/ir';
import { LuaString, LuaTable, type LuaValue, type OpName } from '@tracesim/lua';
import { LoopRecorder } from './recorder-loops';
import { luaType, nyi, type RecordOutcome } from './recorder-base';
import type { KeyPart } from './recorder-shape';

/** LJ_MAX_IDXCHAIN: how many __index/__newindex tables a lookup may follow. */
const MAX_INDEX_CHAIN = 100;

export abstract class IndexRecorder extends LoopRecorder {
  protected kstr(d: number): string {
    const k = this.cur.proto.kgc[d];
    if (k?.kind !== 'str') throw nyi('NYIBC', 'KSTR');
    return k.value;
  }

  /** A constant string key: its IR constant and its Lua value. */
  protected stringKey(d: number): [Ref, LuaValue] {
    const s = this.vm.heap.str(this.kstr(d));
    return [this.raw(this.bitsOf(s), 'str'), s];
  }

  /** The key of TGETV/TGETS/TGETB (and the TSET forms): IR value and Lua value. */
  protected key(op: OpName, c: number): [Ref, LuaValue] {
    if (op.endsWith('S')) return this.stringKey(c);
    if (op.endsWith('B')) return [this.b.knum(c), c];
    const v = this.vm.stack.get(this.cur.rtBase + 8 * c);
    if (typeof v === 'number') return [this.getNum(c), v];
    // A string or table key reaches the helper as its TValue, its type guarded by the SLOAD.
    if (v instanceof LuaString || v instanceof LuaTable) return [this.tvalue(c), v];
    throw nyi('NYIBC', `${op} with a ${v === undefined ? 'nil' : typeof v === 'boolean' ? 'boolean' : 'non-number'} key`);
  }

  /** The environment table GGET/GSET use, as rec_gget finds it: FLOAD func.env of the running function (getcurrf). */
  protected environment(): [Ref, LuaTable] {
    const fn = this.vm.functionAt(this.cur.rtBase);
    const closure = this.currentFunction();
    const id = IRFL_NAMES.indexOf('func.env');
    return [this.b.forwarding.field(closure, id) ?? this.b.emit('FLOAD', 'tab', closure, id)!, fn.env];
  }

  /** A constant ref for a GC object (a metatable, an __index table). */
  private object(v: LuaTable): Ref {
    return this.raw(this.bitsOf(v), 'tab');
  }

  /** The metatable of table `t` as the trace sees it: guarded to be none, or exactly this one. */
  protected metatable(table: Ref, t: LuaTable): LuaTable | null {
    // A table the trace made itself has none yet (lj_opt_fold's fload_tab_tnew_meta: FLOAD of a
    // TNEW's metatable is NULL), unless a state-changing builtin (setmetatable) ran since.
    if (this.madeOnTrace(table)) return null;
    const meta = this.tableField(table, 'tab.meta');
    this.guard('EQ', 'tab', meta, t.metatable === null ? this.b.constant({ op: 'KNULL', type: 'tab' }) : this.object(t.metatable));
    return t.metatable;
  }

  private madeOnTrace(table: Ref): boolean {
    if (isConstRef(table)) return false;
    const named = (ref: Ref, name: string) => {
      const ins = this.b.instruction(ref);
      return ins.op === 'CALLS' && HELPERS[ins.op2]?.name === name;
    };
    if (this.b.instruction(table).op !== 'TNEW' && this.b.instruction(table).op !== 'TDUP') return false;
    for (let ref = table + 1; ref < this.b.nextRef; ref++) if (named(ref, 'ff_call_side')) return false;
    return true;
  }

  /**
   * table.remove(t) as recff_table_remove records the simple pop: `#t` through lj_tab_len,
   * guarded to stay zero or non-zero; then, for a non-empty table, t[#t] loaded raw (when a
   * result is wanted) and set to nil raw, each with rec_idx_key's guards. Removing from the
   * middle is stitched (recff_nyiu); undefined then.
   */
  protected tablePop(arg: number, nargs: number, wanted: boolean): Ref[] | undefined {
    const t = this.vm.stack.get(this.cur.rtBase + 8 * arg);
    const table = this.get(arg);
    if (!(t instanceof LuaTable) || this.b.typeOf(table) !== 'tab') return undefined;
    if (nargs >= 2 && this.vm.stack.get(this.cur.rtBase + 8 * (arg + 1)) !== undefined) return undefined;
    const n = t.length();
    const length = this.b.call('tab_len', [table]);
    this.guard(n ? 'NE' : 'EQ', 'num', length, this.b.knum(0));
    if (n === 0) return [];
    const value = wanted ? this.rawLoad(table, length, this.keyPart(table, t, length, n), t.getInt(n)) : undefined;
    this.rawStore(table, length, this.keyPart(table, t, length, n), REF_NIL, t.getInt(n));
    this.needsnap = true;
    return value === undefined ? [] : [value];
  }

  /** Whether a __newindex may apply to a missing key of `t` (lj_record_idx's hasmm: then the value gets a nil guard instead). */
  private newindexApplies(t: LuaTable): boolean {
    return t.metatable !== null && t.metatable.get(this.vm.heap.str('__newindex')) !== undefined;
  }

  /** Field `name` of a metatable, guarded by type (and by identity for a table). */
  private metamethod(mt: LuaTable, name: '__index' | '__newindex'): LuaValue {
    const key = this.vm.heap.str(name);
    const v = mt.get(key);
    const table = this.object(mt);
    const keyRef = this.raw(this.bitsOf(key), 'str');
    const ref = this.rawLoad(table, keyRef, this.keyPart(table, mt, keyRef, key), v);
    if (v instanceof LuaTable) this.guard('EQ', 'tab', ref, this.object(v));
    return v;
  }

  /** TGETV/TGETS/TGETB and GGET: t[key] into register `a`, through __index tables. */
  protected tableGet(a: number, table: Ref, tableValue: LuaValue, key: Ref, keyValue: LuaValue): RecordOutcome {
    let t = tableValue;
    let ref = table;
    for (let loop = 0; loop < MAX_INDEX_CHAIN; loop++) {
      let mt: LuaTable | null;
      if (t instanceof LuaTable && this.b.typeOf(ref) === 'tab') {
        const raw = t.get(keyValue);
        // An empty hash part holds nothing: the key's value is nil without a lookup (niltv).
        const value = this.rawLoad(ref, key, this.keyPart(ref, t, key, keyValue), raw);
        if (raw !== undefined || (mt = this.metatable(ref, t)) === null) {
          this.set(a, value);
          return { kind: 'continue' };
        }
      } else if (t instanceof LuaString && this.b.typeOf(ref) === 'str') {
        // Strings share one metatable (lj_record_idx's basemt), a constant of the run.
        mt = this.vm.meta.stringMeta;
        if (mt === null) throw nyi('NYIBC', 'index of a string');
      } else {
        throw nyi('NYIBC', 'index of a non-table');
      }
      const index = this.metamethod(mt, '__index');
      if (index === undefined) {
        this.set(a, REF_NIL);
        return { kind: 'continue' };
      }
      if (!(index instanceof LuaTable)) throw nyi('NYIBC', 'index through an __index function');
      t = index;
      ref = this.object(index);
    }
    throw nyi('IDXLOOP');
  }

  /**
   * TSETV/TSETS/TSETB and GSET: t[key] = value, raw once no __newindex can apply, through
   * __newindex tables, with lj_record_idx's guards: a present key's HREF is not niltv and its value
   * stays non-nil (a typed load, or no metatable), unless an earlier access of the trace knows it;
   * a nil one's is niltv or not, or, where a __newindex waits, its value stays nil.
   */
  protected tableSet(table: Ref, tableValue: LuaValue, key: Ref, keyValue: LuaValue, value: Ref): RecordOutcome {
    let t = tableValue;
    let ref = table;
    let part: KeyPart | undefined;
    let old: LuaValue;
    for (let loop = 0; loop < MAX_INDEX_CHAIN; loop++) {
      if (!(t instanceof LuaTable) || this.b.typeOf(ref) !== 'tab') throw nyi('NYIBC', 'store into a non-table');
      part = this.keyPart(ref, t, key, keyValue);
      old = t.get(keyValue);
      // An HREF (not an HREFK) may give niltv: its result is guarded.
      const href = part.part === 'hash' && this.b.instruction(part.href).op === 'HREF' ? part.href : undefined;
      const absent = part.part === 'hash' && part.absent;
      if (old !== undefined) {
        if (this.knownValue(ref, key, part, old) !== undefined) break;
        if (href !== undefined) this.guard('NE', 'p64', href, this.niltv());
        if (t.metatable === null) this.metatable(ref, t);
        else this.rawLoad(ref, key, part, old);
        break;
      }
      if (this.newindexApplies(t)) this.guardNil(part);
      else if (href !== undefined) this.guard(absent ? 'EQ' : 'NE', 'p64', href, this.niltv());
      if (t.metatable === null) {
        this.metatable(ref, t);
        break;
      }
      const mt = this.metatable(ref, t)!;
      const newindex = this.metamethod(mt, '__newindex');
      if (newindex === undefined) break;
      if (!(newindex instanceof LuaTable)) throw nyi('NYIBC', 'store through a __newindex function');
      t = newindex;
      ref = this.object(newindex);
      if (loop === MAX_INDEX_CHAIN - 1) throw nyi('IDXLOOP');
    }
    // The next bytecode takes a snapshot: an exit must never re-run a store (t[k] = t[k] + 1).
    this.rawStore(ref, key, part!, value, old);
    this.needsnap = true;
    return { kind: 'continue' };
  }
}
