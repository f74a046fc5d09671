// The conformance suite: small programs whose stdout (and, for errors, the `file:line:`
// message) were recorded from PUC Lua 5.1 by scripts/record-conformance.sh.
import * as fs from 'fs';
import * as path from 'path';
import { CONFORMANCE, runChunk } from './helpers';

const cases = fs.readdirSync(path.join(CONFORMANCE, 'cases')).filter((f) => f.endsWith('.lua')).sort();

test('the suite has at least 150 cases', () => {
  expect(cases.length).toBeGreaterThanOrEqual(150);
});

test.each(cases)('%s', (file) => {
  const name = file.replace(/\.lua$/, '');
  const expected = fs.readFileSync(path.join(CONFORMANCE, 'expected', `${name}.out`), 'latin1');
  const errFile = path.join(CONFORMANCE, 'expected', `${name}.err`);
  const { output, error } = runChunk(fs.readFileSync(path.join(CONFORMANCE, 'cases', file), 'latin1'), file);
  expect(output).toBe(expected);
  if (!fs.existsSync(errFile)) {
    expect(error).toBeUndefined();
    return;
  }
  const expectedError = fs.readFileSync(errFile, 'latin1').trim();
  expect(error).toBeDefined();
  // lua5.1 prints errors raised with level 0 without a position; ours always carry one.
  if (/^[^:]+\.lua:\d+: /.test(expectedError)) expect(error).toBe(expectedError);
  else expect(error!.endsWith(`: ${expectedError}`)).toBe(true);
});
