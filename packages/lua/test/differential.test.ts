// Differential test on generated programs (seeded): every program's output (or error
// message) must match PUC Lua 5.1 (up to LuaJIT's rounding of exact %.14g ties, see
// isTieRounding), and its bytecode listing must match `luajit -bl`. Both oracles run once
// for the whole batch. DIFF_SEED / DIFF_PROGRAMS override the seed and the count.
import { execFileSync } from 'child_process';
import { seededRandom } from '@tracesim/machine';
import { compileLua, listBytecode } from '../src';
import { runChunk } from './helpers';

const SEED = Number(process.env.DIFF_SEED ?? 0x5eed1234);
const PROGRAMS = Number(process.env.DIFF_PROGRAMS ?? 1000);


class ProgramGenerator {
  private vars: string[] = [];
  private lines: string[] = [];
  private nextVar = 0;
  constructor(private readonly rnd: () => number) {}

  private int(n: number): number {
    return Math.floor(this.rnd() * n);
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }

  private leaf(): string {
    const r = this.rnd();
    if (this.vars.length > 0 && r < 0.45) return this.pick(this.vars);
    // No literal 0: Lua 5.1 folds constant arithmetic to -0 and then merges it with a 0
    // constant (printing 0), where LuaJIT keeps -0; programs stay clear of that quirk.
    if (r < 0.75) return String(this.pick([-1, 1]) * (1 + this.int(20)));
    if (r < 0.85) return String((this.int(33) - 16) / 4);
    if (r < 0.9) return this.pick(['nil', 'true', 'false']);
    if (r < 0.95) return this.pick(['"7"', '"x"', '"2.5"', '""']);
    return `t[${this.int(5)}]`;
  }

  expr(depth: number): string {
    if (depth <= 0 || this.rnd() < 0.25) return this.leaf();
    const a = (): string => this.expr(depth - 1);
    switch (this.int(12)) {
      case 0: case 1: case 2: return `${a()} ${this.pick(['+', '-', '*'])} ${a()}`;
      // A variable on the left keeps / and % out of constant folding (see leaf()).
      case 3: return `(${this.vars.length > 0 ? this.pick(this.vars) : 'f(1)'} + ${a()}) ${this.pick(['/', '%'])} ${this.pick(['3', '-2', '0.5', '7'])}`;
      case 4: return `${a()} ^ ${this.pick(['2', '3', '0'])}`;
      case 5: return `${a()} ${this.pick(['<', '<=', '>', '>=', '==', '~='])} ${a()}`;
      case 6: return `${a()} ${this.pick(['and', 'or'])} ${a()}`;
      case 7: return `${this.pick(['not ', '- ', '#'])}${a()}`;
      case 8: return `(${a()})`;
      case 9: return `${a()} .. ${a()}`;
      case 10: return `f(${a()})`;
      default: return `t[${this.int(4) + 1}]`;
    }
  }

  private statement(depth: number): void {
    const e = (): string => this.expr(3);
    const r = this.int(depth > 0 ? 14 : 10);
    if (r < 2 || this.vars.length === 0) {
      const name = `v${this.nextVar++}`;
      this.lines.push(`local ${name} = ${e()}`);
      this.vars.push(name);
    } else if (r < 4) {
      this.lines.push(`${this.pick(this.vars)}, ${this.pick(this.vars)} = ${e()}, ${e()}`);
    } else if (r < 6) {
      this.lines.push(`print(${e()}, ${e()})`);
    } else if (r < 7 && depth > 0) {
      this.lines.push(`if ${e()} then`);
      this.statement(depth - 1);
      this.lines.push('else');
      this.statement(depth - 1);
      this.lines.push('end');
    } else if (r < 8 && depth > 0) {
      this.lines.push(`for i = ${this.int(3)}, ${this.int(4) + 1} do`);
      this.statement(depth - 1);
      this.lines.push('end');
    } else if (r < 9) {
      this.lines.push(`t[${this.int(5) + 1}] = ${e()}`);
    } else if (r < 10) {
      // Not #t: with holes any border is valid, and Lua 5.1's pick depends on its rehash history.
      this.lines.push(`print(t[1], t[2], t[3], ${e()})`);
    } else if (r < 11) {
      const name = `g${this.nextVar++}`;
      const outer = this.vars;
      this.lines.push(`local function ${name}(p, q)`);
      this.vars = [...outer, 'p', 'q'];
      this.statement(depth - 1);
      this.lines.push(`return ${e()}, q`, 'end');
      this.vars = outer;
      this.lines.push(`print(${name}(${e()}, ${e()}))`);
    } else if (r < 12) {
      this.lines.push('local c = 0', 'while c < 3 do', 'c = c + 1');
      this.statement(depth - 1);
      this.lines.push(`if ${e()} then break end`, 'end', 'print(c)');
    } else if (r < 13) {
      this.lines.push('for k, v in ipairs(t) do');
      this.vars.push('k', 'v');
      this.statement(depth - 1);
      this.vars.splice(-2, 2);
      this.lines.push('end');
    } else {
      const v = this.vars.length > 0 ? this.pick(this.vars) : 't[1]';
      this.lines.push('local fs = {}', 'for i = 1, 3 do', `local w = ${e()}`, `fs[i] = function() ${v} = i return w, ${v} end`, 'end');
      this.lines.push('print(fs[1](), fs[3](), fs[2]())');
    }
  }

