// The string library against the real LuaJIT, seeded: generated (subject, pattern) calls of
// find/match/gsub/gmatch — patterns from a grammar of every item (classes, sets, quantifiers,
// anchors, captures, back-references, %b, %f) with some malformed on purpose — and
// string.format calls with random flags, widths, precisions, conversions and values. All go
// into ONE script, run once by `luajit -joff` and once by our interpreter; every call prints
// one line (errors through pcall) and the lines must be equal. STRINGS_ORACLE_SEED overrides
// the seed; a mismatch names the seed and the first differing call.
import { seededRandom } from '@tracesim/machine';
import { runChunk, runLuajit } from './helpers';

const SEED = Number(process.env.STRINGS_ORACLE_SEED ?? 0x5a1e57);
const PATTERN_CASES = 2800;
const FORMAT_CASES = 1200;
const CHUNK = 'strings_oracle.lua';

const rnd = seededRandom(SEED);
const int = (n: number): number => Math.floor(rnd() * n);
const chance = (p: number): boolean => rnd() < p;
const pick = <T,>(xs: readonly T[]): T => xs[int(xs.length)];
const times = (n: number, f: () => string): string => Array.from({ length: n }, f).join('');

/** A Lua string literal: letters, digits and spaces as themselves, every other byte as \ddd. */
const quote = (s: string): string => `"${s.replace(/[^a-zA-Z0-9 ]/g, (c) => `\\${String(c.charCodeAt(0)).padStart(3, '0')}`)}"`;

// ---- patterns -------------------------------------------------------------------------------

const SUBJECT_BYTES = [...'aaabbbcAZ0129  \t\n.,()[]%-^$_=x'].concat(['\0', '\x80', '\xff', '\x7f']);
const LITERALS = [...'abcAZ019 _,=x'];
const CLASSES = [...'acdglpsuwxzACDGLPSUWXZ'];
const ESCAPES = [...'.%()[]-^$?*+'];
const QUANTIFIERS = ['', '', '', '*', '+', '-', '?'];

const subject = (): string => times(int(13), () => pick(SUBJECT_BYTES));

function setBody(): string {
  const element = (): string => {
    switch (int(4)) {
      case 0: return `%${pick([...CLASSES, ...ESCAPES])}`;
      case 1: return `${pick(LITERALS)}-${pick(LITERALS)}`;
      default: return pick([...LITERALS, '.', '(', '^', '$', '\x80']);
    }
  };
  return (chance(0.3) ? '^' : '') + (chance(0.05) ? ']' : '') + times(1 + int(3), element) + (chance(0.05) ? '-' : '');
}

/** One single-character item: a literal, '.', a class, an escape or a set. */
function single(): string {
  switch (int(5)) {
    case 0: return pick(LITERALS);
    case 1: return '.';
    case 2: return `%${pick(CLASSES)}`;
    case 3: return `%${pick(ESCAPES)}`;
    default: return `[${setBody()}]`;
  }
}

function sequence(depth: number): string {
  let p = '';
  for (let n = 1 + int(3); n > 0; n--) {
    const r = rnd();
    if (r < 0.55) p += single() + pick(QUANTIFIERS);
    else if (r < 0.7 && depth < 2) p += `(${sequence(depth + 1)})`;
    else if (r < 0.75) p += '()';
    else if (r < 0.82) p += `%b${pick(['()', '[]', 'ab', 'aa'])}`;
    else if (r < 0.9) p += `%f[${setBody()}]`;
    else p += `%${1 + int(3)}`;
  }
  return p;
}

/** A pattern, now and then anchored, and now and then malformed in one of Lua's ways. */
function pattern(): string {
  let p = (chance(0.15) ? '^' : '') + sequence(0) + (chance(0.1) ? '$' : '');
  if (chance(0.08)) p += pick(['%', '[a', '[^', '(', ')', '%f', '%fa', '%b', '%0', '\0.', '[%']);
  return p;
}

function replacement(): string {
  switch (int(6)) {
    case 0: case 1: return quote(times(int(5), () => pick(['x', '-', '%0', '%1', '%2', '%%', '%a', ' '])) + (chance(0.1) ? '%' : ''));
    case 2: return pick(['7', '2.5', '-0']);
    case 3: return '{a = "A", b = false, ["1"] = 1, [" "] = "_"}';
    case 4: return 'function(...) return select("#", ...) .. ":" .. table.concat({...}, "|") end';
    default: return 'function(a) if a == "a" then return false end return a and #tostring(a) end';
  }
}

function patternCall(): string {
  const s = quote(subject());
  const p = quote(pattern());
  const r = rnd();
  if (r < 0.3) return `string.find(${s}, ${p}, ${pick(['nil', '1', '2', '-3', '0', '20'])}${chance(0.15) ? ', true' : ''})`;
  if (r < 0.55) return `string.match(${s}, ${p}${chance(0.3) ? `, ${pick(['2', '-2', '0'])}` : ''})`;
  if (r < 0.85) return `string.gsub(${s}, ${p}, ${replacement()}${chance(0.3) ? `, ${pick(['0', '1', '2', '-1'])}` : ''})`;
  return `gm(${s}, ${p})`;
}

// ---- format ---------------------------------------------------------------------------------

const EDGES = [0, -0, 1, -1, 0.5, 1.5, 2.5, -2.5, 0.125, 0.375, 3.14159, 1e15, 1e16, 1e-5, 123456789012345, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 63, -(2 ** 63), 1.5 * 2 ** 63, 2 ** 64, 1e20, 5e-324, 2 ** -1022, 1.7976931348623157e308, 0.1, Infinity, -Infinity, NaN];

