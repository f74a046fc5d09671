// The Lua stack in the modelled machine's memory: TValues encoded exactly as
// @tracesim/machine's GC64 helpers say, FR2 frames (function slot at BASE-16, the return PC
// at BASE-8), bytecode at its fixed address, and trace entry/resume at J-variant ops.
import { Memory } from '@tracesim/cpu-sim';
import { ITYPE, REGIONS, gcWords, numberWords, primitiveWords } from '@tracesim/machine';
import { BC, LuaFunction, LuaInterpreter, LuaString, compileLua } from '../src';
import type { InstructionEvent } from '../src';

const words = (vm: LuaInterpreter, addr: number): { lo: number; hi: number } => ({ lo: vm.mem.read32(addr), hi: vm.mem.read32(addr + 4) });

test('a called function sees its frame laid out as in LuaJIT GC64/FR2', () => {
  const src = 'local function f(a, b, c, d)\n  return a\nend\nf(1.5, "s", true)\n';
  const main = compileLua(src, 'fr.lua');
  let checked = false;
  const vm = new LuaInterpreter({ output: () => undefined });
  vm.recorder = (e: InstructionEvent): void => {
    if (e.proto === main || e.pc !== 1) return;
    checked = true;
    const base = e.base;
    expect(base).toBeGreaterThan(REGIONS.luaStack.base);
    expect(base).toBeLessThan(REGIONS.luaStack.base + REGIONS.luaStack.size);
    // Function slot: a func-tagged GC reference to the closure.
    const fn = vm.functionAt(base);
    expect(fn).toBeInstanceOf(LuaFunction);
    expect(words(vm, base - 16)).toEqual(gcWords(ITYPE.func, fn.handle));
    // Frame link: the address of the instruction after the caller's CALL.
    const callPc = [...main.bc].findIndex((ins) => (ins & 0xff) === BC.CALL);
    expect(words(vm, base - 8)).toEqual({ lo: main.bcAddress + 4 * (callPc + 1), hi: 0 });
    // Arguments, and nil for the missing one.
    expect(words(vm, base)).toEqual(numberWords(1.5));
    expect(words(vm, base + 8)).toEqual(gcWords(ITYPE.str, (vm.slot(base, 1) as LuaString).handle));
    expect(words(vm, base + 16)).toEqual(primitiveWords(ITYPE.true));
    expect(words(vm, base + 24)).toEqual(primitiveWords(ITYPE.nil));
  };
  vm.run(main);
  expect(checked).toBe(true);
});

test('bytecode sits at fixed addresses in the bytecode region, mirrored in memory', () => {
  const main = compileLua('local function f() return 1 end\nprint(f())', 'bc.lua');
  const vm = new LuaInterpreter({ output: () => undefined });
  vm.load(main);
  expect(main.bcAddress).toBe(REGIONS.bytecode.base);
  const child = main.children[0];
  expect(child.bcAddress).toBe(REGIONS.bytecode.base + 4 * main.bc.length);
  for (const p of [main, child]) p.bc.forEach((ins, i) => expect(vm.mem.read32(p.bcAddress + 4 * i)).toBe(ins));
});

test('the recorder sees every executed instruction in order with its operands', () => {
  const main = compileLua('local s = 0\nfor i = 1, 3 do s = s + i end', 'rec.lua');
  const ops: string[] = [];
  const vm = new LuaInterpreter({ output: () => undefined });
  vm.recorder = (e) => {
    ops.push(e.op);
  };
  vm.run(main);
  expect(ops).toEqual(['FUNCV', 'KSHORT', 'KSHORT', 'KSHORT', 'KSHORT', 'FORI', 'ADDVV', 'FORL', 'ADDVV', 'FORL', 'ADDVV', 'FORL', 'RET0']);
  expect(vm.executed).toBe(ops.length);
});

