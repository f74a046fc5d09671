// A seeded generator of Lua programs that stress a tracing JIT: hot loops whose bodies mix
// the constructs where JIT-on and JIT-off results have diverged before — for loops whose
// bounds change sign or turn into strings, slots whose type changes, rotating assignments,
// shared open upvalues, varargs, metamethods, pcall and error values, recursion, strings and
// tables, and 64-bit integer cdata (LuaJIT's ffi). Every program is deterministic; its
// expected output comes from luajit -joff.
// The snippet table drives it: each snippet has a feature tag, optional set-up lines before
// the loop, body lines inside it, and values it adds to the final print.
import { seededRandom } from '@tracesim/machine';

interface Snippet {
  readonly tag: string;
  readonly setup?: string[];
  readonly body: (r: Rng) => string[];
  readonly results?: string[];
}

interface Rng {
  int(n: number): number;
  pick<T>(xs: readonly T[]): T;
}

const SNIPPETS: readonly Snippet[] = [
  {
    tag: 'for-sign',
    body: (r) => [`do local s = (i % ${2 + r.int(3)} == 0) and 1 or -1`, `  for j = s * ${1 + r.int(6)}, -s * ${r.int(5)}, -s * ${1 + r.int(3)} do acc = acc + j * i end end`],
  },
  { tag: 'for-fraction', body: (r) => [`for j = ${r.int(3)}, ${2 + r.int(3)}, ${r.pick(['0.5', '0.25', '1.5'])} do acc = acc + j end`] },
  { tag: 'for-string', body: (r) => [`do local lim = (i % 3 == 0) and tostring(${1 + r.int(6)}) or ${1 + r.int(6)}`, '  for j = 1, lim do acc = acc + j end end'] },
  {
    tag: 'type-change',
    setup: ['local T = { 1, "ab", { 1, 2 }, false, 2.5, "xyz", true }'],
    body: (r) => [
      `do local x = T[(i * ${1 + r.int(4)}) % #T + 1]`,
      '  if type(x) == "number" then acc = acc + x elseif type(x) == "string" then acc = acc + #x',
      '  elseif type(x) == "table" then acc = acc + #x elseif x then acc = acc + 2 else acc = acc + 1 end end',
    ],
  },
  {
    tag: 'rotate',
    setup: ['local ra, rb, rc = 1, "s", {}'],
    body: () => ['ra, rb, rc = rb, rc, ra', 'if type(ra) == "number" then acc = acc + ra elseif type(ra) == "string" then acc = acc + #ra end'],
    results: ['type(ra)'],
  },
  {
    tag: 'upvalue',
    setup: ['local uv = 0', 'local function inc(d) uv = uv + d end', 'local function get() return uv end'],
    body: (r) => [`inc(i % ${2 + r.int(5)})`, 'if get() > 500 then uv = uv - 500 end'],
    results: ['uv'],
  },
  {
    tag: 'closure-in-loop',
    setup: ['local fns = {}'],
    body: () => ['do local c = i', '  fns[i % 4 + 1] = function(d) c = c + d return c end', '  acc = acc + fns[i % 4 + 1](1) end'],
  },
  {
    tag: 'vararg',
    setup: ['local function va(...)', '  local s, n = 0, select("#", ...)', '  for k = 1, n do local v = select(k, ...) if type(v) == "number" then s = s + v end end', '  return s, n, ...', 'end'],
    body: (r) => [`do local s, n, first = va(i, nil, i * ${1 + r.int(3)}${r.pick(['', ', "x"', ', 2, 3'])})`, '  acc = acc + s + n + first end', 'do local t = { va(i) } acc = acc + #t end'],
  },
  {
    tag: 'table',
    setup: ['local tb = {}', 'for k = 1, 17 do tb[k] = 0 end', 'local hs = {}'],
    body: (r) => [`tb[i % 17 + 1] = tb[i % 17 + 1] + i`, 'acc = acc + #tb', `hs["k" .. (i % ${3 + r.int(5)})] = i`, 'acc = acc + (hs.k2 or 0)'],
    results: ['tb[5]'],
  },
  {
    tag: 'metatable',
    setup: [
      'local mt = {}',
      'mt.__add = function(a, b) return (type(a) == "table" and a.v or a) + (type(b) == "table" and b.v or b) end',
      'mt.__lt = function(a, b) return a.v < b.v end',
      'mt.__le = function(a, b) return a.v <= b.v end',
      'mt.__eq = function(a, b) return a.v == b.v end',
      'mt.__call = function(self, x) return x + self.v end',
      'mt.__concat = function(a, b) return "cat" end',
      'mt.__unm = function(a) return -a.v end',
      'local o1, o2 = setmetatable({ v = 1 }, mt), setmetatable({ v = 2 }, mt)',
      'local ix = setmetatable({}, { __index = function(t, k) return k * 2 end })',
    ],
    body: (r) => [
      `acc = acc + (o1 + i) + o2(i) + ix[i % ${5 + r.int(5)}] + (-o1)`,
      'if o1 < o2 then acc = acc + 1 end',
      'if o2 <= o1 then acc = acc + 100 end',
      'if o1 == setmetatable({ v = i % 2 }, mt) then acc = acc + 3 end',
      'acc = acc + #(o1 .. "x")',
      'o1.v = (o1.v + 1) % 7',
    ],
  },
  {
    tag: 'newindex',
    setup: ['local store = {}', 'local px = setmetatable({}, { __newindex = function(t, k, v) rawset(store, k, v * 2) end, __index = store })'],
    body: (r) => [`px[i % ${2 + r.int(6)}] = i`, 'acc = acc + (px[i % 2] or 0) + (rawget(px, 1) or 0)'],
  },
  {
    tag: 'pcall',
    setup: ['local function maybe(x) if x % 3 == 0 then error("e" .. x, 0) end if x % 5 == 0 then error({ code = x }) end return x end'],
    body: () => ['do local ok, e = pcall(maybe, i)', '  if ok then acc = acc + e elseif type(e) == "table" then acc = acc + e.code else acc = acc + #e end end'],
  },
  {
    tag: 'recursion',
    setup: ['local function rec(n) if n <= 0 then return 0 end return n + rec(n - 1) end', 'local function tl(n, a) if n == 0 then return a end return tl(n - 1, a + n) end'],
    body: (r) => [`acc = acc + rec(i % ${3 + r.int(6)}) + tl(i % ${2 + r.int(5)}, 0)`],
  },
  {
    tag: 'string',
    setup: ['local sb = ""'],
    body: (r) => [`sb = sb .. (i % ${7 + r.int(4)})`, 'if #sb > 30 then sb = sb:sub(5) end', 'acc = acc + #string.format("%d:%s", i, sb) + (tonumber(tostring(i)) or 0)', 'if tostring(i) < "5" then acc = acc + 1 end'],
    results: ['sb'],
  },
  {
    tag: 'arith',
    setup: ['local big = 1'],
    body: (r) => [`acc = acc + (i * ${3 + r.int(7)}) % ${2 + r.int(5)} - i / 4 + 2 ^ (i % 4)`, 'big = big * 1.5 if big > 1e300 then big = 1 end', 'acc = acc + ("10" + i % 3) - (-i)'],
    results: ['big'],
  },
  {
    tag: 'multret',
    setup: ['local function mr(x) return x, x * 2, x * 3 end'],
    body: () => ['do local a, b, c = mr(i) acc = acc + a + b + c end', 'do local a, b = (mr(i)) acc = acc + a + (b or 0) end'],
  },
  {
    tag: 'while',
    body: (r) => [`do local k = 0 while k < i % ${3 + r.int(5)} do k = k + 1 end`, '  repeat k = k - 2 until k <= 0 acc = acc + k end'],
  },
  { tag: 'nested-loop', body: (r) => [`for j = 1, i % ${2 + r.int(4)} do for k = j, 3 do acc = acc + k * j end end`] },
  {
    tag: 'pairs',
    setup: ['local pt = { 5, 6, 7, x = 1, y = 2 }'],
    body: () => ['do local s = 0 for k, v in pairs(pt) do s = s + v end for _, v in ipairs(pt) do s = s + v end acc = acc + s end'],
  },
  {
    tag: 'int64',
    setup: ['local ffi = require("ffi")', 'local I64, U64 = ffi.typeof("int64_t"), ffi.typeof("uint64_t")', 'local c64, u64 = ffi.new(I64, 1), ffi.new(U64, 3)'],
    body: (r) => [
      `c64 = c64 * ${r.pick(['3', '-7', '6364136223846793005LL'])} + ${r.pick(['i', 'i * 0.5', '1442695040888963407LL'])}`,
      `if c64 > ${r.pick(['1000000LL', '0', '2^40'])} then c64 = c64 - ${r.pick(['999983', '2^41', 'c64 / 1'])} end`,
      `u64 = u64 * ${3 + r.int(5)} + ffi.cast(U64, i)`,
      'if u64 >= 0x8000000000000000ULL then acc = acc + 1 end',
      `if c64 == i or ffi.new(I64, i - ${r.int(50)}) < 0 then acc = acc + 3 end`,
      `if i % ${3 + r.int(5)} == 0 then c64 = -c64 end`,
    ],
    results: ['tostring(c64)', 'tostring(u64)'],
  },
];

export const STRESS_TAGS: readonly string[] = SNIPPETS.map((s) => s.tag);

export interface StressProgram {
  readonly source: string;
  readonly tags: readonly string[];
}

/** Program `index` of the batch drawn from `seed`. */
export function stressProgram(seed: number, index: number): StressProgram {
  const rand = seededRandom((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const rng: Rng = { int: (n) => Math.floor(rand() * n), pick: (xs) => xs[Math.floor(rand() * xs.length)] };
  const chosen = new Set<Snippet>();
  for (let n = 2 + rng.int(5); n > 0; n--) chosen.add(rng.pick(SNIPPETS));
  const snippets = [...chosen];
  const lines = ['local acc = 0'];
  for (const s of snippets) lines.push(...(s.setup ?? []));
  lines.push(`for i = 1, ${20 + rng.int(100)} do`);
  for (const s of snippets) lines.push(...s.body(rng).map((l) => `  ${l}`));
  lines.push('end');
  const results = ['acc', ...snippets.flatMap((s) => s.results ?? [])];
  lines.push(`print(${results.join(', ')})`);
  return { source: lines.join('\n') + '\n', tags: snippets.map((s) => s.tag) };
}
