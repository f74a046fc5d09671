// The string library as LuaJIT 2.1 runs it (lib_string.c). Strings are byte strings: one JS
// char per byte (latin-1). find, match, gmatch and gsub run Lua patterns (strpattern.ts);
// format is format.ts. Integer arguments convert as lj_lib_checkint does (C's int cast).
import { formatString } from '../format';
import { formatNumber } from '../numfmt';
import { LuaTable } from '../table';
import { LuaCdata, LuaFunction, LuaString, typeName } from '../value';
import type { BuiltinCall, LuaValue } from '../value';
import { checkFunction, checkInt, checkNumber, checkString, optInt } from './args';
import type { Library } from './library';
import { Matcher, PATTERN_SPECIALS, PatternError, type Capture } from './strpattern';

/** LUAI_MAXCSTACK: string.byte returns at most this many values. */
const MAX_BYTES = 8000;

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

/** The address tostring shows for an object (%p prints it; nil, booleans and numbers are NULL). */
function address(v: LuaValue): string {
  if (typeof v !== 'object') return 'NULL';
  return `0x${(0x40000000 + v.handle * 0x40).toString(16).padStart(8, '0')}`;
}

export const stringLibrary: Library = (vm) => {
  const str = (s: string): LuaString => vm.heap.str(s);
  const value = (c: Capture): LuaValue => (typeof c === 'number' ? c : str(c));

  /** str_find_aux: string.find (positions, then captures) and string.match (captures). */
  const find = (args: LuaValue[], call: BuiltinCall, positions: boolean): LuaValue[] => {
    const s = checkString(args, 0, call);
    const p = checkString(args, 1, call);
    const init = startOffset(args, s.length, call);
    // A true plain flag, or a pattern without specials, is a plain search (lj_str_find).
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

  /** add_s: a replacement string with %0-%9 and %x for a literal x (a final % reads the C string's NUL). */
  const substitute = (m: Matcher, s: number, e: number, r: string): string => {
    let out = '';
    for (let i = 0; i < r.length; i++) {
      if (r[i] !== '%') {
        out += r[i];
        continue;
      }
      const d = r[++i] ?? '\0';
      if (d < '0' || d > '9') out += d;
      else if (d === '0') out += m.src.slice(s, e);
      else {
        const cap = m.capture(d.charCodeAt(0) - 49, s, e);
        out += typeof cap === 'number' ? formatNumber(cap) : cap;
      }
    }
    return out;
  };

  /** add_value: what the match [s, e) is replaced by; nil and false keep the match. */
  const replacement = (m: Matcher, s: number, e: number, repl: LuaValue, call: BuiltinCall): string => {
    if (repl instanceof LuaString) return substitute(m, s, e, repl.s);
    if (typeof repl === 'number') return substitute(m, s, e, formatNumber(repl));
    const v = repl instanceof LuaTable ? vm.meta.get(repl, value(m.capture(0, s, e))) : call.call(repl, m.captures(s, e, true).map(value))[0];
    if (v === undefined || v === false) return m.src.slice(s, e);
    if (v instanceof LuaString) return v.s;
    if (typeof v === 'number') return formatNumber(v);
    return call.error(str(`invalid replacement value (a ${typeName(v)})`), 1);
  };

  /** The one gsub loop: replaces up to `max` matches, each empty match followed by one kept byte. */
  const gsub = (s: string, p: string, repl: LuaValue, max: number, call: BuiltinCall): LuaValue[] => {
    const anchor = p.startsWith('^');
    const m = new Matcher(s, p);
    let out = '';
    let at = 0;
    let n = 0;
    while (n < max) {
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
  };

  return {
    functions: {
      // LuaJIT defines len in Lua (CHECK_str), so a missing argument reads as nil.
      len: (args, call) => (args.length === 0 ? call.argError(1, 'string expected, got nil') : checkString(args, 0, call).length),
      sub: (args, call) => {
        const s = checkString(args, 0, call);
        const i = Math.max(strIndex(checkInt(args, 1, call), s.length), 1);
        const j = Math.min(strIndex(optInt(args, 2, -1, call), s.length), s.length);
        return str(i <= j ? s.slice(i - 1, j) : '');
      },
      byte: (args, call) => {
        const s = checkString(args, 0, call);
        const start = optInt(args, 1, 1, call);
        const i = Math.max(strIndex(start, s.length), 1);
        const j = Math.min(strIndex(optInt(args, 2, start, call), s.length), s.length);
        if (j - i + 1 > MAX_BYTES) return call.error(str('string slice too long'), 1);
        const out: LuaValue[] = [];
        for (let p = i; p <= j; p++) out.push(s.charCodeAt(p - 1));
        return out;
      },
      char: (args, call) => {
        let s = '';
        for (let i = 0; i < args.length; i++) {
          const c = checkInt(args, i, call);
          if (c < 0 || c > 255) return call.argError(i + 1, 'invalid value');
          s += String.fromCharCode(c);
        }
        return str(s);
      },
      rep: (args, call) => {
        const s = checkString(args, 0, call);
        const n = checkInt(args, 1, call);
        const sep = args[2] === undefined ? '' : checkString(args, 2, call);
        if (n <= 0) return str('');
        // lj_err_mem: "not enough memory" carries no position.
        if (!vm.heap.fitsString(s.length + (n - 1) * (sep.length + s.length))) return call.error(vm.heap.memoryError, 0);
        return str(sep === '' ? s.repeat(n) : Array(n).fill(s).join(sep));
      },
      lower: (args, call) => str(checkString(args, 0, call).replace(/[A-Z]/g, (c) => c.toLowerCase())),
      upper: (args, call) => str(checkString(args, 0, call).replace(/[a-z]/g, (c) => c.toUpperCase())),
      reverse: (args, call) => str(checkString(args, 0, call).split('').reverse().join('')),
      dump: (args, call) => {
        const f = checkFunction(args, 0, call);
        if (f.proto === null) return call.error(str('unable to dump given function'), 1);
        return vm.notSupported('string.dump');
      },
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
        const max = optInt(args, 3, s.length + 1, call);
        const repl = args[2];
        if (!(typeof repl === 'number' || repl instanceof LuaString || repl instanceof LuaTable || repl instanceof LuaFunction)) {
          return call.argError(3, 'string/function/table expected');
        }
        return patternCall(call, () => gsub(s, p, repl, max, call));
      },
      format: (args, call) => {
        const fmt = checkString(args, 0, call);
        const arg = (i: number): LuaValue => (i < args.length ? args[i] : call.argError(i + 1, 'value expected'));
        const number = (i: number): number => {
          arg(i);
          return checkNumber(args, i, call);
        };
        return str(
          formatString(fmt, {
            count: args.length - 1,
            number,
            integer: (i) => {
              const v = arg(i);
              return v instanceof LuaCdata && !v.isCtype ? v.value : number(i);
            },
            // string_fmt_tostring: __tostring is called once; what it returns is shown raw.
            string: (i) => {
              const v = arg(i);
              if (v instanceof LuaString) return v.s;
              const mm = typeof v === 'object' ? vm.meta.lookup(v, '__tostring') : undefined;
              const shown = mm === undefined ? v : call.call(mm, [v])[0];
              return shown instanceof LuaString ? shown.s : vm.rawToString(shown);
            },
            pointer: (i) => address(arg(i)),
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
