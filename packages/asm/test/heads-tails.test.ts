// Heads and tails against real LuaJIT listings: for every corpus trace, the head we emit for its
// trace number and rsp drop, placed at the listing's address, must be the same instructions
// (same text after decoding, same lengths as the listing's address gaps); likewise every tail
// `[add rsp, +N;] jmp target` of a trace that leaves by a tail.

import { decodeAll, formatInstruction, parseInstruction } from '@tracesim/x86';
import { DISPATCH_OFFSETS, trapAddress } from '@tracesim/machine';
import { AsmRangeError, BranchRangeError, formatJdumpInstruction, traceHead, traceTail, type CodeSequence } from '../src';
import { allCorpusTraces, headLowering, lineLength, vmstateStoreIndex, type CorpusTrace } from './support/corpus';

/** Our code must equal listing lines [from, from + n): same text (objdump and LuaJIT syntax), same lengths. */
function expectSameAsListing(t: CorpusTrace, from: number, code: CodeSequence): void {
  const ours = decodeAll(code.bytes, code.address);
  const listing = t.mcode.slice(from, from + ours.length);
  expect(listing.length).toBe(ours.length);
  listing.forEach((line, k) => {
    expect(ours[k].address).toBe(line.address);
    expect(ours[k].length).toBe(lineLength(t, from + k));
    expect(formatInstruction(ours[k])).toBe(formatInstruction(parseInstruction(line.text, { address: line.address })));
    expect(formatJdumpInstruction(ours[k])).toBe(line.text);
  });
}

const traces = allCorpusTraces();

describe('heads against the corpus', () => {
  test.each(traces.map((t) => [`${t.file} trace ${t.number}`, t] as const))('%s', (_name, t) => {
    const drop = headLowering(t);
    const from = vmstateStoreIndex(t) - (drop === 0 ? 0 : 1);
    expectSameAsListing(t, from, traceHead(t.number, drop, t.mcode[from].address));
  });
});

/** The tail of a trace: its last line is a `jmp ADDR` (not to an exit or ->LOOP), maybe after `add rsp, +N`. */
function tailOf(t: CorpusTrace): { from: number; spadjust: number; target: number } | undefined {
  const last = t.mcode.length - 1;
  const jmp = /^jmp 0x([0-9a-f]+)$/.exec(t.mcode[last].text);
  if (!jmp || t.mcode[last].exit !== undefined || t.mcode[last].loopBranch) return undefined;
  const add = /^add rsp, \+0x([0-9a-f]+)$/.exec(t.mcode[last - 1].text);
  return { from: add ? last - 1 : last, spadjust: add ? parseInt(add[1], 16) : 0, target: parseInt(jmp[1], 16) };
}

describe('tails against the corpus', () => {
  const withTails = traces.filter((t) => tailOf(t) !== undefined);

  test('the corpus has tails with and without frames, to traces and elsewhere', () => {
    expect(withTails.length).toBeGreaterThan(20);
    expect(withTails.filter((t) => tailOf(t)!.spadjust > 0).length).toBeGreaterThanOrEqual(5);
  });

  test.each(withTails.map((t) => [`${t.file} trace ${t.number}`, t] as const))('%s', (_name, t) => {
    const { from, spadjust, target } = tailOf(t)!;
    const linked = traces.find((u) => u.file === t.file && u.mcode[0].address === target);
    const code = traceTail(spadjust, linked
      ? { kind: 'trace', number: linked.number, address: target }
      : { kind: 'exit_interp', address: target }, t.mcode[from].address);
    expectSameAsListing(t, from, code);
  });

  test('issue1169_num17 trace 5 (down-recursion side trace) jumps to its own head', () => {
    const t = traces.find((u) => u.file === 'issue1169_num17.jdump' && u.number === 5)!;
    const { target } = tailOf(t)!;
    expect(target).toBe(t.mcode[0].address);
    expect(t.stop).toBe('---- TRACE 5 stop -> down-recursion');
  });
});

describe('head and tail details', () => {
  test('the vmstate store writes DISPATCH + vmstate offset', () => {
    const [store] = decodeAll(traceHead(3, 0, 0x1000).bytes, 0x1000);
    expect(store.operands[0]).toMatchObject({ kind: 'mem', base: 14, disp: DISPATCH_OFFSETS.vmstate, width: 32 });
  });

  test('large frames use the imm32 form (81 /0), as GNU as and LuaJIT do for > 0x7f', () => {
    const head = traceHead(2, 0x400, 0x1000);
    expect(Array.from(head.bytes.slice(0, 7))).toEqual([0x48, 0x81, 0xc4, 0x00, 0xfc, 0xff, 0xff]);
    const tail = traceTail(0x400, { kind: 'trace', number: 2, address: 0x1000 }, 0x2000);
    expect(Array.from(tail.bytes.slice(0, 7))).toEqual([0x48, 0x81, 0xc4, 0x00, 0x04, 0x00, 0x00]);
  });

  test('a tail to the interpreter defaults to the exit_interp trap', () => {
    const tail = traceTail(0, { kind: 'exit_interp' }, 0x0010_8000);
    const [jmp] = decodeAll(tail.bytes, 0x0010_8000);
    expect(jmp.operands[0]).toMatchObject({ kind: 'rel', target: trapAddress('exit_interp'), width: 32 });
  });

  test('an unreachable exit_interp is reached through the pointer cell (jmp [rip+x], 6 bytes)', () => {
    const at = 0x5555_0000_1000;
    const slot = 0x5555_0000_0040;
    const tail = traceTail(0x10, { kind: 'exit_interp', pointerSlot: slot }, at);
    const [add, jmp] = decodeAll(tail.bytes, at);
    expect(add.length).toBe(4);
    expect(jmp.mnemonic).toBe('jmp');
    expect(jmp.length).toBe(6);
    const mem = jmp.operands[0];
    expect(mem).toMatchObject({ kind: 'mem', base: 'rip', width: 64 });
    if (mem.kind === 'mem') expect(jmp.address + jmp.length + mem.disp).toBe(slot);
    // In reach, the direct rel32 jump is kept even when a cell exists.
    const near = traceTail(0, { kind: 'exit_interp', pointerSlot: slot }, 0x0010_8000);
    expect(decodeAll(near.bytes, 0x0010_8000)[0].operands[0]).toMatchObject({ kind: 'rel', target: trapAddress('exit_interp') });
  });

  test('bad numbers and unreachable targets are located errors', () => {
    expect(() => traceHead(0, 0, 0)).toThrow(expect.objectContaining({ location: 'trace 0' }));
    expect(() => traceHead(70000, 0, 0)).toThrow(AsmRangeError);
    expect(() => traceHead(1, 0x18, 0)).toThrow(expect.objectContaining({ location: 'trace 1 head' }));
    expect(() => traceTail(-16, { kind: 'exit_interp' }, 0)).toThrow(AsmRangeError);
    expect(() => traceTail(0x10, { kind: 'exit_interp' }, 0x5555_0000_0000)).toThrow(BranchRangeError);
  });
});
