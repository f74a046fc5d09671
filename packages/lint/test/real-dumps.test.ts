// The lint on real LuaJIT output: Debian's -jdump=+rsm of both #1169 reproducers is flagged at
// side trace 5's down-recursion with a drift of trace 4's frame, and every other corpus listing
// is clean. The frame read off each head must equal the one LuaJIT's formula gives for the
// spill slots of the `r` column (two independent readings of one dump).
import { lintDump } from '@tracesim/lint';
import { corpusDumps, fixture, ISSUE_1169_DUMP, LINT_DUMPS } from './support/fixtures';

describe('Debian LuaJIT dumps of the #1169 reproducers', () => {
  test.each([...LINT_DUMPS, ISSUE_1169_DUMP])('%s: one finding, side trace 5 drifting by trace 4\'s frame', (file) => {
    const report = lintDump(fixture(file), file);
    const four = report.traces.find((t) => t.number === 4);
    const five = report.traces.find((t) => t.number === 5);
    expect(five?.parent).toBe(4);
    expect(four?.spadjust).toBeGreaterThan(0);
    expect(four?.spadjust).toBe(four?.spillFrame);
    expect(report.findings).toHaveLength(1);
    const [finding] = report.findings;
    expect(finding).toMatchObject({
      kind: 'side-entry', trace: 5, expectedOffset: -(four?.spadjust as number), actualOffset: 0, delta: four?.spadjust,
      chain: '1 →exit 0→ 4 →exit 0→ 5 → 5',
    });
    expect(finding.instruction).toMatch(/^jmp 0x[0-9a-f]+$/);
    expect(finding.explanation).toContain('links to itself by down-recursion');
    expect(finding.explanation).toContain('#1169');
    expect(finding.location).toMatch(new RegExp(`^${file}:\\d+$`));
  });
});

describe('corpus listings', () => {
  const clean = corpusDumps().filter((f) => f !== ISSUE_1169_DUMP);

  test('there are 16 clean programs besides #1169', () => {
    expect(clean).toHaveLength(16);
  });

  test.each(clean)('%s lints clean', (file) => {
    const report = lintDump(fixture(file), file);
    expect(report.traces.length).toBeGreaterThan(0);
    expect(report.findings).toEqual([]);
  });

  test.each(corpusDumps())('%s: every frame read off the code equals the spill slots\' frame', (file) => {
    for (const t of lintDump(fixture(file), file).traces) {
      expect(t.spadjust).toBeDefined();
      if (t.spillFrame !== undefined) expect({ trace: t.number, frame: t.spadjust }).toEqual({ trace: t.number, frame: t.spillFrame });
    }
  });
});

test('a head build\'s layout (vmstate at [r14-0xed0]) lints the same', () => {
  // Later 2.1 builds put g->vmstate elsewhere relative to DISPATCH (Tarantool's documented listing
  // shows [r14-0xed0]); the lint finds the head's store by its trace number, not its offset.
  for (const file of [...LINT_DUMPS, 'corpus/ipairs_pairs.jdump']) {
    const debian = lintDump(fixture(file), file);
    const head = lintDump(fixture(file).replace(/\[r14-0xec8\]/g, '[r14-0xed0]'), file);
    expect(head.traces.map((t) => [t.number, t.spadjust])).toEqual(debian.traces.map((t) => [t.number, t.spadjust]));
    expect(head.findings.map((f) => [f.kind, f.trace, f.delta])).toEqual(debian.findings.map((f) => [f.kind, f.trace, f.delta]));
  }
});