test('a J-variant op enters the attached JIT, which decides where the interpreter resumes', () => {
  const main = compileLua('n = 0\nfor i = 1, 100 do n = n + 1 end\nprint(n)', 'j.lua');
  const forl = [...main.bc].findIndex((ins) => (ins & 0xff) === BC.FORL);
  const entries: number[] = [];
  let out = '';
  const vm: LuaInterpreter = new LuaInterpreter({
    output: (t) => (out += t),
    jit: true,
    jitOptions: 'hotloop=5',
    hooks: {
      onHotLoop: (e) => vm.patchInstruction(e.proto, e.pc, (e.proto.bc[e.pc] & ~0xffff00ff) | BC.JFORL | (7 << 16)),
      enterTrace: (entry) => {
        entries.push(entry.traceNo);
        // "Run the trace": finish the loop by hand, then resume after it.
        vm.setSlot(entry.base, 0, 100);
        vm.globals.set(vm.heap.str('n'), 100);
        return { pcAddress: entry.proto.bcAddress + 4 * (entry.pc + 1), base: entry.base };
      },
    },
  });
  vm.run(main);
  expect(entries).toEqual([7]);
  expect(vm.mem.read32(main.bcAddress + 4 * forl) & 0xff).toBe(BC.JFORL);
  expect(out).toBe('100\n');
});

test('resumeAt continues at any pc/base', () => {
  const main = compileLua('local a = 1\nlocal b = 2\nprint(a, b)', 'r.lua');
  const vm = new LuaInterpreter({ output: () => undefined });
  let resumed = false;
  let base = 0;
  vm.recorder = (e) => {
    if (e.pc === 2 && !resumed) {
      resumed = true;
      base = e.base;
      vm.setSlot(e.base, 0, 41);
      vm.resumeAt({ pcAddress: e.proto.bcAddress + 4 * 2, base: e.base });
    }
  };
  vm.run(main);
  // The main chunk is vararg: FUNCV moved its frame above the (no) arguments, as LuaJIT's does.
  expect(base).toBe(REGIONS.luaStack.base + 32);
  expect(vm.slot(base, 0)).toBe(41);
});

test('frames() walks the chain: Lua frames by return PC, pcall and vararg frames by delta, down to the C frame', () => {
  const main = compileLua('local function f(n)\n  if n == 0 then return 0 end\n  return f(n - 1) + 1\nend\nprint(pcall(f, 2))', 'chain.lua');
  const f = main.children[0];
  let chain: ReturnType<LuaInterpreter['frames']> | undefined;
  const vm = new LuaInterpreter({ output: () => undefined });
  vm.recorder = (e) => {
    if (e.proto === f && e.op === 'RET1' && vm.slot(e.base, 0) === 0 && chain === undefined) chain = vm.frames();
  };
  vm.run(main);
  expect(chain!.map((fr) => [fr.kind, fr.fn.proto === f ? 'f' : fr.fn.proto === main ? 'main' : fr.fn.name])).toEqual([
    ['lua', 'f'], ['lua', 'f'], ['pcall', 'f'], ['lua', 'pcall'], ['vararg', 'main'], ['c', 'main'],
  ]);
  // Each Lua link is the address after the CALL in the caller; bases grow inwards.
  const recursiveCall = [...f.bc].findIndex((ins) => (ins & 0xff) === BC.CALL);
  expect(chain![0].link).toBe(f.bcAddress + 4 * (recursiveCall + 1));
  for (let i = 1; i < chain!.length; i++) expect(chain![i].base).toBeLessThan(chain![i - 1].base);
  expect(chain![5].base).toBe(REGIONS.luaStack.base + 16);
});

test('an embedder can supply the memory; a read-only bytecode region is refused with a clear message', () => {
  const shared = new Memory();
  shared.map(REGIONS.bytecode.base, REGIONS.bytecode.size, 'rw', REGIONS.bytecode.name);
  let out = '';
  new LuaInterpreter({ memory: shared, output: (t) => (out += t) }).run(compileLua('print(6 * 7)', 'm.lua'));
  expect(out).toBe('42\n');
  expect(shared.isMapped(REGIONS.luaStack.base)).toBe(true);
  const readOnly = new Memory();
  readOnly.map(REGIONS.bytecode.base, REGIONS.bytecode.size, 'r', REGIONS.bytecode.name);
  expect(() => new LuaInterpreter({ memory: readOnly, output: () => undefined }).run(compileLua('print(1)', 'm.lua'))).toThrow(/mapped read-only/);
});