  program(): string {
    this.lines = ['local t = {3, "a", 5}', 'local function f(x) return x, 1 end'];
    const n = 3 + this.int(6);
    for (let i = 0; i < n; i++) this.statement(2);
    return this.lines.join('\n') + '\n';
  }
}

function generate(): string[] {
  const rnd = seededRandom(SEED);
  return Array.from({ length: PROGRAMS }, () => new ProgramGenerator(rnd).program());
}

const SEP = '\u0001';

function oracle(tool: string, driver: string, programs: readonly string[]): string[] {
  try {
    return execFileSync(tool, ['-e', driver], { input: programs.join(SEP), encoding: 'latin1', maxBuffer: 1 << 26 }).split(SEP);
  } catch (err) {
    throw new Error(`this test needs ${tool} on PATH: ${(err as Error).message}`);
  }
}

// Runs each program with print redirected into a buffer; errors become "ERR <message>".
const LUA51_DRIVER = `
local src = io.read("*a")
local out = {}
for prog in (src .. "${SEP}"):gmatch("(.-)${SEP}") do
  local buf = {}
  local env = setmetatable({print = function(...)
    local n = select("#", ...)
    local parts = {}
    for i = 1, n do parts[i] = tostring((select(i, ...))) end
    buf[#buf + 1] = table.concat(parts, "\\t") .. "\\n"
  end}, {__index = _G})
  local f, err = loadstring(prog, "=p.lua")
  if f then setfenv(f, env) local ok, e = pcall(f) if not ok then buf[#buf + 1] = "ERR " .. tostring(e) end
  else buf[#buf + 1] = "SYNTAX " .. err end
  out[#out + 1] = table.concat(buf)
end
io.write(table.concat(out, "${SEP}"))
`;

const LUAJIT_DRIVER = `
local bc = require("jit.bc")
local src = io.read("*a")
local out = {}
for prog in (src .. "${SEP}"):gmatch("(.-)${SEP}") do
  local buf = {}
  local sink = {write = function(self, s) buf[#buf + 1] = s end, flush = function() end}
  bc.dump(assert(loadstring(prog, "@p.lua")), sink, true)
  out[#out + 1] = table.concat(buf)
end
io.write(table.concat(out, "${SEP}"))
`;

const programs = generate();

const NUMBER = /-?\d+(?:\.\d+)?(?:e[+-]\d+)?/g;

/**
 * A deliberate difference from lua5.1: an exact tie at the 14th significant digit prints
 * rounded away from zero (LuaJIT's lj_strfmt) where glibc rounds to even. The other one,
 * accepted in sameOutput: a -0 that Lua 5.1 merged into a 0 constant prints as -0.
 */
function isTieRounding(glibc: string, luajit: string): boolean {
  const g = Number(glibc), l = Number(luajit);
  if (!Number.isFinite(g) || !Number.isFinite(l) || Math.sign(g) !== Math.sign(l) || Math.abs(l) <= Math.abs(g)) return false;
  const unit = 10 ** (Math.floor(Math.log10(Math.abs(g))) - 13);
  return Math.abs(Math.abs(l) - Math.abs(g) - unit) < unit * 1e-2;
}

function sameOutput(expected: string, actual: string): boolean {
  if (expected === actual) return true;
  if (expected.replace(NUMBER, '#') !== actual.replace(NUMBER, '#')) return false;
  const e = expected.match(NUMBER) ?? [], a = actual.match(NUMBER) ?? [];
  return e.every((x, i) => x === a[i] || isTieRounding(x, a[i]) || (x === '0' && a[i] === '-0'));
}

test(`${PROGRAMS} generated programs print what lua5.1 prints (seed ${SEED.toString(16)})`, () => {
  const expected = oracle('lua5.1', LUA51_DRIVER, programs);
  const mismatches: string[] = [];
  programs.forEach((src, i) => {
    const { output, error } = runChunk(src, 'p.lua');
    const actual = output + (error === undefined ? '' : `ERR ${error}`);
    if (!sameOutput(expected[i], actual)) mismatches.push(`program ${i} (seed ${SEED.toString(16)}):\n${src}--- lua5.1:\n${expected[i]}\n--- tracesim:\n${actual}`);
  });
  expect(mismatches.slice(0, 3)).toEqual([]);
});

test(`${PROGRAMS} generated programs compile to the bytecode luajit -bl lists (seed ${SEED.toString(16)})`, () => {
  const expected = oracle('luajit', LUAJIT_DRIVER, programs);
  let identical = 0, total = 0;
  const mismatches: string[] = [];
  programs.forEach((src, i) => {
    const want = expected[i].split('\n');
    const got = listBytecode(compileLua(src, 'p.lua')).split('\n');
    for (let l = 0; l < Math.max(want.length, got.length); l++) {
      total++;
      if (want[l] === got[l]) identical++;
      else mismatches.push(`program ${i} line ${l + 1}: luajit ${JSON.stringify(want[l])} tracesim ${JSON.stringify(got[l])}\n${src}`);
    }
  });
  console.log(`bytecode agreement (generated programs): ${identical}/${total} identical lines`);
  expect(mismatches.slice(0, 3)).toEqual([]);
});
