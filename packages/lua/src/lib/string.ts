// The string library (lib_string.c). Strings are byte strings: one JS char per byte (latin-1).
import { formatString } from '../format';
import { LuaString } from '../value';
import type { LuaValue } from '../value';
import { checkNumber, checkString, optNumber } from './args';
import type { Library } from './library';

/** Lua 5.1's string.sub/byte index rules: negative counts from the end. */
function strIndex(pos: number, len: number): number {
  return pos >= 0 ? pos : Math.max(len + pos + 1, 0);
}

export const stringLibrary: Library = (vm) => {
  const str = (s: string): LuaString => vm.heap.str(s);
  return {
    functions: {
      len: (args, call) => checkString(args, 0, call).length,
      sub: (args, call) => {
        const s = checkString(args, 0, call);
        let i = strIndex(Math.trunc(optNumber(args, 1, 1, call)), s.length);
        let j = strIndex(Math.trunc(optNumber(args, 2, -1, call)), s.length);
        if (i < 1) i = 1;
        if (j > s.length) j = s.length;
        return str(i <= j ? s.slice(i - 1, j) : '');
      },
      byte: (args, call) => {
        const s = checkString(args, 0, call);
        let i = strIndex(Math.trunc(optNumber(args, 1, 1, call)), s.length);
        let j = strIndex(Math.trunc(args[2] === undefined ? i : checkNumber(args, 2, call)), s.length);
        if (i < 1) i = 1;
        if (j > s.length) j = s.length;
        const out: LuaValue[] = [];
        for (let p = i; p <= j; p++) out.push(s.charCodeAt(p - 1));
        return out;
      },
      char: (args, call) => {
        let s = '';
        for (let i = 0; i < args.length; i++) {
          const c = checkNumber(args, i, call);
          if (c < 0 || c > 255 || c !== Math.floor(c)) return call.argError(i + 1, 'invalid value');
          s += String.fromCharCode(c);
        }
        return str(s);
      },
      rep: (args, call) => {
        const s = checkString(args, 0, call);
        const n = Math.trunc(checkNumber(args, 1, call));
        if (n * s.length > 1 << 28) return call.error(str('resulting string too large'), 1);
        return str(n > 0 ? s.repeat(n) : '');
      },
      format: (args, call) => {
        const fmt = checkString(args, 0, call);
        return str(
          formatString(fmt, {
            count: args.length - 1,
            number: (i) => (i >= args.length ? call.argError(i + 1, 'no value') : checkNumber(args, i, call)),
            string: (i) => {
              if (i >= args.length) return call.argError(i + 1, 'no value');
              return args[i] instanceof LuaString || typeof args[i] === 'number' ? checkString(args, i, call) : vm.tostring(args[i]);
            },
            fail: (i, msg) => call.argError(i, msg),
          }),
        );
      },
    },
    install: (table) => {
      // Strings index the string library through their shared metatable (s:sub(1, 2)).
      const mt = vm.heap.table();
      mt.set(vm.heap.str('__index'), table);
      vm.meta.stringMeta = mt;
    },
  };
};
