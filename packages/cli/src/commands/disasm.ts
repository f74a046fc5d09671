// `tracesim disasm [--at ADDR] (HEX | --example)`: decodes machine code given as hex bytes
// and prints a listing (address, bytes, Intel-syntax text); undecodable bytes exit 2 with
// the offset.
import type { CommandModule } from 'yargs';
import { decode } from '@tracesim/x86';
import { CommandInputError } from '../failure';
import { listingLine, parseAddress } from './asm';

/** Hex bytes with optional spaces (`48 83 c4 b0` or `4883c4b0`). */
function parseHex(text: string): Uint8Array {
  const digits = text.replace(/\s+/g, '');
  const bad = digits.search(/[^0-9a-f]/i);
  if (bad >= 0) throw new CommandInputError(`'${digits[bad]}' is not a hex digit`, `HEX digit ${bad + 1}`);
  if (digits.length === 0 || digits.length % 2) throw new CommandInputError('give an even, non-zero number of hex digits (two per byte)', 'HEX');
  return Uint8Array.from(digits.match(/../g)!, (pair) => parseInt(pair, 16));
}

/** The built-in example: a few instructions of a LuaJIT trace, as GNU as encodes them. */
const EXAMPLE_HEX = '41c78638f1ffff01000000f2410f1086f888fefff20f2c6a10817a0c0000f9ffc4e3fbf02a2ff20f58f883c501c3';

interface DisasmArgs { hex?: string; at?: string; example?: boolean }

export const disasmCommand: CommandModule<object, DisasmArgs> = {
  command: 'disasm [hex]',
  describe: 'Disassemble x86-64 machine code given as hex bytes',
  builder: (y) => y
    .positional('hex', { type: 'string', describe: "machine code, e.g. '4883c4b0' or '48 83 c4 b0'" })
    .option('at', { type: 'string', describe: 'address of the first byte (default 0)' })
    .option('example', { type: 'boolean', describe: 'disassemble a built-in example' })
    .example("$0 disasm --at 0x1000 '48 83 c4 b0 c3'", '')
    .example('$0 disasm --example', ''),
  handler: (args) => {
    if ((args.hex === undefined) === (args.example !== true)) {
      throw new CommandInputError('give the machine code as HEX or ask for --example (exactly one)', 'usage');
    }
    const address = parseAddress(args.at);
    const bytes = parseHex(String(args.hex ?? EXAMPLE_HEX));
    for (let offset = 0; offset < bytes.length; ) {
      const instr = decode(bytes, offset, address + offset);
      process.stdout.write(listingLine(instr, bytes.subarray(offset, offset + instr.length)) + '\n');
      offset += instr.length;
    }
  },
};
