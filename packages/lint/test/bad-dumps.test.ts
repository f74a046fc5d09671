// Dumps the lint cannot check get a DumpInputError located at `file:line[:col]`: cut in the middle
// of an mcode section, a garbled mcode line, a section with no start line, an unknown link kind,
// or nothing to check at all. Text around the traces (the program's own output) is skipped.
import { DumpInputError, lintDump } from '@tracesim/lint';
import { fixture } from './support/fixtures';

const REAL = fixture('corpus/loop_sum.jdump');
const lines = REAL.split('\n');
const mcodeHeader = lines.findIndex((l) => /^---- TRACE 1 mcode/.test(l));

function failure(text: string): DumpInputError {
  try {
    lintDump(text, 'bad.jdump');
  } catch (err) {
    if (err instanceof DumpInputError) return err;
    throw err;
  }
  throw new Error('the dump was accepted');
}

test('a dump cut inside an mcode section names the trace and the last line', () => {
  const cut = lines.slice(0, mcodeHeader + 4).join('\n');
  const err = failure(cut);
  expect(err.location).toBe(`bad.jdump:${mcodeHeader + 4}`);
  expect(err.message).toContain("trace 1's mcode");
  expect(err.message).toContain('truncated');
});

test('a garbled mcode line is located at its line', () => {
  const garbled = [...lines];
  garbled[mcodeHeader + 2] = 'zz?? not an instruction';
  const err = failure(garbled.join('\n'));
  expect(err.location).toBe(`bad.jdump:${mcodeHeader + 3}:1`);
  expect(err.message).toContain('expected an mcode line');
});

test('a section with no start line before it', () => {
  const orphan = lines.filter((l) => !/^---- TRACE 1 start/.test(l)).join('\n');
  expect(failure(orphan).message).toContain('no `---- TRACE 1 start` line');
});

test('an unknown link kind on a stop line is located at its column', () => {
  const wrong = REAL.replace(/^---- TRACE 1 stop -> \S+$/m, '---- TRACE 1 stop -> sideways');
  const err = failure(wrong);
  expect(err.location).toMatch(/^bad\.jdump:\d+:\d+$/);
  expect(err.message).toContain('unknown link kind `sideways`');
});

test('a dump without mcode says how to record one', () => {
  const noMcode = fixture('corpus/loop_sum.jv');
  const err = failure(noMcode);
  expect(err.location).toBe('bad.jdump');
  expect(err.message).toContain('-jdump=+rsm');
  expect(failure('').message).toContain('no mcode sections');
});

test('program output and CRLF line ends around the traces change nothing', () => {
  const noisy = ['hello from the program', ...lines.map((l) => l + '\r'), '42', 'done'].join('\n');
  const plain = lintDump(REAL, 'a.jdump');
  const report = lintDump(noisy, 'a.jdump');
  expect(report.traces).toEqual(plain.traces);
});

test('random bytes never escape as anything but a DumpInputError or a report', () => {
  let seed = 0x1169;
  const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
  for (let n = 0; n < 300; n++) {
    const copy = [...lines];
    for (let k = 0; k < 3; k++) {
      const i = next() % copy.length;
      const line = copy[i];
      const at = next() % (line.length + 1);
      copy[i] = line.slice(0, at) + String.fromCharCode(32 + (next() % 95)) + line.slice(at + 1);
    }
    try {
      lintDump(copy.join('\n'), 'fuzz.jdump');
    } catch (err) {
      if (!(err instanceof DumpInputError)) throw new Error(`seed 0x1169 case ${n}: ${String(err)}`);
    }
  }
});
