// The table library as LuaJIT 2.1 has it (lib_table.c): insert, maxn, concat and sort are C
// functions; foreachi, foreach, getn, remove and move are LuaJIT's built-in Lua functions,
// whose argument errors say `got nil` for a missing argument and whose accesses to their
// table arguments are raw with the key truncated to an int32 (TGETR/TSETR). table.new and
// table.clear load through require('table.new') / require('table.clear'), which also makes
// them fields of `table`. Lengths are LuaTable.length(), the border `#t` finds.
import { formatNumber } from '../numfmt';
import type { LuaTable } from '../table';
import { hsize2hbits, MAX_ASIZE, MAX_HBITS } from '../table-sizing';
import { LuaCdata, LuaString, truthy, typeName } from '../value';
import type { BuiltinCall, BuiltinFn, LuaValue } from '../value';
import { checkFunction, checkInt, checkNumber, checkString, checkTable, optInt, toInt } from './args';
import type { Library } from './library';

/** A built-in Lua function's parameters: missing arguments are nil-valued slots (`got nil`). */
const params = (args: LuaValue[], n: number): LuaValue[] => (args.length >= n ? args : [...args, ...new Array<LuaValue>(n - args.length)]);

/** TGETR/TSETR: raw access with the numeric key converted as cvttsd2si converts it. */
const rawGet = (t: LuaTable, key: number): LuaValue => t.getInt(toInt(key));
const rawSet = (t: LuaTable, key: number, value: LuaValue): void => t.set(toInt(key), value);

export const tableLibrary: Library = (vm) => {
  const str = (s: string): LuaString => vm.heap.str(s);

  /** `a ~= b` of two tables in LuaJIT's 5.1 mode: identity, else a shared __eq decides. */
  const sameTable = (a: LuaTable, b: LuaTable, call: BuiltinCall): boolean => {
    if (a === b) return true;
    const mm = vm.meta.lookup(a, '__eq');
    if (mm === undefined || !vm.meta.sameValue(mm, vm.meta.lookup(b, '__eq'))) return false;
    return truthy(call.call(mm, [a, b])[0]);
  };

  /**
   * lua_lessthan, sort's default order: `<` with __lt. A comparison that cannot be made fails
   * inside sort (a C function), so, unlike the VM's, its message carries no position.
   */
  const lessThan = (a: LuaValue, b: LuaValue, call: BuiltinCall): boolean => {
    if (typeof a === 'number' && typeof b === 'number') return a < b;
    if (!(a instanceof LuaString && b instanceof LuaString) && !(a instanceof LuaCdata || b instanceof LuaCdata)) {
      const ta = typeName(a), tb = typeName(b);
      const mm = ta === tb ? vm.meta.lookup(a, '__lt') : undefined;
      if (mm === undefined || !vm.meta.sameValue(mm, vm.meta.lookup(b, '__lt'))) {
        return call.error(str(ta === tb ? `attempt to compare two ${ta} values` : `attempt to compare ${ta} with ${tb}`), 0);
      }
    }
    return vm.meta.lessThan(a, b);
  };

  const sort: BuiltinFn = (args, call) => {
    const t = checkTable(args, 0, call);
    const n = t.length();
    const comp = args[1];
    if (comp !== undefined) checkFunction(args, 1, call);
    const less = comp === undefined ? (a: LuaValue, b: LuaValue) => lessThan(a, b, call) : (a: LuaValue, b: LuaValue) => truthy(call.call(comp, [a, b])[0]);
    auxsort(t, 1, n, less, () => call.error(str('invalid order function for sorting'), 1));
  };

  /** table.new(narray, nhash): lj_tab_new_ah's sizes (slots 0..narray, enough nodes for nhash keys). */
  const tableNew: BuiltinFn = (args, call) => {
    const narray = checkInt(args, 0, call) >>> 0;
    const nhash = checkInt(args, 1, call) >>> 0;
    const asize = narray > 0 ? narray + 1 : 0;
    const hbits = hsize2hbits(nhash);
    if (asize > MAX_ASIZE || hbits > MAX_HBITS) return call.error(str('table overflow'), 1);
    return vm.heap.table(asize, hbits);
  };

  const tableClear: BuiltinFn = (args, call) => {
    const t = checkTable(args, 0, call);
    for (let e = t.nextFrom(0); e !== undefined; e = t.nextFrom(e[0] + 1)) t.set(e[1], undefined);
  };

  return {
    functions: {
      foreachi: (args, call) => {
        const a = params(args, 2);
        const t = checkTable(a, 0, call);
        const f = checkFunction(a, 1, call);
        const n = t.length();
        for (let i = 1; i <= n; i++) {
          const r = call.call(f, [i, t.getInt(i)])[0];
          if (r !== undefined) return [r];
        }
      },
      foreach: (args, call) => {
        const a = params(args, 2);
        const t = checkTable(a, 0, call);
        const f = checkFunction(a, 1, call);
        for (let e = t.nextFrom(0); e !== undefined; e = t.nextFrom(e[0] + 1)) {
          const r = call.call(f, [e[1], e[2]])[0];
          if (r !== undefined) return [r];
        }
      },
      getn: (args, call) => checkTable(params(args, 1), 0, call).length(),
      maxn: (args, call) => {
        const t = checkTable(args, 0, call);
        let m = 0;
        for (let e = t.nextFrom(0); e !== undefined; e = t.nextFrom(e[0] + 1)) {
          if (typeof e[1] === 'number' && e[1] > m) m = e[1];
        }
        return m;
      },
      insert: (args, call) => {
        const t = checkTable(args, 0, call);
        if (args.length === 2) {
          t.set(t.length() + 1, args[1]);
          return;
        }
        if (args.length !== 3) return call.error(str("wrong number of arguments to 'insert'"), 1);
        t.insert(checkInt(args, 1, call), args[2]);
      },
      remove: (args, call) => {
        const a = params(args, 2);
        const t = checkTable(a, 0, call);
        const len = t.length();
        if (a[1] === undefined) {
          if (len === 0) return;
          const old = t.getInt(len);
          t.set(len, undefined);
          return [old];
        }
        const pos = checkNumber(a, 1, call);
        if (!(pos >= 1 && pos <= len)) return;
        const old = rawGet(t, pos);
        for (let i = pos + 1; i <= len; i++) rawSet(t, i - 1, rawGet(t, i));
        t.set(len, undefined);
        return [old];
      },
      move: (args, call) => {
        const a = params(args, 5);
        const a1 = checkTable(a, 0, call);
        const f = checkNumber(a, 1, call);
        const e = checkNumber(a, 2, call);
        const to = checkNumber(a, 3, call);
        const a2 = a[4] === undefined ? a1 : checkTable(a, 4, call);
        if (e >= f) {
          const d = to - f;
          if (to > e || to <= f || !sameTable(a2, a1, call)) {
            for (let i = f; i <= e; i++) rawSet(a2, i + d, rawGet(a1, i));
          } else {
            for (let i = e; i >= f; i--) rawSet(a2, i + d, rawGet(a1, i));
          }
        }
        return a2;
      },
      concat: (args, call) => {
        const t = checkTable(args, 0, call);
        const sep = args[1] === undefined ? '' : checkString(args, 1, call);
        const i = optInt(args, 2, 1, call);
        const j = args[3] === undefined ? t.length() : checkInt(args, 3, call);
        const parts: string[] = [];
        for (let k = i; k <= j; k++) {
          const v = t.getInt(k);
          if (v instanceof LuaString) parts.push(v.s);
          else if (typeof v === 'number') parts.push(formatNumber(v));
          else return call.error(str(`invalid value (${typeName(v)}) at index ${k} in table for 'concat'`), 1);
        }
        return str(parts.join(sep));
      },
      sort,
    },
    install: (table) => {
      for (const [name, fn] of [['new', tableNew], ['clear', tableClear]] as const) {
        // lj_lib_postreg: each load makes the function and stores it into `table` as well.
        const loader = vm.heap.builtin(`table.${name} loader`, () => {
          const f = vm.heap.builtin(`table.${name}`, fn);
          table.set(str(name), f);
          return f;
        });
        vm.preloads.set(`table.${name}`, loader);
      }
    },
  };
};

