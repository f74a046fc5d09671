// The base library (lib_base.c): print, type, tostring, tonumber, pairs/ipairs/next, select,
// error, assert, unpack and pcall (a marker: the interpreter runs it with a FRAME_PCALL frame).
import { LuaTable } from '../table';
import { truthy, typeName } from '../value';
import type { BuiltinFn, LuaValue } from '../value';
import { checkAny, checkNumber, checkString, checkTable, optNumber } from './args';
import type { Library } from './library';

export const baseLibrary: Library = (vm) => {
  const str = (s: string) => vm.heap.str(s);
  const next: BuiltinFn = (args, call) => {
    const t = checkTable(args, 0, call);
    const pos = t.positionAfter(args[1]);
    if (pos === undefined) return call.error(str("invalid key to 'next'"), 1);
    const entry = t.nextFrom(pos);
    return entry === undefined ? [undefined] : [entry[1], entry[2]];
  };
  const ipairsAux: BuiltinFn = (args) => {
    const t = args[0] as LuaTable;
    const i = (args[1] as number) + 1;
    const v = t.getInt(i);
    return v === undefined ? [undefined] : [i, v];
  };
  return {
    functions: {
      print: (args) => {
        vm.write(args.map((v) => vm.tostring(v)).join('\t') + '\n');
      },
      type: (args, call) => {
        checkAny(args, 0, call);
        return str(typeName(args[0]));
      },
      tostring: (args, call) => {
        checkAny(args, 0, call);
        return str(vm.tostring(args[0]));
      },
      tonumber: (args, call) => {
        const v = args[0];
        checkAny(args, 0, call);
        if (args[1] === undefined) return [vm.tonumber(v)];
        const radix = checkNumber(args, 1, call);
        if (radix < 2 || radix > 36) return call.argError(2, 'base out of range');
        const s = checkString(args, 0, call).trim().toLowerCase();
        if (s === '' || ![...s.replace(/^-/, '')].every((c) => parseInt(c, 36) < radix)) return [undefined];
        return [parseInt(s, radix)];
      },
      next,
      ipairs: (args, call) => {
        checkTable(args, 0, call);
        return [vm.builtin('ipairs_aux'), args[0], 0];
      },
      pairs: (args, call) => {
        checkTable(args, 0, call);
        return [vm.builtin('next'), args[0], undefined];
      },
      select: (args, call) => {
        const n = args[0];
        if (typeof n !== 'number' && n !== undefined && typeName(n) === 'string' && vm.tostring(n) === '#') return args.length - 1;
        const i = Math.trunc(checkNumber(args, 0, call));
        if (i < 0) {
          if (-i > args.length - 1) return call.argError(1, 'index out of range');
          return args.slice(args.length + i);
        }
        if (i === 0) return call.argError(1, 'index out of range');
        return args.slice(i);
      },
      error: (args, call) => call.error(args[0], args[1] === undefined ? 1 : checkNumber(args, 1, call)),
      assert: (args, call) => {
        if (args.length === 0) return call.argError(1, 'value expected');
        if (!truthy(args[0])) return call.error(str(args.length > 1 ? checkString(args, 1, call) : 'assertion failed!'), 1);
        return args;
      },
      unpack: (args, call) => {
        const t = checkTable(args, 0, call);
        const i = optNumber(args, 1, 1, call);
        const j = args[2] === undefined ? t.length() : checkNumber(args, 2, call);
        if (j - i >= 8000) return call.error(str('too many results to unpack'), 1);
        const out: LuaValue[] = [];
        for (let k = i; k <= j; k++) out.push(t.getInt(k));
        return out;
      },
      pcall: () => undefined,
    },
    internal: { ipairs_aux: ipairsAux },
  };
};
