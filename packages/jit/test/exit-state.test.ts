// The exit handler's view of the machine and the snapshot restore, checked against values
// worked out by hand: int homes become the double of their signed low 32 bits, num homes keep
// their 64 bits, tagged values their word, NORESTORE entries are skipped; the exit number is
// lo | hi << 8 from the stub's two sign-extended pushes.
import { Cpu, Memory } from '@tracesim/cpu-sim';
import { luaValueWords, rawWords, SNAP_FLAGS } from '@tracesim/ir';
import { REGIONS, numberWords } from '@tracesim/machine';
import { ExitState, decodeExit } from '@tracesim/jit';
import { restoreExitMap } from '../src/exit-state';
import { LuaStack } from '../src/lua-stack';
import type { ExitSlot } from '@tracesim/asm';

function machine() {
  const memory = new Memory();
  memory.map(REGIONS.cStack.base, REGIONS.cStack.size, 'rw', 'c stack');
  memory.map(REGIONS.luaStack.base, REGIONS.luaStack.size, 'rw', 'lua stack');
  return { memory, cpu: new Cpu(memory) };
}

test('exit number from the two pushes (sign-extended imm8) and T0', () => {
  const { memory } = machine();
  const rsp = REGIONS.cStack.base + 0x800;
  // Exit 0x1f3: the stub pushed 0xf3 (as -13, sign-extended), the group tail pushed 0x01.
  memory.write64(rsp + 8, -13n);
  memory.write64(rsp, 1n);
  expect(decodeExit(memory, rsp)).toEqual({ exit: 0x1f3, t0: rsp + 16 });
});

test('restore: int → double of the signed low 32 bits, num bits kept, spills at T0 + 4*slot, constants, NORESTORE', () => {
  const { memory, cpu } = machine();
  const t0 = REGIONS.cStack.base + 0x800;
  cpu.state.setReg(3, 0x12345678_fffffffbn); // rbx: low 32 bits = -5
  cpu.state.setXmmHalves(5, 0x400921fb54442d18n, 0xdeadn); // xmm5 low = pi
  cpu.state.setReg(9, 0x7ff8_0000_0000_0001n); // r9: a num whose exact bits (a NaN payload) must survive
  memory.write32(t0 + 4 * 3, 0x80000000); // int spill slot 3: -2^31
  memory.write64(t0 + 4 * 6, 0x4045000000000000n); // num spill slot 6: 42
  const tagged = luaValueWords({ kind: 'gc', type: 'str', text: '"x"' });
  const map: ExitSlot[] = [
    { slot: 2, ref: 0x8001, type: 'int', flags: 0, home: { kind: 'reg', reg: 3 } },
    { slot: 3, ref: 0x8002, type: 'num', flags: 0, home: { kind: 'reg', reg: 16 + 5 } },
    { slot: 4, ref: 0x8003, type: 'int', flags: 0, home: { kind: 'spill', slot: 3 } },
    { slot: 5, ref: 0x8004, type: 'num', flags: 0, home: { kind: 'spill', slot: 6 } },
    { slot: 6, ref: 0x7ffe, type: 'str', flags: 0, home: { kind: 'const', words: tagged } },
    { slot: 7, ref: 0x8005, type: 'num', flags: SNAP_FLAGS.NORESTORE, home: { kind: 'reg', reg: 0 } },
    { slot: 8, ref: 0x8006, type: 'num', flags: 0, home: { kind: 'reg', reg: 9 } },
  ];
  const stack = new LuaStack(memory, 32);
  const base = 10;
  const restored = restoreExitMap(new ExitState(cpu, t0), stack, base, map, 'test');
  const expected = [
    [2, numberWords(-5)], [3, numberWords(Math.PI)], [4, numberWords(-(2 ** 31))], [5, numberWords(42)], [6, tagged],
    [8, rawWords(0x7ff8_0000_0000_0001n)],
  ] as const;
  expect(restored).toEqual(expected.map(([slot, words]) => ({ slot, index: base - 2 + slot, words })));
  for (const [slot, words] of expected) expect(stack.read(base - 2 + slot, 'test')).toEqual(words);
  expect(stack.read(base - 2 + 7, 'test')).toEqual({ lo: 0, hi: 0 }); // never written
});
