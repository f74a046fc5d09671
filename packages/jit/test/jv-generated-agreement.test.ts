// -jv agreement on programs nobody tuned for (issue 17): fixtures/generated holds programs from
// the seeded generator (scripts/gen/program-generator.js) with Debian's `luajit -jv` logs and
// `luajit -joff` output, recorded by scripts/gen/record-generated.js. Each runs under
// --policy luajit-2022 (Debian's rules); its -jv lines are compared with compareJvLogs and its
// output with LuaJIT's. The breakdown counts differing programs by the features they use and
// by the first field that differs. The floor only ever goes up.
import * as fs from 'fs';
import * as path from 'path';
import { compareJvLogs, parseJvLog } from '../src';
import { runWithJit } from './support/run-with-jit';

const DIR = path.join(__dirname, '../../../fixtures/generated');
const programs = fs.readdirSync(DIR).filter((f) => f.endsWith('.lua')).sort();
/** Programs whose whole -jv log must equal Debian's: the figure measured when it was recorded. */
const FLOOR = 311;

function featuresOf(source: string): string[] {
  return /^-- features: (.*)$/m.exec(source)?.[1].split(' ') ?? [];
}

test(`${programs.length} generated programs: output equals luajit -joff, -jv lines equal Debian's (floor ${FLOOR})`, () => {
  expect(programs.length).toBeGreaterThanOrEqual(300);
  let identical = 0;
  const outputDiffers: string[] = [];
  const byFeature = new Map<string, [number, number]>();
  const byField = new Map<string, number>();
  for (const file of programs) {
    const name = file.replace(/\.lua$/, '');
    const source = fs.readFileSync(path.join(DIR, file), 'latin1');
    const lines: string[] = [];
    const { output } = runWithJit(path.join(DIR, file), { policy: 'luajit-2022', log: (l) => lines.push(l) });
    if (output !== fs.readFileSync(path.join(DIR, `${name}.out`), 'latin1')) outputDiffers.push(name);
    const expected = parseJvLog(fs.readFileSync(path.join(DIR, `${name}.jv`), 'latin1'), `${name}.jv`).traces.map((t) => t.entry);
    const actual = parseJvLog(lines.map((l) => l + '\n').join(''), 'tracesim').traces.map((t) => t.entry);
    const { rows, summary } = compareJvLogs(expected, actual);
    if (summary.identical) identical++;
    for (const feature of featuresOf(source)) {
      const [n, bad] = byFeature.get(feature) ?? [0, 0];
      byFeature.set(feature, [n + 1, bad + (summary.identical ? 0 : 1)]);
    }
    const first = rows.find((r) => r.status !== 'agree');
    if (first) {
      const why = first.status === 'differ' ? first.fields.join('+') : first.status;
      byField.set(why, (byField.get(why) ?? 0) + 1);
    }
  }
  const features = [...byFeature].sort().map(([f, [n, bad]]) => `  ${f.padEnd(15)} ${String(n - bad).padStart(3)}/${n} identical`);
  const fields = [...byField].sort((a, b) => b[1] - a[1]).map(([f, n]) => `  ${f.padEnd(15)} ${n}`);
  console.log(`-jv agreement on generated programs: ${identical}/${programs.length} identical (${((100 * identical) / programs.length).toFixed(1)}%)\nby feature:\n${features.join('\n')}\nfirst difference:\n${fields.join('\n')}`);
  expect(outputDiffers).toEqual([]);
  expect(identical).toBeGreaterThanOrEqual(FLOOR);
});