/**
 * ltablib.c's auxsort on t[l..u]: the same reads, comparisons and writes in the same order, so
 * inconsistent comparators give the same results (and `invalid`) as lua5.1 and LuaJIT.
 */
function auxsort(t: LuaTable, l: number, u: number, less: (a: LuaValue, b: LuaValue) => boolean, invalid: () => never): void {
  while (l < u) {
    // Order t[l], t[mid], t[u].
    let al = t.getInt(l);
    const au = t.getInt(u);
    if (less(au, al)) {
      t.set(l, au);
      t.set(u, al);
    }
    if (u - l === 1) return;
    let i = Math.trunc((l + u) / 2);
    const ai = t.getInt(i);
    al = t.getInt(l);
    if (less(ai, al)) {
      t.set(i, al);
      t.set(l, ai);
    } else {
      const au2 = t.getInt(u);
      if (less(au2, ai)) {
        t.set(i, au2);
        t.set(u, ai);
      }
    }
    if (u - l === 2) return;
    // The pivot goes to u-1; partition l+1..u-2 around it.
    const pivot = t.getInt(i);
    t.set(i, t.getInt(u - 1));
    t.set(u - 1, pivot);
    i = l;
    let j = u - 1;
    for (;;) {
      let vi: LuaValue, vj: LuaValue;
      while (less((vi = t.getInt(++i)), pivot)) if (i >= u) invalid();
      while (less(pivot, (vj = t.getInt(--j)))) if (j <= l) invalid();
      if (j < i) break;
      t.set(i, vj);
      t.set(j, vi);
    }
    const top = t.getInt(u - 1);
    t.set(u - 1, t.getInt(i));
    t.set(i, top);
    // Recurse into the smaller part, loop on the larger one.
    if (i - l < u - i) {
      auxsort(t, l, i - 1, less, invalid);
      l = i + 1;
    } else {
      auxsort(t, i + 1, u, less, invalid);
      u = i - 1;
    }
  }
}
