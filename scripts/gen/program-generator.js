// A seeded generator of Lua programs shaped to exercise a tracing JIT's recorder: each program
// sets some jit.opt.start parameters, then runs one to three blocks (nested numeric loops,
// branches hot at different rates, generic loops, calls, up-, down- and tail-recursion,
// stitching builtins, table and string work, type changes). Every block is deterministic and
// prints its result. A program's first line names its seed, its second the features it uses.
const fc = require('fast-check');

const small = (min, max) => fc.integer({ min, max });

/** Each block: a feature name and an arbitrary of its code, wrapped in its own function `f`. */
const BLOCKS = {
  'nested-loop': fc.record({ outer: small(2, 40), inner: small(20, 200), k: small(1, 9) }).map(({ outer, inner, k }) => `
  local s = 0
  for i = 1, ${outer} do
    for j = 1, ${inner} do s = s + (i * j) % ${k + 1} end
  end
  print(s)`),
  'branch-rate': fc.record({ n: small(100, 600), every: small(2, 60), other: small(2, 9) }).map(({ n, every, other }) => `
  local a, b = 0, 0
  for i = 1, ${n} do
    if i % ${every} == 0 then a = a + i else b = b + ${other} end
  end
  print(a, b)`),
  'while-loop': fc.record({ start: small(7, 99), steps: small(50, 400) }).map(({ start, steps }) => `
  local x, n = ${start}, 0
  while n < ${steps} do
    if x % 2 == 0 then x = x / 2 else x = 3 * x + 1 end
    n = n + 1
  end
  print(x, n)`),
  'generic-loop': fc.record({ size: small(10, 80), rounds: small(3, 30), pairs: fc.boolean() }).map(({ size, rounds, pairs }) => `
  local t = {}
  for i = 1, ${size} do t[i] = i * 3 end
  local s = 0
  for r = 1, ${rounds} do
    for _, v in ${pairs ? 'pairs' : 'ipairs'}(t) do s = s + v end
  end
  print(s)`),
  call: fc.record({ n: small(60, 500), mul: small(2, 7) }).map(({ n, mul }) => `
  local function g(x) return x * ${mul} + 1 end
  local s = 0
  for i = 1, ${n} do s = (s + g(i)) % 100003 end
  print(s)`),
  'up-recursion': fc.record({ n: small(12, 20), reps: small(1, 4) }).map(({ n, reps }) => `
  local function fib(k) if k < 2 then return k end return fib(k - 1) + fib(k - 2) end
  local s = 0
  for i = 1, ${reps} do s = s + fib(${n}) end
  print(s)`),
  'down-recursion': fc.record({ depth: small(30, 150), reps: small(5, 30) }).map(({ depth, reps }) => `
  local function depth(k) if k == 0 then return 0 end return depth(k - 1) + 1 end
  local s = 0
  for i = 1, ${reps} do s = s + depth(${depth}) end
  print(s)`),
  'tail-recursion': fc.record({ n: small(100, 900), reps: small(1, 5) }).map(({ n, reps }) => `
  local function sum(k, acc) if k == 0 then return acc end return sum(k - 1, acc + k) end
  local s = 0
  for i = 1, ${reps} do s = s + sum(${n}, 0) end
  print(s)`),
  stitch: fc.record({ n: small(60, 300), fn: fc.constantFrom('tostring(i)', 'string.format("%d", i)', 'math.modf(i / 3)', 'string.rep("a", i % 5)') }).map(({ n, fn }) => `
  local c = 0
  for i = 1, ${n} do
    local v = ${fn}
    if type(v) == "string" then c = c + #v else c = c + v end
  end
  print(c)`),
  table: fc.record({ n: small(60, 400), hash: fc.boolean() }).map(({ n, hash }) => `
  local t = {}
  for i = 1, ${n} do t[${hash ? '"k" .. (i % 17)' : 'i'}] = i end
  local s = 0
  for i = 1, ${n} do s = s + (t[${hash ? '"k" .. (i % 17)' : 'i'}] or 0) end
  print(s)`),
  string: fc.record({ n: small(60, 300), piece: fc.constantFrom('"x"', '"ab"', 'i % 10') }).map(({ n, piece }) => `
  local s = ""
  for i = 1, ${n} do s = s .. ${piece} end
  print(#s)`),
  'type-change': fc.record({ n: small(100, 500), every: small(20, 120) }).map(({ n, every }) => `
  local acc, v = 0, 0
  for i = 1, ${n} do
    if i % ${every} == 0 then v = "s" .. i else v = i end
    if type(v) == "number" then acc = acc + v else acc = acc + #v end
  end
  print(acc)`),
};

const JIT_SETTINGS = fc.record({
  hotloop: fc.option(fc.constantFrom(1, 2, 5, 10, 30), { nil: undefined, freq: 2 }),
  hotexit: fc.option(fc.constantFrom(1, 2, 4, 10), { nil: undefined, freq: 2 }),
  maxside: fc.option(fc.constantFrom(1, 2, 10), { nil: undefined, freq: 4 }),
  tryside: fc.option(fc.constantFrom(1, 2, 4), { nil: undefined, freq: 4 }),
  recunroll: fc.option(fc.constantFrom(0, 1, 2, 5), { nil: undefined, freq: 4 }),
});

/** One program as `{ features, text }` (the seed line is added by `generatePrograms`). */
const program = fc.record({
  settings: fc.oneof(fc.constant({}), JIT_SETTINGS),
  blocks: fc.array(fc.constantFrom(...Object.keys(BLOCKS)), { minLength: 1, maxLength: 3 })
    .chain((names) => fc.tuple(...names.map((name) => BLOCKS[name].map((code) => ({ name, code }))))),
}).map(({ settings, blocks }) => {
  const opts = Object.entries(settings).filter(([, v]) => v !== undefined).map(([k, v]) => `"${k}=${v}"`);
  const features = [...new Set(blocks.map((b) => b.name)), ...(opts.length ? ['jit-opt'] : [])];
  const body = blocks.map((b, i) => `local function block${i + 1}()${b.code}\nend\nblock${i + 1}()\n`).join('');
  return { features, text: `${opts.length ? `jit.opt.start(${opts.join(', ')})\n` : ''}${body}` };
});

/** `count` programs from `seed`, each with its own seed (seed + index) in its header. */
function generatePrograms(seed, count) {
  return Array.from({ length: count }, (_, i) => {
    const [p] = fc.sample(program, { seed: seed + i, numRuns: 1 });
    return { seed: seed + i, features: p.features, text: `-- generated by scripts/gen/program-generator.js, seed ${seed + i}\n-- features: ${p.features.join(' ')}\n${p.text}` };
  });
}

module.exports = { generatePrograms, FEATURES: [...Object.keys(BLOCKS), 'jit-opt'] };
