// Bad input: syntax errors at file:line:col (lines checked against LuaJIT's parser in one
// batch), features tracesim does not model as `not supported: <feature>` at file:line, runaway
// programs stopped by the instruction budget, runaway recursion as Lua's stack overflow.
import { execFileSync } from 'child_process';
import { LuaBudgetExceeded, LuaInterpreter, LuaRuntimeError, LuaSyntaxError, NotSupportedError, compileLua } from '../src';
import { runChunk } from './helpers';

const SYNTAX_ERRORS = [
  'x = = 1',
  'local a = 1\nif a then\n  print(a)\n',
  'local t = {1, 2\nprint(t)',
  'for i = 1 do end',
  'local function f() return 1 end end',
  'print("unfinished)',
  'x = 1 +',
  'local 5 = 3',
];

function luajitLines(snippets: readonly string[]): number[] {
  const script = 'for s in (io.read("*a") .. "\\0"):gmatch("(.-)%z") do local f, e = loadstring(s, "=bad.lua") print(e and e:match("^bad%.lua:(%d+):") or "ok") end';
  let out: string;
  try {
    out = execFileSync('luajit', ['-e', script], { encoding: 'utf8', input: snippets.join('\0') });
  } catch (err) {
    throw new Error(`this test needs luajit on PATH (Debian package luajit): ${(err as Error).message}`);
  }
  return out.trim().split('\n').map(Number);
}

test('syntax errors carry file:line:col, with the line LuaJIT reports', () => {
  const lines = luajitLines(SYNTAX_ERRORS);
  SYNTAX_ERRORS.forEach((src, i) => {
    let caught: unknown;
    try {
      compileLua(src, 'bad.lua');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(LuaSyntaxError);
    const { location, message } = caught as LuaSyntaxError;
    expect(location).toMatch(/^bad\.lua:\d+:\d+$/);
    expect(Number(location.split(':')[1])).toBe(lines[i]);
    expect(message.length).toBeGreaterThan(0);
  });
});

test.each([
  ['local z = 2i', 'complex numbers (imaginary literals)', 1],
  ['local m = require("nosuch")', 'module nosuch', 1],
  ['\nsetfenv(0, {})', 'setfenv(0, ...): the thread environment', 2],
])('%j is reported as not supported', (src, feature, line) => {
  let caught: unknown;
  try {
    new LuaInterpreter({ output: () => undefined }).run(compileLua(src, 'sub.lua'));
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(NotSupportedError);
  expect((caught as NotSupportedError).location).toBe(`sub.lua:${line}`);
  expect((caught as NotSupportedError).message).toBe(`not supported: ${feature}`);
});

test('nesting too deep for the parser is a syntax error, not a crash', () => {
  const src = `x = ${'('.repeat(20000)}1${')'.repeat(20000)}`;
  expect(() => compileLua(src, 'deep.lua')).toThrow(LuaSyntaxError);
  expect(() => compileLua(src, 'deep.lua')).toThrow('chunk has too many syntax levels');
});

test('a local that shadows a library name is fine', () => {
  expect(runChunk('local io = {write = print}\nio.write("ok")', 'shadow.lua').output).toBe('ok\n');
});

test.each([
  ['while true do end', 'spin.lua:1'],
  ['local n = 0\nrepeat n = n + 1 until false', 'spin.lua:2'],
  ['local function f() return f() end\nf()', 'spin.lua:1'],
])('a runaway program (%j) stops at its budget', (src, location) => {
  const { error } = runChunk(src, 'spin.lua', { maxInstructions: 100000 });
  expect(error).toBe(`${location}: instruction budget of 100000 bytecodes exhausted (runaway program?)`);
  expect(() => compileLua(src, 'spin.lua')).not.toThrow();
});

test('the budget error is a typed LuaBudgetExceeded', () => {
  const vm = new LuaInterpreter({ output: () => undefined, maxInstructions: 1000 });
  expect(() => vm.run(compileLua('while true do end', 'x.lua'))).toThrow(LuaBudgetExceeded);
  expect(vm.executed).toBe(1000);
});

test('runaway recursion reports a stack overflow at the recursive call, as Lua does', () => {
  const { error } = runChunk('local function down(n)\n  return 1 + down(n + 1)\nend\nprint(down(1))', 'deep.lua');
  expect(error).toBe('deep.lua:2: stack overflow');
});

test('runtime errors are typed LuaRuntimeErrors with file:line', () => {
  const vm = new LuaInterpreter({ output: () => undefined });
  expect(() => vm.run(compileLua('local t\n\nprint(t.x)', 'rt.lua'))).toThrow(LuaRuntimeError);
});
