// Metatables and metamethods (lj_meta.c): lookup by object type, and the slow paths of the
// bytecodes that consult them: indexing chains (__index/__newindex), arithmetic with string
// coercion (__add …, __unm), concatenation (__concat), length (__len), ordered comparison
// (__lt, __le falling back to not __lt), equality (__eq). A function metamethod runs in a
// continuation frame (Calls.metaCall); each slow path answers whether it started one.
import { BC } from './bytecode';
import { CONT } from './calls';
import type { LuaInterpreter } from './interpreter';
import { formatNumber, parseNumber } from './numfmt';
import { luaPow } from '@tracesim/machine';
import { LuaTable } from './table';
import { LuaCdata, LuaFunction, LuaString, LuaUserdata, typeName } from './value';
import type { LuaValue } from './value';

/** LJ_MAX_IDXCHAIN: how many __index/__newindex tables a lookup may follow. */
const MAX_INDEX_CHAIN = 100;

export type ArithEvent = '__add' | '__sub' | '__mul' | '__div' | '__mod' | '__pow' | '__unm';

/** The numeric meaning of each arithmetic event (lj_vm_foldarith). */
export const ARITH: Readonly<Record<ArithEvent, (a: number, b: number) => number>> = {
  __add: (a, b) => a + b,
  __sub: (a, b) => a - b,
  __mul: (a, b) => a * b,
  __div: (a, b) => a / b,
  __mod: (a, b) => a - Math.floor(a / b) * b,
  __pow: luaPow,
  __unm: (a) => -a,
};

/** The event of each arithmetic bytecode. */
export const ARITH_EVENT: ReadonlyMap<number, ArithEvent> = new Map([
  [BC.ADDVN, '__add'], [BC.SUBVN, '__sub'], [BC.MULVN, '__mul'], [BC.DIVVN, '__div'], [BC.MODVN, '__mod'],
  [BC.ADDNV, '__add'], [BC.SUBNV, '__sub'], [BC.MULNV, '__mul'], [BC.DIVNV, '__div'], [BC.MODNV, '__mod'],
  [BC.ADDVV, '__add'], [BC.SUBVV, '__sub'], [BC.MULVV, '__mul'], [BC.DIVVV, '__div'], [BC.MODVV, '__mod'],
  [BC.POW, '__pow'],
]);

/** A number, or a string that converts to one (str2num). */
export function toArithNumber(v: LuaValue): number | undefined {
  if (typeof v === 'number') return v;
  if (v instanceof LuaString) return parseNumber(v.s);
  return undefined;
}

export class Meta {
  /** The metatable every string shares ({__index = string}); set by the string library. */
  stringMeta: LuaTable | null = null;
  /** The metatable of 64-bit integer cdata; set by the ffi library. */
  cdataMeta: LuaTable | null = null;
  private readonly names = new Map<string, LuaString>();

  constructor(private readonly vm: LuaInterpreter) {}

  private name(event: string): LuaString {
    let s = this.names.get(event);
    if (!s) {
      s = this.vm.heap.str(event);
      this.names.set(event, s);
    }
    return s;
  }

  metatableOf(o: LuaValue): LuaTable | null {
    if (o instanceof LuaTable || o instanceof LuaUserdata) return o.metatable;
    if (o instanceof LuaString) return this.stringMeta;
    if (o instanceof LuaCdata) return this.cdataMeta;
    return null;
  }

  /** lj_meta_lookup: the metamethod `event` of `o`, or undefined. */
  lookup(o: LuaValue, event: string): LuaValue {
    const mt = this.metatableOf(o);
    return mt === null ? undefined : mt.get(this.name(event));
  }

  // ---- indexing -------------------------------------------------------------------------------

  /** lj_meta_tget: o[key] through __index chains, written to `dst`; `slot` names o in errors. */
  index(o: LuaValue, key: LuaValue, dst: number, slot: number): boolean {
    const vm = this.vm;
    for (let loop = 0; loop < MAX_INDEX_CHAIN; loop++) {
      let mm: LuaValue;
      if (o instanceof LuaTable) {
        const v = o.get(key);
        if (v !== undefined || o.metatable === null || (mm = o.metatable.get(this.name('__index'))) === undefined) {
          vm.stack.set(dst, v);
          return false;
        }
      } else if ((mm = this.lookup(o, '__index')) === undefined) {
        throw vm.typeError('index', o, loop === 0 ? slot : -1);
      }
      if (mm instanceof LuaFunction) {
        vm.calls.metaCall(CONT.ra, mm, [o, key]);
        return true;
      }
      o = mm;
    }
    throw vm.runtimeError('loop in gettable');
  }

