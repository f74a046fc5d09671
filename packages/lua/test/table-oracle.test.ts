// The table library against the real LuaJIT (seeded): generated table.sort cases (random
// integer arrays with duplicates, strict, non-strict, inconsistent and key-based comparators,
// __lt records, mixed types) and insert/remove/concat sequences go into ONE Lua script, run
// once by `luajit -joff` and once by our interpreter; every case prints one line (errors
// through pcall), compared line by line. TABLE_ORACLE_SEED / TABLE_ORACLE_CASES override the
// seed and the number of cases of each kind.
import { seededRandom } from '@tracesim/machine';
import { runChunk, runLuajit } from './helpers';

const SEED = Number(process.env.TABLE_ORACLE_SEED ?? 0x7ab1e5);
const CASES = Number(process.env.TABLE_ORACLE_CASES ?? 600);
const CHUNK = 'table_oracle.lua';

/** Comparators by name ('' is the default order); each counts its calls. */
const COMPARATORS: Readonly<Record<string, string>> = {
  lt: 'return a < b',
  gt: 'return a > b',
  le: 'return a <= b',
  ge: 'return a >= b',
  mod: 'return a % 7 < b % 7',
  moddesc: 'return a % 5 > b % 5',
  always: 'return true',
  never: 'return false',
  mixed: 'return (a * 7 + b * 3) % 4 < 2',
  errat: "if a == 42 then error('cmp saw ' .. b) end return a < b",
};

const PRELUDE = `
local CMP = {
${Object.entries(COMPARATORS).map(([name, body]) => `  ${name} = function(a, b) ${body} end,`).join('\n')}
}
local function show(t, f)
  local out = {}
  for i = 1, #t do out[i] = f(t[i]) end
  return #t .. ':' .. table.concat(out, ' ')
end
-- One sort case: the array sorted by the named comparator (or the default order).
local function S(id, t, name)
  local calls, cmp = 0, CMP[name]
  local f = cmp and function(a, b) calls = calls + 1 return cmp(a, b) end
  local ok, err = pcall(table.sort, t, f)
  print('sort', id, ok, err, calls, show(t, tostring))
end
-- Records sorted by their key k, by a comparator or by a shared __lt: ties show in the ids.
local LT = {__lt = function(a, b) return a.k < b.k end}
local function K(id, keys, meta)
  local t = {}
  for i, k in ipairs(keys) do t[i] = setmetatable({k = k, id = i}, meta and LT or nil) end
  local ok, err = pcall(table.sort, t, not meta and function(a, b) return a.k < b.k end or nil)
  print('sort', id, ok, err, show(t, function(r) return r.k .. '/' .. r.id end))
end
-- Positions computed from the table's length when the operation runs.
local function P(t, r) return 1 + r % (#t + 1) end
local function R(t, r) return #t > 0 and 1 + r % #t or 1 end
-- One sequence: each operation's pcall results, then the final contents.
local function Q(id, t, ops)
  local out = {}
  local function o(...)
    local parts = {select('#', ...)}
    for i = 1, select('#', ...) do parts[#parts + 1] = tostring((select(i, ...))) end
    out[#out + 1] = table.concat(parts, ',')
  end
  local ok, err = pcall(ops, t, o)
  print('seq', id, ok, err, table.concat(out, ' | '), show(t, tostring))
end
`;

class CaseGenerator {
  constructor(private readonly rnd: () => number) {}

  int(n: number): number {
    return Math.floor(this.rnd() * n);
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }

  /** Integers with duplicates: a small range for many ties, sometimes a wide one. */
  private ints(n: number): number[] {
    const range = this.pick([3, 10, 50, 1000]);
    return Array.from({ length: n }, () => this.int(range) - (range > 10 ? 5 : 0));
  }

  sortCase(id: number): string {
    const n = this.int(61);
    const r = this.rnd();
    if (r < 0.12) return `K(${id}, {${this.ints(n).map((v) => Math.abs(v) % 6).join(', ')}}, ${this.rnd() < 0.5})`;
    const values: string[] = this.ints(n).map(String);
    // Mixed types: the default order must fail as LuaJIT's does.
    if (r < 0.18 && n > 0) values[this.int(n)] = this.pick(['"x"', 'true']);
    const names = ['', ...Object.keys(COMPARATORS)];
    const name = r < 0.18 ? '' : this.pick(names);
    if (name === 'errat' && n > 0) values[this.int(n)] = '42';
    return `S(${id}, {${values.join(', ')}}, '${name}')`;
  }

