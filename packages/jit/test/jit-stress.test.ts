// JIT stress: generated programs (support/stress-generator.ts, seeded) print the same with the
// tracing JIT as `luajit -joff` prints them — all programs run through ONE luajit process.
// Each program runs with the interpreter alone and under one JIT configuration, taken in turn
// from default parameters and hotloop=1,hotexit=1, each under the fixed and the luajit-2022
// policy. Under luajit-2022 a host-stack violation of the #1169 kind (a side trace linking to
// itself) is what the monitor is for: it is counted, not compared. A difference fails with the
// seed, the configuration and the program cut down to the lines that still show it.
// Each run takes several seeds (programs are numbered per seed); STRESS_SEEDS (comma-separated,
// hex with 0x) and STRESS_PROGRAMS (per seed) override them.
import { LuaInterpreter, LuaRuntimeError, compileLua } from '@tracesim/lua';
import { JitViolation, TracingJit, type LinkPolicy } from '../src';
import { runLuajit } from '../../lua/test/helpers';
import { STRESS_TAGS, stressProgram } from './support/stress-generator';

const SEEDS = (process.env.STRESS_SEEDS ?? '0x57e55,0x1,0x3,0x4').split(',').map(Number);
const PROGRAMS = Number(process.env.STRESS_PROGRAMS ?? 125);
const SEPARATOR = '=====';

interface Config {
  readonly name: string;
  readonly jit: boolean;
  readonly options?: string;
  readonly policy?: LinkPolicy;
}
const OFF: Config = { name: '--jit off', jit: false };
const JIT_CONFIGS: readonly Config[] = [
  { name: 'default, fixed', jit: true, policy: 'fixed' },
  { name: 'hotloop=1,hotexit=1, fixed', jit: true, options: 'hotloop=1,hotexit=1', policy: 'fixed' },
  { name: 'default, luajit-2022', jit: true, policy: 'luajit-2022' },
  { name: 'hotloop=1,hotexit=1, luajit-2022', jit: true, options: 'hotloop=1,hotexit=1', policy: 'luajit-2022' },
];

type Outcome = { kind: 'output'; text: string } | { kind: 'issue1169' };

function run(source: string, config: Config): Outcome {
  let text = '';
  const jit = config.jit ? new TracingJit({ policy: config.policy }) : undefined;
  const vm = new LuaInterpreter({ output: (t) => (text += t), jit: config.jit, jitOptions: config.options, hooks: jit?.hooks, maxInstructions: 5e7 });
  jit?.attach(vm);
  try {
    vm.run(compileLua(source, 'stress.lua'));
  } catch (e) {
    if (e instanceof JitViolation && config.policy === 'luajit-2022' && /links to itself/.test(e.violation.explanation ?? '')) return { kind: 'issue1169' };
    if (!(e instanceof LuaRuntimeError)) throw e;
    text += `error: ${e.message}\n`;
  }
  return { kind: 'output', text };
}

/** luajit -joff's output of every program, from one process. */
function oracle(sources: readonly string[]): string[] {
  const driver = sources.map((s) => `do local f = assert(loadstring(${longString(s)}, "=stress.lua")) local ok, e = pcall(f) if not ok then print("error: " .. tostring(e):gsub("^stress.lua:%d+: ", "")) end print("${SEPARATOR}") end`).join('\n');
  const out = runLuajit(driver, 'stress_driver.lua').split(`${SEPARATOR}\n`);
  out.pop();
  return out;
}

function longString(s: string): string {
  let eq = '=';
  while (s.includes(`]${eq}]`)) eq += '=';
  return `[${eq}[\n${s}]${eq}]`;
}

/** Drops lines (greedily, one at a time) while the program still differs from the interpreter alone. */
function shrink(source: string, config: Config): string {
  const differs = (src: string): boolean => {
    try {
      compileLua(src, 'stress.lua');
      const off = run(src, OFF);
      const on = run(src, config);
      return on.kind === 'output' && off.kind === 'output' && on.text !== off.text;
    } catch {
      return false;
    }
  };
  let lines = source.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const candidate = [...lines.slice(0, i), ...lines.slice(i + 1)];
    if (differs(candidate.join('\n'))) lines = candidate;
  }
  return lines.join('\n');
}

const seedList = SEEDS.map((seed) => seed.toString(16)).join(', ');
describe(`JIT stress: ${PROGRAMS} generated programs for each of the seeds ${seedList}`, () => {
  const programs = SEEDS.flatMap((seed) => Array.from({ length: PROGRAMS }, (_, i) => ({ seed, index: i, ...stressProgram(seed, i) })));
  const expected = oracle(programs.map((p) => p.source));

  test('every feature of the generator occurs in the batch', () => {
    const seen = new Set(programs.flatMap((p) => p.tags));
    expect(STRESS_TAGS.filter((t) => !seen.has(t))).toEqual([]);
    expect(expected).toHaveLength(programs.length);
  });

  test('JIT off and each JIT configuration print what luajit -joff prints', () => {
    const differences: string[] = [];
    const issue1169 = new Map<string, number>();
    programs.forEach((p, i) => {
      const config = JIT_CONFIGS[p.index % JIT_CONFIGS.length];
      for (const c of [OFF, config]) {
        const got = run(p.source, c);
        if (got.kind === 'issue1169') {
          issue1169.set(c.name, (issue1169.get(c.name) ?? 0) + 1);
          continue;
        }
        if (got.text !== expected[i] && differences.length < 3) {
          const small = c.jit ? shrink(p.source, c) : p.source;
          differences.push(`seed ${p.seed.toString(16)} program ${p.index} [${c.name}] (${p.tags.join(', ')})\n${small}\n--- luajit -joff:\n${expected[i]}--- tracesim:\n${got.text}`);
        }
      }
    });
    if (issue1169.size > 0) console.log(`#1169 violations caught under luajit-2022: ${[...issue1169].map(([k, n]) => `${k} ${n}`).join(', ')}`);
    expect(differences).toEqual([]);
  });
});
