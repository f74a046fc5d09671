// The table library (lib_table.c).
import { formatNumber } from '../numfmt';
import { LuaString, typeName } from '../value';
import { checkNumber, checkString, checkTable, optNumber } from './args';
import type { Library } from './library';

export const tableLibrary: Library = (vm) => {
  const str = (s: string): LuaString => vm.heap.str(s);
  return {
    functions: {
      insert: (args, call) => {
        const t = checkTable(args, 0, call);
        if (args.length === 2) {
          t.set(t.length() + 1, args[1]);
          return;
        }
        if (args.length !== 3) return call.error(str("wrong number of arguments to 'insert'"), 1);
        t.insert(Math.trunc(checkNumber(args, 1, call)), args[2]);
      },
      remove: (args, call) => {
        const t = checkTable(args, 0, call);
        const n = t.length();
        if (n === 0) return undefined;
        const pos = Math.trunc(optNumber(args, 1, n, call));
        const removed = t.getInt(pos);
        for (let i = pos; i < n; i++) t.set(i, t.getInt(i + 1));
        t.set(n, undefined);
        return [removed];
      },
      concat: (args, call) => {
        const t = checkTable(args, 0, call);
        const sep = args[1] === undefined ? '' : checkString(args, 1, call);
        const i = optNumber(args, 2, 1, call);
        const j = args[3] === undefined ? t.length() : checkNumber(args, 3, call);
        const parts: string[] = [];
        for (let k = i; k <= j; k++) {
          const v = t.getInt(k);
          if (v instanceof LuaString) parts.push(v.s);
          else if (typeof v === 'number') parts.push(formatNumber(v));
          else return call.error(str(`invalid value (${typeName(v)}) at index ${k} in table for 'concat'`), 1);
        }
        return str(parts.join(sep));
      },
    },
  };
};
