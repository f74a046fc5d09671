// The string library (lib_string.c). Strings are byte strings: one JS char per byte (latin-1).
// find, match, gmatch and gsub run Lua patterns (strpattern.ts).
import { formatString } from '../format';
import { formatNumber } from '../numfmt';
import { LuaTable } from '../table';
import { LuaCdata, LuaFunction, LuaString, typeName } from '../value';
import type { BuiltinCall, LuaValue } from '../value';
import { argTypeName, checkInt, checkNumber, checkString, optInt, optNumber } from './args';
import type { Library } from './library';
import { Matcher, PATTERN_SPECIALS, PatternError, type Capture } from './strpattern';

/** The largest string a repetition may build (LuaJIT's LJ_MAX_STR is 2^31; the host's limit is lower). */
const MAX_STRING = 1 << 28;

/** C's (int64_t) cast of a double as x86 does it: out of range (and NaN) is INT64_MIN. */
function toInt64(n: number): bigint {
  if (!(n > -(2 ** 63) - 1025 && n < 2 ** 63)) return -(2n ** 63n);
  return BigInt(Math.trunc(n));
}

/** A pattern error raised as the calling function's own error (luaL_error from the matcher). */
function patternCall<T>(call: BuiltinCall, run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof PatternError) return call.error(call.str(err.message), 1);
    throw err;
  }
}

/** str_find_aux's start: a 1-based init turned into a 0-based offset clamped to [0, len]. */
function startOffset(args: readonly LuaValue[], len: number, call: BuiltinCall): number {
  const init = strIndex(optInt(args, 2, 1, call), len) - 1;
  return init < 0 ? 0 : init > len ? len : init;
}

/** Lua 5.1's string.sub/byte index rules: negative counts from the end. */
function strIndex(pos: number, len: number): number {
  return pos >= 0 ? pos : Math.max(len + pos + 1, 0);
}

export const stringLibrary: Library = (vm) => {
  const str = (s: string): LuaString => vm.heap.str(s);
  const value = (c: Capture): LuaValue => (typeof c === 'number' ? c : str(c));

  /** str_find_aux: string.find (positions, then captures) and string.match (captures). */
  const find = (args: LuaValue[], call: BuiltinCall, positions: boolean): LuaValue[] => {
    const s = checkString(args, 0, call);
    const p = checkString(args, 1, call);
    const init = startOffset(args, s.length, call);
    if (positions && (args[3] !== undefined && args[3] !== false || !PATTERN_SPECIALS.test(p))) {
      const at = s.indexOf(p, init);
      return at < 0 ? [undefined] : [at + 1, at + p.length];
    }
    return patternCall(call, () => {
      const anchor = p.startsWith('^');
      const m = new Matcher(s, p);
      for (let at = init; at <= s.length; at++) {
        const e = m.matchAt(at, anchor ? 1 : 0);
        if (e !== -1) return positions ? [at + 1, e, ...m.captures(at, e, false).map(value)] : m.captures(at, e, true).map(value);
        if (anchor) break;
      }
      return [undefined];
    });
  };

  /** add_value: what one match [s, e) is replaced by. */
  const replacement = (m: Matcher, s: number, e: number, repl: LuaValue, call: BuiltinCall): string => {
    const whole = m.src.slice(s, e);
    let v: LuaValue;
    if (repl instanceof LuaString || typeof repl === 'number') {
      const r = repl instanceof LuaString ? repl.s : formatNumber(repl);
      let out = '';
      for (let i = 0; i < r.length; i++) {
        const c = r[i];
        if (c !== '%') out += c;
        else {
          const d = r[++i];
          if (d === undefined || !/[0-9]/.test(d)) out += d ?? '';
          else if (d === '0') out += whole;
          else {
            const cap = m.capture(d.charCodeAt(0) - 49, s, e);
            out += typeof cap === 'number' ? formatNumber(cap) : cap;
          }
        }
      }
      return out;
    }
    const first = value(m.capture(0, s, e));
    if (repl instanceof LuaTable) v = vm.meta.get(repl, first);
    else v = call.call(repl, m.captures(s, e, true).map(value))[0];
    if (v === undefined || v === false) return whole;
    if (v instanceof LuaString) return v.s;
    if (typeof v === 'number') return formatNumber(v);
    return call.error(str(`invalid replacement value (a ${typeName(v)})`), 1);
  };
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
        const n = checkInt(args, 1, call);
        const sep = args[2] === undefined ? '' : checkString(args, 2, call);
        if (n <= 0) return str('');
        if (n * (s.length + sep.length) > MAX_STRING) return call.error(str('not enough memory'), 1);
        return str(sep === '' ? s.repeat(n) : Array(n).fill(s).join(sep));
      },
      lower: (args, call) => str(checkString(args, 0, call).replace(/[A-Z]/g, (c) => c.toLowerCase())),
      upper: (args, call) => str(checkString(args, 0, call).replace(/[a-z]/g, (c) => c.toUpperCase())),
      reverse: (args, call) => str([...checkString(args, 0, call)].reverse().join('')),
      dump: () => vm.notSupported('string.dump (there is no bytecode dump format)'),
      find: (args, call) => find(args, call, true),
      match: (args, call) => find(args, call, false),
      gmatch: (args, call) => {
        const s = checkString(args, 0, call);
        const p = checkString(args, 1, call);
        let pos = 0;
        // The iterator keeps its own position; a '^' is no anchor here (Lua 5.1's gmatch).
        return vm.heap.builtin('string.gmatch_aux', (_, inner) => patternCall(inner, () => {
          const m = new Matcher(s, p);
          for (let at = pos; at <= s.length; at++) {
            const e = m.matchAt(at, 0);
            if (e === -1) continue;
            pos = e === at ? e + 1 : e;
            return m.captures(at, e, true).map(value);
          }
          pos = s.length + 1;
          return undefined;
        }));
      },
      gsub: (args, call) => {
        const s = checkString(args, 0, call);
        const p = checkString(args, 1, call);
        const repl = args[2];
        if (!(typeof repl === 'number' || repl instanceof LuaString || repl instanceof LuaTable || repl instanceof LuaFunction)) {
          return call.argError(3, `string/function/table expected, got ${argTypeName(args, 2)}`);
        }
        const maxN = args[3] === undefined ? Infinity : checkInt(args, 3, call);
        return patternCall(call, () => {
          const anchor = p.startsWith('^');
          const m = new Matcher(s, p);
          let out = '';
          let at = 0;
          let n = 0;
          while (n < maxN) {
            const e = m.matchAt(at, anchor ? 1 : 0);
            if (e !== -1) {
              n++;
              out += replacement(m, at, e, repl, call);
            }
            if (e !== -1 && e > at) at = e;
            else if (at < s.length) out += s[at++];
            else break;
            if (anchor) break;
          }
          return [str(out + s.slice(at)), n];
        });
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
            integer: (i) => {
              const v = args[i];
              if (v instanceof LuaCdata && !v.isCtype) return BigInt.asIntN(64, v.value);
              return toInt64((i >= args.length ? call.argError(i + 1, 'no value') : checkNumber(args, i, call)));
            },
            invalid: (option) => call.error(str(`invalid option '${option}' to 'format'`), 1),
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
