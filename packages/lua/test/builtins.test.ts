// Builtins carry the names LuaJIT's -jv log uses for them ("stitch math.modf"), taken here
// from the recorded corpus logs, so the recorder can report stitches the same way.
import * as fs from 'fs';
import * as path from 'path';
import { LuaFunction, LuaInterpreter, LuaTable } from '../src';
import type { LuaValue } from '../src';
import { CORPUS } from './helpers';

const stitched = new Set<string>();
for (const file of fs.readdirSync(CORPUS).filter((f) => f.endsWith('.jv'))) {
  for (const m of fs.readFileSync(path.join(CORPUS, file), 'utf8').matchAll(/stitch ([a-z.]+)/g)) stitched.add(m[1]);
}

test('the corpus logs name stitched builtins', () => {
  expect(stitched.size).toBeGreaterThan(0);
});

test.each([...stitched].sort())('%s resolves to a builtin named as -jv names it', (dotted) => {
  const vm = new LuaInterpreter({ output: () => undefined });
  let v: LuaValue = vm.globals;
  for (const part of dotted.split('.')) v = (v as LuaTable).get(vm.heap.str(part));
  expect(v).toBeInstanceOf(LuaFunction);
  expect((v as LuaFunction).name).toBe(dotted);
});