  /** lj_meta_tset: o[key] = value through __newindex chains. */
  newindex(o: LuaValue, key: LuaValue, value: LuaValue, slot: number): boolean {
    const vm = this.vm;
    for (let loop = 0; loop < MAX_INDEX_CHAIN; loop++) {
      let mm: LuaValue;
      if (o instanceof LuaTable) {
        if (o.metatable === null || o.get(key) !== undefined || (mm = o.metatable.get(this.name('__newindex'))) === undefined) {
          vm.rawSet(o, key, value);
          return false;
        }
      } else if ((mm = this.lookup(o, '__newindex')) === undefined) {
        throw vm.typeError('index', o, loop === 0 ? slot : -1);
      }
      if (mm instanceof LuaFunction) {
        vm.calls.metaCall(CONT.nop, mm, [o, key, value]);
        return true;
      }
      o = mm;
    }
    throw vm.runtimeError('loop in settable');
  }

  // ---- for builtins: the same rules, metamethods called through C frames -------------------------

  /** o[key] with __index (lua_gettable), for builtins such as gsub's table replacement. */
  get(o: LuaValue, key: LuaValue): LuaValue {
    const vm = this.vm;
    for (let loop = 0; loop < MAX_INDEX_CHAIN; loop++) {
      let mm: LuaValue;
      if (o instanceof LuaTable) {
        const v = o.get(key);
        if (v !== undefined || o.metatable === null || (mm = o.metatable.get(this.name('__index'))) === undefined) return v;
      } else if ((mm = this.lookup(o, '__index')) === undefined) {
        throw vm.typeError('index', o, -1);
      }
      if (mm instanceof LuaFunction) return vm.calls.callValue(mm, [o, key])[0];
      o = mm;
    }
    throw vm.runtimeError('loop in gettable');
  }

  /** a < b as the < operator decides it (lua_lessthan), for builtins such as table.sort. */
  lessThan(a: LuaValue, b: LuaValue): boolean {
    if (typeof a === 'number' && typeof b === 'number') return a < b;
    if (a instanceof LuaString && b instanceof LuaString) return a.s < b.s;
    if (typeName(a) !== typeName(b) && !(a instanceof LuaCdata || b instanceof LuaCdata)) throw this.compareError(a, b);
    let mm = this.lookup(a, '__lt');
    if (mm === undefined || (!(a instanceof LuaCdata || b instanceof LuaCdata) && !this.sameValue(mm, this.lookup(b, '__lt')))) {
      if (b instanceof LuaCdata) mm = this.lookup(b, '__lt');
      else throw this.compareError(a, b);
    }
    if (mm === undefined) throw this.compareError(a, b);
    const r = this.vm.calls.callValue(mm, [a, b])[0];
    return r !== undefined && r !== false;
  }

  // ---- arithmetic, length, concatenation -------------------------------------------------------

  /** lj_meta_arith: coercion first, then the metamethod of b or c; the result goes to `dst`. */
  arith(event: ArithEvent, dst: number, b: LuaValue, c: LuaValue, slotB: number, slotC: number): boolean {
    const vm = this.vm;
    const x = toArithNumber(b);
    const y = toArithNumber(c);
    if (x !== undefined && y !== undefined) {
      vm.stack.set(dst, ARITH[event](x, y));
      return false;
    }
    let mm = this.lookup(b, event);
    if (mm === undefined) mm = this.lookup(c, event);
    if (mm === undefined) {
      const [bad, slot] = x === undefined ? [b, slotB] : [c, slotC];
      throw vm.typeError('perform arithmetic on', bad, slot);
    }
    vm.calls.metaCall(CONT.ra, mm, [b, c]);
    return true;
  }

  /** LEN of something that is not a string or a table (lj_meta_len): __len, called with (o, nil). */
  len(o: LuaValue, dst: number, slot: number): boolean {
    const mm = this.lookup(o, '__len');
    if (mm === undefined) throw this.vm.typeError('get length of', o, slot);
    this.vm.calls.metaCall(CONT.ra, mm, [o, undefined]);
    return true;
  }

