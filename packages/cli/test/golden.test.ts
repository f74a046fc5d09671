// Golden listings: `tracesim replay --listing --on-violation continue` on every example trace
// file must print exactly examples/golden/<name>.txt. Only scripts/update-golden.sh rewrites them.

import { execFileSync, spawnSync } from 'child_process';
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';

const ROOT = join(__dirname, '../../..');
const CLI = join(ROOT, 'packages/cli/bin/tracesim.js');

beforeAll(() => {
  execFileSync('npx', ['tsc', '-b', 'packages/cli'], { cwd: ROOT });
});

const files = [
  ...readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.trace')),
  ...readdirSync(join(ROOT, 'examples/links')).filter((f) => f.endsWith('.trace')).map((f) => `links/${f}`),
];

test.each(files)('examples/%s matches its golden listing', (file) => {
  const run = spawnSync('node', [CLI, 'replay', '--listing', '--on-violation', 'continue', `examples/${file}`], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  expect([0, 1]).toContain(run.status);
  const golden = readFileSync(join(ROOT, 'examples/golden', file.replace('/', '-').replace(/\.trace$/, '.txt')), 'utf8');
  expect(run.stdout).toBe(golden);
});
