// Snapshot purging (snap_usedef): which registers a snapshot may leave out, worked by hand on
// LuaJIT's bytecode for a small loop (the listing is checked first, so the expectations below
// are about the bytecode they were worked out on).
import { compileLua, listBytecode } from '@tracesim/lua';
import { deadRegisters } from '../src/snap-usedef';

const SOURCE = `local t = {}
local s = 0
for i = 1, 10 do
  local x = i * 2
  local y = x + 1
  s = s + y
end
return s
`;
const main = compileLua(SOURCE, 'loop.lua');

test('the bytecode the expectations are worked out on', () => {
  expect(listBytecode(main).split('\n').slice(1, 12)).toEqual([
    '0001    TNEW     0   0',
    '0002    KSHORT   1   0',
    '0003    KSHORT   2   1',
    '0004    KSHORT   3  10',
    '0005    KSHORT   4   1',
    '0006    FORI     2 => 0011',
    '0007 => MULVN    6   5   0  ; 2',
    '0008    ADDVN    7   6   1  ; 1',
    '0009    ADDVV    1   1   7',
    '0010    FORL     2 => 0007',
    '0011 => RET1     1   2',
  ]);
  expect(main.framesize).toBe(8);
});

test('at the loop body: x and y are stored before they are read; the scan stops at the FORL, above its control slots', () => {
  // i (5) is read first: live. Registers below the FORL's a + 3 are never purged.
  expect(deadRegisters(main, 7, main.framesize, [])).toEqual([6, 7]);
});

test('at the return: everything but the result is dead', () => {
  expect(deadRegisters(main, 11, main.framesize, [])).toEqual([0, 2, 3, 4, 5, 6, 7]);
});

test('a register an open upvalue points at is live', () => {
  expect(deadRegisters(main, 7, main.framesize, [6])).toEqual([7]);
  expect(deadRegisters(main, 11, main.framesize, [0])).toEqual([2, 3, 4, 5, 6, 7]);
});
