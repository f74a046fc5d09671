// Reading JIT parameters by name: the values lua's JitOptions holds (LuaJIT's defaults, then
// whatever -O set), and a located JitOptionError for a name JIT_PARAMDEF does not have.
import { JitOptionError, JitOptions } from '@tracesim/lua';
import { isJitParamName, jitParam } from '@tracesim/jit';

test('defaults of JIT_PARAMDEF, then -O changes', () => {
  const opts = new JitOptions();
  expect(['hotloop', 'hotexit', 'tryside', 'maxside', 'recunroll', 'callunroll', 'loopunroll', 'minstitch'].map((n) => jitParam(opts.params, n, '-O')))
    .toEqual([56, 10, 4, 100, 2, 3, 15, 0]);
  opts.applyList('hotexit=1,recunroll=1', '-O');
  expect(jitParam(opts.params, 'hotexit', '-O')).toBe(1);
  expect(jitParam(opts.params, 'recunroll', '-O')).toBe(1);
});

test('unknown names are a JitOptionError at the given location', () => {
  expect(isJitParamName('hotloop')).toBe(true);
  expect(isJitParamName('hotloops')).toBe(false);
  const err = (() => { try { jitParam(new JitOptions().params, 'hotloops', 'prog.lua:3:1'); } catch (e) { return e; } })();
  expect(err).toBeInstanceOf(JitOptionError);
  expect(err).toMatchObject({ location: 'prog.lua:3:1', message: "unknown JIT parameter 'hotloops'" });
});
