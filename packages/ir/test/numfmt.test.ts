// Number spelling against C's printf (python3's % operator uses it), checked in one batch, and
// hex floats against values from the LuaJIT corpus.

import { execFileSync } from 'child_process';
import fc from 'fast-check';
import { formatG, formatHexFloat, parseNumberConstant, formatNumberConstant } from '@tracesim/ir';

function python(script: string, input: string): string {
  try {
    return execFileSync('python3', ['-c', script], { input, encoding: 'utf8' });
  } catch (e) {
    throw new Error(`python3 is needed as the printf oracle for %+.14g and could not run: ${(e as Error).message}`);
  }
}

test('%+.14g matches C printf on 3000 doubles', () => {
  const values = [0, -0, 1, -1, 0.1, 1e15, 1e14, 99999999999999.5, 123456789012345678, 1e-5, 0.0001, 1e300, -1e-300, 2 ** 52 + 2 ** 51, Infinity, -Infinity,
    ...fc.sample(fc.double({ noNaN: true }), { numRuns: 2000, seed: 14 }),
    ...fc.sample(fc.integer({ min: -1e9, max: 1e9 }).map((i) => i / 1000), { numRuns: 1000, seed: 15 })];
  const input = values.map((v) => (Object.is(v, -0) ? '-0.0' : v.toString())).join('\n');
  const expected = python("import sys\nfor l in sys.stdin.read().split():\n    print('%+.14g' % float(l.replace('Infinity','inf')))", input).trim().split('\n');
  expect(values.map((v) => formatG(v))).toEqual(expected);
});

test('%+a of tiny constants as LuaJIT prints them, and back', () => {
  for (const text of ['+0x1.5932e6ea3f5p-1028', '+0x1.574171073f5p-1028', '+0x1.579a5321bf5p-1028']) {
    const v = parseNumberConstant(text)!;
    expect(v).toBeGreaterThan(0);
    expect(formatHexFloat(v)).toBe(text);
    expect(formatNumberConstant(v)).toBe(text);
  }
  expect(formatHexFloat(1)).toBe('+0x1p+0');
});

test('every double survives formatNumberConstant + parse (lossless fallback beyond 14 digits)', () => {
  fc.assert(
    fc.property(fc.double(), (v) => {
      const back = parseNumberConstant(formatNumberConstant(v))!;
      expect(Object.is(back, v) || (Number.isNaN(v) && Number.isNaN(back))).toBe(true);
    }),
    { numRuns: 5000, seed: 99 },
  );
});