/** A double: an edge value, a random bit pattern, a short decimal, a binary tie or an integer. */
function double(): number {
  switch (int(5)) {
    case 0: return pick(EDGES);
    case 1: {
      const view = new DataView(new ArrayBuffer(8));
      view.setUint32(0, int(2 ** 32));
      view.setUint32(4, int(2 ** 32));
      const x = view.getFloat64(0);
      return Number.isFinite(x) ? x : 1;
    }
    case 2: return (int(2e6) - 1e6) / 10 ** int(8);
    case 3: return (2 * int(1000) + 1) / 2 ** (1 + int(6)) * (chance(0.5) ? -1 : 1);
    default: return (int(2 ** 32) - 2 ** 31) * 2 ** int(33);
  }
}

function numberLiteral(x: number): string {
  if (Number.isNaN(x)) return '(0/0)';
  if (!Number.isFinite(x)) return x > 0 ? '(1/0)' : '(-1/0)';
  return Object.is(x, -0) ? '(-0)' : `(${String(x)})`;
}

const FLAGS = [...'-+ #0'];

function operand(conv: string): string {
  // %p of an object prints its address: only values without one. Now and then a mistyped operand.
  if (conv === 'p') return pick(['nil', 'true', '1', '0']);
  if (chance(0.02)) return pick(['"x"', 'nil', '"12"', '" 0x10 "', '5LL', ...('sq'.includes(conv) ? [] : ['{}'])]);
  switch (conv) {
    case 'd': case 'i': case 'u': case 'o': case 'x': case 'X':
      return chance(0.08) ? pick(['-1LL', '255ULL', '-9223372036854775807LL', '4294967296LL', '-1ULL']) : numberLiteral(double());
    case 'c': return numberLiteral(chance(0.9) ? int(256) : double());
    case 's': return chance(0.6) ? quote(subject()) : pick([numberLiteral(double()), 'nil', 'true', 'false']);
    case 'q': return chance(0.8) ? quote(subject()) : numberLiteral(double());
    default: return numberLiteral(double());
  }
}

function formatCall(): string {
  let fmt = '';
  const args: string[] = [];
  for (let n = 1 + int(3); n > 0; n--) {
    if (chance(0.3)) fmt += pick(['ab', ' ', '%%', '|', '\n']);
    const conv = chance(0.02) ? pick(['y', 'D', 'C', '%', 'b']) : pick([...'diuoxXcaAeEfFgGsqp', ...'dxfgeas']);
    const flags = times(int(4), () => pick(FLAGS));
    const width = chance(0.5) ? String(int(chance(0.03) ? 1000 : 30)) : '';
    const prec = chance(0.5) ? `.${chance(0.1) ? '' : int(chance(0.3) ? 40 : 18)}` : '';
    fmt += `%${flags}${width}${prec}${conv}`;
    if (!chance(0.01)) args.push(operand(conv));
  }
  return `string.format(${[quote(fmt), ...args].join(', ')})`;
}

// ---- the script -------------------------------------------------------------------------------

const calls = [...Array.from({ length: PATTERN_CASES }, patternCall), ...Array.from({ length: FORMAT_CASES }, formatCall)];

// Strings print with every byte outside printable ASCII as \ddd, numbers with %.17g (NaN unsigned).
const script = `
local function show(...)
  local out = {}
  for i = 1, select('#', ...) do
    local v = select(i, ...)
    if type(v) == 'number' then v = v ~= v and 'nan' or string.format('%.17g', v)
    elseif type(v) == 'string' then v = '"' .. v:gsub('[^ -~]', function(c) return '\\\\' .. c:byte() end) .. '"'
    else v = tostring(v) end
    out[i] = v
  end
  return table.concat(out, ' ')
end
local function gm(s, p)
  local t = {}
  for a, b in string.gmatch(s, p) do
    t[#t + 1] = show(a, b)
    if #t > 20 then break end
  end
  return table.concat(t, ',')
end
${calls.map((c, i) => `print(${i}, show(pcall(function() return ${c} end)))`).join('\n')}
`;

describe(`the string library against luajit -joff (seed ${SEED.toString(16)})`, () => {
  const expected = runLuajit(script, CHUNK).split('\n');
  const { output, error } = runChunk(script, CHUNK);
  const actual = output.split('\n');

  test(`${PATTERN_CASES} pattern calls and ${FORMAT_CASES} format calls print what luajit prints`, () => {
    expect(error).toBeUndefined();
    expect(expected.length).toBe(calls.length + 1);
    const at = expected.findIndex((line, i) => line !== actual[i]);
    if (at >= 0) {
      throw new Error(`first difference (seed ${SEED.toString(16)}), call ${at}: ${calls[at]}\n--- luajit -joff:\n${expected[at]}\n--- tracesim:\n${actual[at] ?? '(no line)'}`);
    }
  });

  test('the generated calls reach matches, misses and every kind of error', () => {
    const lines = expected.slice(0, PATTERN_CASES);
    expect(lines.filter((l) => /\ttrue nil$/.test(l)).length).toBeGreaterThan(100);
    expect(lines.filter((l) => /\ttrue \d+ \d+/.test(l)).length).toBeGreaterThan(100);
    for (const message of ['malformed pattern', 'invalid capture index', 'invalid pattern capture', 'unfinished capture', "missing '[' after '%f' in pattern", 'unbalanced pattern']) {
      expect([message, lines.some((l) => l.includes(message))]).toEqual([message, true]);
    }
    const formats = expected.slice(PATTERN_CASES);
    for (const message of ['invalid option', 'number expected', 'value expected', 'nan', 'inf', '0x']) {
      expect([message, formats.some((l) => l.includes(message))]).toEqual([message, true]);
    }
  });
});
