// The static lint and the dynamic monitor give one verdict: for every corpus program under both
// policies (`tracesim run -jdump=+rsm`, whose exit status is the monitor's) and every example
// trace file (`tracesim replay --listing`), the listing tracesim printed is linted and the two
// verdicts are stated side by side. Both must also match what LuaJIT shows: only the #1169
// shapes drift (the corpus program under luajit-2022, the example files built to).
import { execFileSync, spawnSync } from 'child_process';
import { readdirSync } from 'fs';
import { join } from 'path';
import { lintDump } from '@tracesim/lint';

const ROOT = join(__dirname, '../../..');
const BIN = join(ROOT, 'packages/cli/bin/tracesim.js');
const CORPUS = join(ROOT, 'fixtures/corpus');
const EXAMPLES = join(ROOT, 'examples');

interface Row {
  readonly name: string;
  readonly monitor: 'clean' | 'violation';
  readonly lint: 'clean' | 'finding';
  readonly findings: string;
}

function row(name: string, args: readonly string[]): Row {
  const r = spawnSync('node', [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 << 20 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`${name}: exit ${r.status}: ${r.stderr}`);
  const report = lintDump(r.stdout, name);
  return {
    name, monitor: r.status === 1 ? 'violation' : 'clean', lint: report.findings.length > 0 ? 'finding' : 'clean',
    findings: report.findings.map((f) => `${f.kind} in trace ${f.trace}`).join(', '),
  };
}

const programs = readdirSync(CORPUS).filter((f) => f.endsWith('.lua')).sort();
const traceFiles = [
  ...readdirSync(EXAMPLES).filter((f) => f.endsWith('.trace')).sort(),
  ...readdirSync(join(EXAMPLES, 'links')).filter((f) => f.endsWith('.trace')).sort().map((f) => `links/${f}`),
];
const rows: Row[] = [];

beforeAll(() => {
  execFileSync('npx', ['tsc', '-b', 'packages/cli'], { cwd: ROOT, stdio: 'inherit' });
  for (const policy of ['fixed', 'luajit-2022']) {
    for (const p of programs) rows.push(row(`${p} --policy ${policy}`, ['run', join(CORPUS, p), '-jdump=+rsm', '--policy', policy]));
  }
  for (const f of traceFiles) rows.push(row(f, ['replay', join(EXAMPLES, f), '--listing']));
  // The spilling example drifts once a small register budget makes its parent spill.
  rows.push(row('spilling-parent-drift.trace --regs 2', ['replay', join(EXAMPLES, 'spilling-parent-drift.trace'), '--listing', '--regs', '2']));
});

test('every corpus program under both policies and every example file has a row', () => {
  expect(rows).toHaveLength(2 * programs.length + traceFiles.length + 1);
  expect(programs).toHaveLength(17);
});

test('the monitor and the lint agree on every row (the two verdicts side by side)', () => {
  const table = rows.map((r) => `${r.name.padEnd(44)} monitor ${r.monitor.padEnd(9)} lint ${r.lint.padEnd(7)} ${r.findings}`);
  console.log(['monitor and lint verdicts:', ...table].join('\n'));
  const disagreeing = rows.filter((r) => (r.monitor === 'violation') !== (r.lint === 'finding'));
  expect({ disagreeing: disagreeing.map((r) => r.name), table }).toEqual({ disagreeing: [], table });
});

test('only the #1169 shapes drift, as in LuaJIT', () => {
  expect(rows.filter((r) => r.lint === 'finding').map((r) => r.name).sort()).toEqual([
    'issue1169.trace', 'issue1169_num17.lua --policy luajit-2022', 'spilling-parent-drift.trace --regs 2',
  ]);
  for (const r of rows.filter((x) => x.lint === 'finding')) expect(r.findings).toMatch(/^side-entry in trace \d+$/);
});
