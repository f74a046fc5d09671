// Every corpus program prints byte-identical to its .out (recorded from lua5.1).
import * as fs from 'fs';
import * as path from 'path';
import { CORPUS, runChunk } from './helpers';

const programs = fs.readdirSync(CORPUS).filter((f) => f.endsWith('.lua')).sort();

test('the corpus is present', () => {
  expect(programs.length).toBeGreaterThanOrEqual(17);
});

test.each(programs)('%s prints its .out', (file) => {
  const expected = fs.readFileSync(path.join(CORPUS, file.replace(/\.lua$/, '.out')), 'latin1');
  const { output, error } = runChunk(fs.readFileSync(path.join(CORPUS, file), 'latin1'), file);
  expect(error).toBeUndefined();
  expect(output).toBe(expected);
});