  private value(): string {
    const r = this.rnd();
    if (r < 0.55) return String(this.int(100));
    if (r < 0.8) return `'s${this.int(20)}'`;
    if (r < 0.95) return String(this.int(40) - 20 + 0.25);
    return 'true';
  }

  private op(): string {
    const v = this.value();
    const r = this.int(100);
    switch (this.int(16)) {
      case 0: case 1: case 2: return `table.insert, t, ${v}`;
      case 3: case 4: return `table.insert, t, P(t, ${r}), ${v}`;
      case 5: return `table.insert, t, ${this.pick([`tostring(P(t, ${r}))`, `P(t, ${r}) + 0.5`, `P(t, ${r}) + 0.99`])}, ${v}`;
      case 6: return this.pick(['table.insert, t', 'table.insert, t, 1, 2, 3', 'table.insert, t, "x", 1', 'table.insert, t, nil, 1']);
      case 7: case 8: return 'table.remove, t';
      case 9: case 10: return `table.remove, t, R(t, ${r})`;
      case 11: return `table.remove, t, ${this.pick(['0', '-1', '#t + 1', '#t + 3', `R(t, ${r}) + 0.5`, `'${1 + (r % 3)}'`, "'x'", '{}'])}`;
      case 12: case 13: {
        const sep = this.pick(["''", "','", "' - '", '1', 'nil']);
        const bounds = this.pick(['', `, ${this.int(5) - 1}`, `, ${this.int(5) - 1}, ${this.int(14) - 1}`, ', nil, #t - 1', `, 2, #t + ${this.int(2)}`]);
        return `table.concat, t, ${sep}${bounds}`;
      }
      case 14: return this.pick(['table.maxn, t', 'table.getn, t']);
      default: return this.pick(['table.concat, t, {}', "table.concat, t, ',', 'x'", 'table.remove, t, nil', 'table.insert, t, #t + 1, false']);
    }
  }

  sequence(id: number): string {
    const init = Array.from({ length: this.int(21) }, () => this.value());
    const ops = Array.from({ length: 3 + this.int(8) }, () => `  o(pcall(${this.op()}))`);
    return `Q(${id}, {${init.join(', ')}}, function(t, o)\n${ops.join('\n')}\nend)`;
  }
}


const gen = new CaseGenerator(seededRandom(SEED));
const cases: string[] = [];
for (let i = 0; i < CASES; i++) cases.push(gen.sortCase(cases.length + 1));
for (let i = 0; i < CASES; i++) cases.push(gen.sequence(cases.length + 1));
const script = `${PRELUDE}\n${cases.join('\n')}\n`;

describe(`table library against luajit -joff (seed ${SEED.toString(16)})`, () => {
  let expected: string[] = [];
  let actual: string[] = [];
  beforeAll(() => {
    expected = runLuajit(script, CHUNK).split('\n');
    const { output, error } = runChunk(script, CHUNK);
    if (error !== undefined) throw new Error(`the generated script failed in tracesim (seed ${SEED.toString(16)}): ${error}`);
    actual = output.split('\n');
  });

  test(`${CASES} sort cases and ${CASES} insert/remove/concat sequences print what luajit prints`, () => {
    expect(expected.length).toBe(2 * CASES + 1);
    const at = expected.findIndex((line, i) => line !== actual[i]);
    if (at < 0) return;
    const id = Number(expected[at].split('\t')[1]);
    throw new Error(
      `case ${id} differs (TABLE_ORACLE_SEED=${SEED}):\n${cases[id - 1]}\n` +
        `--- luajit -joff:\n${expected[at]}\n--- tracesim:\n${actual[at] ?? '(no line)'}`,
    );
  });

  test('the batch exercises every comparator, errors and early exits', () => {
    const sorts = expected.filter((l) => l.startsWith('sort\t'));
    expect(sorts.filter((l) => l.includes('invalid order function for sorting')).length).toBeGreaterThan(10);
    expect(sorts.filter((l) => l.includes('attempt to compare')).length).toBeGreaterThan(10);
    expect(sorts.filter((l) => l.includes('cmp saw')).length).toBeGreaterThan(0);
    const seqs = expected.filter((l) => l.startsWith('seq\t'));
    expect(seqs.filter((l) => l.includes("wrong number of arguments to 'insert'")).length).toBeGreaterThan(10);
    expect(seqs.filter((l) => l.includes("in table for 'concat'")).length).toBeGreaterThan(10);
  });
});
