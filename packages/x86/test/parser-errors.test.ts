// The parser's contract for bad input: a ParseError whose location names the line and
// column and whose message says what was expected; and the spellings of LuaJIT's -jdump.
import { assemble, decode, formatInstruction, parseInstruction, ParseError } from '@tracesim/x86';

const BAD_LINES: readonly [text: string, location: string, message: RegExp][] = [
  ['frob rax, rbx', 'line 1 col 1', /unknown mnemonic 'frob'/],
  ['mov rax, [rbx', 'line 1 col 14', /expected '\+', '-' or '\]' but the line ended/],
  ['mov rax, [rbx*3]', 'line 1 col 15', /expected a scale of 1, 2, 4 or 8/],
  ['mov rax rbx', 'line 1 col 9', /expected ',' but found 'rbx'/],
  ['mov rax, @', 'line 1 col 10', /unexpected character '@'/],
  ['add [rax], 1', 'line 1 col 1', /operand size is ambiguous: write byte, word, dword or qword/],
  ['mov ah, spl', 'line 1 col 1', /ah, ch, dh and bh cannot be used with a REX prefix/],
  ['mov eax, rbx', 'line 1 col 1', /'mov' takes .*; these operands fit none/],
  ['add eax, 0x100000000', 'line 1 col 1', /these operands fit none/],
  ['  jmp [rax+rsp*2]', 'line 1 col 3', /rsp cannot be an index register/],
  ['mov eax, dword [rax', 'line 1 col 20', /but the line ended/],
];

test.each(BAD_LINES)('%s → %s', (text, location, message) => {
  let caught: unknown;
  try {
    parseInstruction(text);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ParseError);
  expect((caught as ParseError).location).toBe(location);
  expect((caught as ParseError).message).toMatch(message);
});

test('assemble reports the line and column of the failing statement', () => {
  expect(() => assemble('mov eax, 1\nnop; mov eax, [rbx')).toThrow(expect.objectContaining({ location: 'line 2 col 19' }));
});

// Spellings from the issue and the corpus, with the bytes Intel's manual gives for them.
const LUAJIT_LINES: readonly [text: string, bytes: string, objdump: string][] = [
  ['add rsp, -0x50', '48 83 c4 b0', 'add rsp,0xffffffffffffffb0'],
  ['cmp dword [rdx+0x4], 0xfff90000', '81 7a 04 00 00 f9 ff', 'cmp DWORD PTR [rdx+0x4],0xfff90000'],
  ['rorx rbp, [rdx], 0x2f', 'c4 e3 fb f0 2a 2f', 'rorx rbp,QWORD PTR [rdx],0x2f'],
  ['movsd xmm7, [rdx+0x8]', 'f2 0f 10 7a 08', 'movsd xmm7,QWORD PTR [rdx+0x8]'],
  ['cmp bp, -0x0c', '66 83 fd f4', 'cmp bp,0xfff4'],
  ['add ebp, +0x01', '83 c5 01', 'add ebp,0x1'],
  ['setnz al', '0f 95 c0', 'setne al'],
  ['cmovnbe eax, ecx', '0f 47 c1', 'cmova eax,ecx'],
];

test.each(LUAJIT_LINES)('LuaJIT spelling %s', (text, bytes, objdump) => {
  const instr = parseInstruction(text);
  expect(Array.from(instr.bytes, (b) => b.toString(16).padStart(2, '0')).join(' ')).toBe(bytes);
  expect(formatInstruction(decode(instr.bytes, 0, 0))).toBe(objdump);
});

test('branch targets are absolute: jnb at an address', () => {
  const instr = parseInstruction('jnb 0x5581473f004c', { address: 0x5581473f0000 });
  expect(instr.mnemonic).toBe('jae');
  expect(Array.from(instr.bytes)).toEqual([0x73, 0x4a]);
});
