// JIT parameters and flags against LuaJIT 2.1's JIT_PARAMDEF/JIT_F_OPT defaults (reference
// §2.1/§2.2), and the `-O` / jit.opt.start item syntax.
import { JIT_PARAMS, JitOptionError, JitOptions, LuaInterpreter, compileLua } from '../src';

test('every JIT_P parameter with its LuaJIT default', () => {
  expect(Object.fromEntries(JIT_PARAMS)).toEqual({
    maxtrace: 1000, maxrecord: 4000, maxirconst: 500, maxside: 100, maxsnap: 500, minstitch: 0,
    hotloop: 56, hotexit: 10, tryside: 4, instunroll: 4, loopunroll: 15, callunroll: 3, recunroll: 2,
    sizemcode: 64, maxmcode: 2048,
  });
});

test('-O3 is the default; levels 0-2 select LuaJIT subsets', () => {
  const o = new JitOptions();
  expect(o.enabledFlags()).toEqual(['fold', 'cse', 'dce', 'fwd', 'dse', 'narrow', 'loop', 'abc', 'sink', 'fuse']);
  o.apply('1', '-O');
  expect(o.enabledFlags()).toEqual(['fold', 'cse', 'dce']);
  o.apply('2', '-O');
  expect(o.enabledFlags()).toEqual(['fold', 'cse', 'dce', 'narrow', 'loop']);
  o.apply('0', '-O');
  expect(o.enabledFlags()).toEqual([]);
});

test('flags +name, -name and noname; params name=value; comma lists', () => {
  const o = new JitOptions();
  expect(o.applyList('hotloop=1,hotexit=2,-fold,nocse,+fma,recunroll=1', '-O')).toEqual(['hotloop', 'hotexit', 'recunroll']);
  expect(o.params.hotloop).toBe(1);
  expect(o.params.hotexit).toBe(2);
  expect(o.params.recunroll).toBe(1);
  expect(o.flags.has('fold')).toBe(false);
  expect(o.flags.has('cse')).toBe(false);
  expect(o.flags.has('fma')).toBe(true);
});

test.each(['hotloop', 'hotloop=x', 'nosuchparam=3', '+nosuchflag', '7', ''.padEnd(3, '=')])('%j is rejected with LuaJIT\'s message', (item) => {
  const o = new JitOptions();
  expect(() => o.apply(item, '-O')).toThrow(JitOptionError);
  expect(() => o.apply(item, '-O')).toThrow(`unknown or malformed optimization flag '${item}'`);
});

test('jit.opt.start, jit.on/off and jit.status from Lua', () => {
  let out = '';
  const vm = new LuaInterpreter({ output: (t) => (out += t), hooks: { onHotLoop: () => undefined } });
  vm.run(compileLua('jit.opt.start("hotloop=3", "-loop", 1)\nprint(jit.status())\njit.on()\nprint((jit.status()))\njit.off()\nprint((jit.status()))\nprint(pcall(jit.opt.start, "bogus"))', 'j.lua'));
  expect(vm.jit.params.hotloop).toBe(3);
  expect(out).toBe("false\tfold\tcse\tdce\ntrue\nfalse\nfalse\tunknown or malformed optimization flag 'bogus'\n");
});