  /**
   * CAT A B C (lj_meta_cat), from slot `top` down to B: runs of strings and numbers are joined,
   * any other pair goes to __concat in a continuation frame over the two operand slots (which
   * resumes here). The result lands in A.
   */
  concat(top: number, b: number, a: number): boolean {
    const vm = this.vm;
    const base = vm.base;
    const at = (r: number): LuaValue => vm.stack.get(base + 8 * r);
    const isStr = (v: LuaValue): v is LuaString | number => v instanceof LuaString || typeof v === 'number';
    while (top > b) {
      const hi = at(top);
      const lo = at(top - 1);
      if (!isStr(hi) || !isStr(lo)) {
        let mm = this.lookup(lo, '__concat');
        if (mm === undefined) mm = this.lookup(hi, '__concat');
        if (mm === undefined) {
          const bad = isStr(lo) ? top : top - 1;
          throw vm.typeError('concatenate', at(bad), bad);
        }
        vm.calls.metaCall(CONT.cat, mm, [lo, hi], base + 8 * (top - 1));
        return true;
      }
      let n = 1;
      while (top - n >= b && isStr(at(top - n))) n++;
      n--;
      const parts: string[] = [];
      let length = 0;
      for (let r = top - n; r <= top; r++) {
        const v = at(r) as LuaString | number;
        const part = typeof v === 'number' ? formatNumber(v) : v.s;
        length += part.length;
        parts.push(part);
      }
      if (!vm.heap.fitsString(length)) vm.heap.exhausted();
      vm.stack.set(base + 8 * (top - n), vm.heap.str(parts.join('')));
      top -= n;
    }
    vm.stack.copy(base + 8 * a, base + 8 * b);
    return false;
  }

  // ---- comparisons ----------------------------------------------------------------------------

  /**
   * ISLT/ISGE/ISLE/ISGT of two values that are not both numbers (lj_meta_comp): strings
   * compare bytewise; others need the same __lt/__le in both (a missing __le tries not
   * __lt with the operands swapped). Answers whether the jump is taken, or 'called'.
   */
  compare(op: number, o1: LuaValue, o2: LuaValue): boolean | 'called' {
    const vm = this.vm;
    if (o1 instanceof LuaString && o2 instanceof LuaString) {
      const lt = o1.s < o2.s;
      const le = lt || o1.s === o2.s;
      return ((op & 2) !== 0 ? le : lt) !== ((op & 1) !== 0);
    }
    if (o1 instanceof LuaCdata || o2 instanceof LuaCdata) {
      const mm = this.lookup(o1 instanceof LuaCdata ? o1 : o2, (op & 2) !== 0 ? '__le' : '__lt');
      if (mm === undefined) throw this.compareError(o1, o2);
      vm.calls.metaCall((op & 1) !== 0 ? CONT.condf : CONT.condt, mm, [o1, o2]);
      return 'called';
    }
    if (typeName(o1) !== typeName(o2) || typeof o1 === 'number') throw this.compareError(o1, o2);
    for (;;) {
      const event = (op & 2) !== 0 ? '__le' : '__lt';
      const mm = this.lookup(o1, event);
      if (mm === undefined || !this.sameValue(mm, this.lookup(o2, event))) {
        if ((op & 2) !== 0) {
          [o1, o2] = [o2, o1];
          op ^= 3;
          continue;
        }
        throw this.compareError(o1, o2);
      }
      vm.calls.metaCall((op & 1) !== 0 ? CONT.condf : CONT.condt, mm, [o1, o2]);
      return 'called';
    }
  }

  private compareError(o1: LuaValue, o2: LuaValue) {
    const t1 = typeName(o1), t2 = typeName(o2);
    return this.vm.runtimeError(t1 === t2 ? `attempt to compare two ${t1} values` : `attempt to compare ${t1} with ${t2}`);
  }

  /** Raw equality as lj_obj_equal: numbers by value, everything else by identity. */
  sameValue(a: LuaValue, b: LuaValue): boolean {
    return a === b || (typeof a === 'number' && typeof b === 'number' && a === b);
  }

  /**
   * ISEQV/ISNEV of two different tables or userdata (lj_meta_equal): __eq when both have the
   * same one, else they differ. Answers whether they are equal, or 'called' (the continuation
   * then branches for ISEQ or ISNE). A cdata operand compares through its __eq (lj_meta_equal_cd).
   */
  equal(o1: LuaValue, o2: LuaValue, ne: boolean): boolean | 'called' {
    const vm = this.vm;
    if (o1 instanceof LuaCdata || o2 instanceof LuaCdata) {
      const mm = this.lookup(o1 instanceof LuaCdata ? o1 : o2, '__eq');
      if (mm === undefined) return o1 === o2;
      vm.calls.metaCall(ne ? CONT.condf : CONT.condt, mm, [o1, o2]);
      return 'called';
    }
    if (o1 === o2) return true;
    if (!((o1 instanceof LuaTable && o2 instanceof LuaTable) || (o1 instanceof LuaUserdata && o2 instanceof LuaUserdata))) return false;
    const mt1 = o1.metatable;
    const mm = mt1?.get(this.name('__eq'));
    if (mm === undefined) return false;
    if (mt1 !== o2.metatable && !this.sameValue(mm, o2.metatable?.get(this.name('__eq')))) return false;
    vm.calls.metaCall(ne ? CONT.condf : CONT.condt, mm, [o1, o2]);
    return 'called';
  }
}
