// `tracesim asm [--at ADDR] (TEXT | -f FILE | --example)`: assembles Intel-syntax
// instructions (separated by `;` or newlines) and prints one line per instruction:
// address, bytes, text.
import { readFileSync } from 'fs';
import type { CommandModule } from 'yargs';
import { assemble, formatInstruction, type Instruction } from '@tracesim/x86';
import { paint } from '../colour';
import { CommandInputError } from '../failure';

/** Parses an `--at` address: hex with 0x, or decimal. */
export function parseAddress(text: string | undefined): number {
  if (text === undefined) return 0;
  const value = /^0x[0-9a-f]+$/i.test(text) || /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value)) throw new CommandInputError(`'${text}' is not an address (write hex as 0x1000 or decimal)`, '--at');
  return value;
}

/** One listing line: address, hex bytes, instruction text. */
export function listingLine(instr: Instruction, bytes: Uint8Array): string {
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
  return `${paint.address(instr.address.toString(16).padStart(12, '0'))}  ${hex.padEnd(33)} ${formatInstruction(instr)}`;
}

/** The built-in example: trace 1 of fixtures/corpus/branch_side.jdump as LuaJIT 2.1 printed it. */
const EXAMPLE_TRACE = {
  address: '0x557704e9ff96',
  text: [
    'mov dword [r14-0xec8], 0x1', 'movsd xmm0, [r14-0x17708]', 'cvttsd2si ebp, [rdx+0x10]',
    'test ebp, 0x1', 'jz 0x557704e90050', 'cmp dword [rdx+0xc], 0xfff90000', 'jnb 0x557704e90054',
    'movsd xmm7, [rdx+0x8]', 'addsd xmm7, xmm0', 'add ebp, +0x01', 'cmp ebp, 0x12c', 'jg 0x557704e90058',
    'test ebp, 0x1', 'jz 0x557704e90060', 'addsd xmm7, xmm0', 'add ebp, +0x01', 'cmp ebp, 0x12c',
    'jle 0x557704e9ffe0', 'jmp 0x557704e90064',
  ].join('\n'),
};

interface AsmArgs { text?: string; file?: string; at?: string; example?: boolean }

export const asmCommand: CommandModule<object, AsmArgs> = {
  command: 'asm [text]',
  describe: 'Assemble Intel-syntax x86-64 (instructions separated by ; or newlines)',
  builder: (y) => y
    .positional('text', { type: 'string', describe: "instructions, e.g. 'mov rax, [r14-0xe10]; add rsp, -0x50'" })
    .option('file', { alias: 'f', type: 'string', describe: 'read the instructions from FILE' })
    .option('at', { type: 'string', describe: 'address of the first instruction (branch targets are absolute; default 0)' })
    .option('example', { type: 'boolean', describe: 'assemble a built-in LuaJIT trace (branch_side.lua, trace 1)' })
    .example("$0 asm 'cmp dword [rdx+0x4], 0xfff90000; jnb 0x4c'", '')
    .example('$0 asm --example', '')
    .example('$0 asm --at 0x5581473f0000 -f trace.s', ''),
  handler: (args) => {
    const sources = [args.text !== undefined, args.file !== undefined, args.example === true].filter(Boolean).length;
    if (sources !== 1) {
      throw new CommandInputError('give the instructions as TEXT, with -f FILE or as --example (exactly one)', 'usage');
    }
    const address = parseAddress(args.at ?? (args.example ? EXAMPLE_TRACE.address : undefined));
    let source = args.text ?? EXAMPLE_TRACE.text;
    if (args.file !== undefined) {
      try {
        source = readFileSync(args.file, 'utf8');
      } catch (err) {
        throw new CommandInputError(`cannot read the file: ${(err as Error).message}`, args.file);
      }
    }
    let result;
    try {
      result = assemble(source, { address });
    } catch (err) {
      const location = (err as { location?: unknown }).location;
      if (args.file !== undefined && typeof location === 'string') throw new CommandInputError((err as Error).message, `${args.file}: ${location}`);
      throw err;
    }
    const lines = result.instructions.map((instr) =>
      listingLine(instr, result.bytes.subarray(instr.address - address, instr.address - address + instr.length)));
    process.stdout.write(lines.map((l) => l + '\n').join(''));
  },
};
