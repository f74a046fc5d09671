// Exit stubs against LuaJIT's layout: the bytes decode (independent decoder) to 32 `push imm8`
// stubs 4 bytes apart whose jumps all reach one tail `push hi8; jmp exit_handler`; walking
// each stub's path pushes exactly its exit number. Stub addresses agree with the exit
// targets of every guard in the real LuaJIT listings.

import { decodeAll, type Instruction } from '@tracesim/x86';
import { trapAddress } from '@tracesim/machine';
import { BranchRangeError, AsmRangeError, exitStubAddress, exitStubGroup } from '../src';
import { allCorpusTraces } from './support/corpus';

const HANDLER = 0x7000_0000;
const BASE = 0x7000_4000;

function pushedByte(ins: Instruction): number {
  expect(ins.mnemonic).toBe('push');
  const op = ins.operands[0];
  if (op.kind !== 'imm') throw new Error('push without immediate');
  expect(ins.length).toBe(2); // push imm8
  return Number(op.value) & 0xff;
}

/** Runs from `address` through pushes and jumps until the exit handler; returns the pushed bytes. */
function walkStub(byAddress: Map<number, Instruction>, address: number): number[] {
  const pushed: number[] = [];
  for (let pc = address, steps = 0; pc !== HANDLER; steps++) {
    if (steps > 100) throw new Error('stub path does not reach the handler');
    const ins = byAddress.get(pc);
    if (!ins) throw new Error(`no instruction at 0x${pc.toString(16)}`);
    if (ins.mnemonic === 'jmp') {
      const op = ins.operands[0];
      if (op.kind !== 'rel') throw new Error('indirect jmp');
      pc = op.target;
    } else {
      pushed.push(pushedByte(ins));
      pc += ins.length;
    }
  }
  return pushed;
}

describe.each([0, 1, 4, 8, 9, 15])('exit stub group %i', (group) => {
  const code = exitStubGroup(group, BASE, HANDLER);
  const decoded = decodeAll(code.bytes, BASE);
  const byAddress = new Map(decoded.map((d) => [d.address, d]));

  test('shape: push/jmp short pairs 4 bytes apart, last push falls into the tail', () => {
    expect(code.bytes.length).toBe(0x7e + 2 + 5);
    expect(code.tailAddress).toBe(BASE + 0x7e);
    for (let i = 0; i < 32; i++) {
      const push = byAddress.get(BASE + 4 * i)!;
      expect(pushedByte(push)).toBe((group * 32 + i) & 0xff);
      if (i < 31) {
        const jmp = byAddress.get(BASE + 4 * i + 2)!;
        expect(jmp.mnemonic).toBe('jmp');
        expect(jmp.length).toBe(2);
        expect(jmp.operands[0]).toMatchObject({ kind: 'rel', target: BASE + 0x7e });
      }
    }
    const tailPush = byAddress.get(BASE + 0x7e)!;
    expect(pushedByte(tailPush)).toBe((group * 32) >> 8);
    const tailJmp = byAddress.get(BASE + 0x80)!;
    expect(tailJmp.length).toBe(5);
    expect(tailJmp.operands[0]).toMatchObject({ kind: 'rel', target: HANDLER });
    expect(decoded.length).toBe(32 + 31 + 2);
  });

  test('every stub pushes its exit number (lo, then hi) and reaches exit_handler', () => {
    for (let i = 0; i < 32; i++) {
      const exit = group * 32 + i;
      // Earlier groups elsewhere in the mcode area; this group at BASE.
      const groups = Array.from({ length: group + 1 }, (_, g) => (g === group ? BASE : BASE - 0x1000 * (g + 1)));
      const address = exitStubAddress(groups, exit);
      expect(address).toBe(BASE + 4 * i);
      expect(walkStub(byAddress, address)).toEqual([exit & 0xff, exit >> 8]);
    }
  });
});

describe('stub addresses against the corpus guards', () => {
  test('every `jcc ... ->N` (N < 32) of a listing targets group0 + 4*N for one group0 per file', () => {
    const group0 = new Map<string, number>();
    let compared = 0;
    for (const t of allCorpusTraces()) {
      for (const line of t.mcode) {
        if (line.exit === undefined || line.exit >= 32) continue;
        const target = parseInt(/0x([0-9a-f]+)$/.exec(line.text)![1], 16);
        if (!group0.has(t.file)) group0.set(t.file, target - 4 * line.exit);
        expect(exitStubAddress([group0.get(t.file)!], line.exit)).toBe(target);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(100);
  });
});

describe('errors', () => {
  test('an exit handler beyond rel32 reach is a located BranchRangeError', () => {
    const far = trapAddress('exit_handler') + 0x1_0000_0000;
    expect(() => exitStubGroup(0, 0x5555_0000_0000, far)).toThrow(BranchRangeError);
    expect(() => exitStubGroup(0, 0x5555_0000_0000, far)).toThrow(expect.objectContaining({ location: 'address 0x555500000080' }));
  });

  test('groups beyond 15 and exits beyond the placed groups are AsmRangeErrors', () => {
    expect(() => exitStubGroup(16, BASE, HANDLER)).toThrow(AsmRangeError);
    expect(() => exitStubAddress([BASE], 32)).toThrow(expect.objectContaining({ location: 'exit 32' }));
    expect(() => exitStubAddress([BASE], -1)).toThrow(AsmRangeError);
  });
});
