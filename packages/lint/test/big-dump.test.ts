// A long session: the corpus listings repeated 20 times, renumbered (bench/big-dump.js, which
// `npm run bench` times at a larger size). Every copy must lint as its original does: the same
// frames, and only the #1169 finding of each copy, renumbered with its traces.
import { lintDump } from '@tracesim/lint';
import { corpusDumps, fixture, ISSUE_1169_DUMP } from './support/fixtures';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { bigDump } = require('../bench/big-dump') as { bigDump: (dumps: readonly string[], copies: number) => string };

const COPIES = 20;

test(`${COPIES} copies of the corpus read as one dump lint like their originals`, () => {
  const files = corpusDumps();
  const originals = files.map((f) => lintDump(fixture(f), f));
  const report = lintDump(bigDump(files.map(fixture), COPIES), 'big.jdump');
  const perCopy = originals.reduce((n, r) => n + r.traces.length, 0);
  expect(report.traces).toHaveLength(COPIES * perCopy);
  expect(report.traces.map((t) => t.spadjust)).toEqual(Array.from({ length: COPIES }, () => originals.flatMap((r) => r.traces.map((t) => t.spadjust))).flat());
  const issue = originals[files.indexOf(ISSUE_1169_DUMP)].findings;
  expect(issue).toHaveLength(1);
  expect(report.findings).toHaveLength(COPIES);
  expect(new Set(report.findings.map((f) => `${f.kind} ${f.delta} ${f.explanation.replace(/\d+/g, 'N')}`))).toEqual(
    new Set([`${issue[0].kind} ${issue[0].delta} ${issue[0].explanation.replace(/\d+/g, 'N')}`]));
});
