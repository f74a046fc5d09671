// The -jdump instruction syntax against every mcode line of fixtures/corpus/*.jdump: the line is
// parsed to an instruction (choosing LuaJIT's long form where the listing's address gap says it
// used one) and printed back; the text must equal what LuaJIT printed, for all 2,132 lines.

import { parseInstruction } from '@tracesim/x86';
import { formatJdumpInstruction, formatMcodeLine } from '../src';
import * as fs from 'fs';
import * as path from 'path';
import { CORPUS, corpusFiles } from './support/corpus';
import { allCorpusTraces, lineLength } from './support/corpus';

test('every corpus mcode line prints back as LuaJIT printed it', () => {
  const mismatches: string[] = [];
  let compared = 0;
  for (const t of allCorpusTraces()) {
    t.mcode.forEach((line, k) => {
      const length = lineLength(t, k);
      // A gap that fits neither form holds code the dump does not show (26 lines): use the short form.
      const short = parseInstruction(line.text, { address: line.address });
      const long = parseInstruction(line.text, { address: line.address, long: true });
      const parsed = short.length !== length && long.length === length ? long : short;
      compared++;
      const ours = formatJdumpInstruction(parsed);
      if (ours !== line.text) mismatches.push(`${t.file} trace ${t.number}: ${line.text} | ${ours}`);
    });
  }
  expect(mismatches.slice(0, 30)).toEqual([]);
  expect(compared).toBe(2132);
});

test('whole listing lines, with their ->N, ->LOOP and ->helper notes, print back byte-identical', () => {
  let compared = 0;
  for (const file of corpusFiles()) {
    for (const text of fs.readFileSync(path.join(CORPUS, file), 'utf8').split('\n')) {
      const m = /^([0-9a-f]{8,})  ([^\t]*)(?:\t->(.*))?$/.exec(text);
      if (!m) continue;
      const instr = parseInstruction(m[2], { address: parseInt(m[1], 16) });
      const note = m[3] === undefined ? undefined : /^\d+$/.test(m[3]) ? Number(m[3]) : m[3];
      expect(formatMcodeLine(instr, note)).toBe(text);
      compared++;
    }
  }
  expect(compared).toBe(2158); // every mcode line of the corpus, aborted traces' too
});
