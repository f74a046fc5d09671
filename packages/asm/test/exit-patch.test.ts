// Exit patching on real LuaJIT code: each corpus trace's listing is assembled at its own
// addresses; patching exit N must retarget exactly the listing's `jcc/jmp ... ->N` lines after
// the vmstate store (decoded again: same instructions, new target) and leave every other byte
// alone, including the Lua stack check of issue1169_num17 trace 4 (`jb ->0` before the store).

import { decodeAll, parseInstruction } from '@tracesim/x86';
import { AsmError, BranchRangeError, patchExit } from '../src';
import { allCorpusTraces, lineLength, vmstateStoreIndex, type CorpusTrace } from './support/corpus';

const NOP = 0x90;

/** The trace's bytes: each listed instruction at its address, gaps the dump leaves out as nops. */
function assembleListing(t: CorpusTrace): Uint8Array {
  const start = t.mcode[0].address;
  const bytes = new Uint8Array(t.mcodeSize).fill(NOP);
  t.mcode.forEach((line, k) => {
    const length = lineLength(t, k);
    const short = parseInstruction(line.text, { address: line.address });
    const long = parseInstruction(line.text, { address: line.address, long: true });
    bytes.set(short.length !== length && long.length === length ? long.bytes : short.bytes, line.address - start);
  });
  return bytes;
}

/** Where the side trace for `exit` of a trace starting at `start` is placed (below it, as mcode grows down). */
const sideStart = (start: number, exit: number) => start - 0x400 - 0x10 * exit;
const withExits = allCorpusTraces().filter((t) => t.mcode.some((l) => l.exit !== undefined));

describe('patchExit against corpus listings', () => {
  test.each(withExits.map((t) => [`${t.file} trace ${t.number}`, t] as const))('%s', (_name, t) => {
    const start = t.mcode[0].address;
    const store = vmstateStoreIndex(t);
    const exits = [...new Set(t.mcode.filter((l) => l.exit !== undefined).map((l) => l.exit!))];
    for (const exit of exits) {
      const stubLine = t.mcode.find((l) => l.exit === exit)!;
      const stub = parseInt(/0x([0-9a-f]+)$/.exec(stubLine.text)![1], 16);
      const original = assembleListing(t);
      const code = original.slice();
      const patched = patchExit(code, start, stub, sideStart(start, exit), t.number);
      const expected = t.mcode.filter((l, k) => k > store && l.exit === exit).map((l) => l.address);
      expect(patched).toEqual(expected);
      const before = decodeAll(original, start);
      const after = decodeAll(code, start);
      expect(after.length).toBe(before.length);
      after.forEach((ins, k) => {
        if (patched.includes(ins.address)) {
          expect(ins.mnemonic).toBe(before[k].mnemonic);
          expect(ins.operands[0]).toMatchObject({ kind: 'rel', target: sideStart(start, exit) });
        } else {
          expect(code.slice(ins.address - start, ins.address - start + ins.length)).toEqual(original.slice(ins.address - start, ins.address - start + ins.length));
        }
      });
    }
  });

  test('the stack check before the vmstate store keeps exiting through the parent exit', () => {
    const t = allCorpusTraces().find((u) => u.file === 'issue1169_num17.jdump' && u.number === 4)!;
    const check = t.mcode.findIndex((l) => l.text.startsWith('jb '));
    expect(check).toBeLessThan(vmstateStoreIndex(t));
    const code = assembleListing(t);
    const stub = parseInt(/0x([0-9a-f]+)$/.exec(t.mcode[check].text)![1], 16);
    const patched = patchExit(code, t.mcode[0].address, stub, sideStart(t.mcode[0].address, 0), 4);
    expect(patched).not.toContain(t.mcode[check].address);
    expect(patched.length).toBeGreaterThan(0);
  });

  test('a side trace beyond rel32 reach is a BranchRangeError', () => {
    const t = withExits[0];
    const exitLine = t.mcode.find((l, k) => k > vmstateStoreIndex(t) && l.exit !== undefined)!;
    const stub = parseInt(/0x([0-9a-f]+)$/.exec(exitLine.text)![1], 16);
    expect(() => patchExit(assembleListing(t), t.mcode[0].address, stub, 0x1000, t.number)).toThrow(BranchRangeError);
  });

  test('code without a vmstate store is a located AsmError', () => {
    expect(() => patchExit(new Uint8Array([0x90, 0xc3]), 0x1000, 0x2000, 0x3000, 7)).toThrow(expect.objectContaining({ location: 'trace 7' }));
    expect(() => patchExit(new Uint8Array([0x90]), 0x1000, 0x2000, 0x3000, 7)).toThrow(AsmError);
  });
});
