// `tracesim exec --hex HEX [--reg NAME=VALUE ...] [--xmm N=HEX ...] [--mem-reg REG]
// [--mem HEX] [--steps N] [--json]`: runs a machine-code snippet on the CPU model with a
// scratch buffer and a small stack and prints the final GPRs, flags, xmm registers and
// buffer. A fault prints (with a `fault` field in JSON) and exits 1; bad options exit 2.
import type { CommandModule } from 'yargs';
import { GPR64_NAMES, registerByName } from '@tracesim/x86';
import { ARITHMETIC_FLAGS, SANDBOX, runSnippet, snippetJson, type SnippetResult } from '@tracesim/cpu-sim';
import { paint } from '../colour';
import { CommandInputError } from '../failure';
import { wholeNumber } from '../number-option';

interface ExecArgs {
  hex: string;
  reg?: string[];
  xmm?: string[];
  'mem-reg': string;
  mem?: string;
  steps: number;
  json?: boolean;
}

function parseBytes(text: string, option: string): Uint8Array {
  const digits = text.replace(/\s+/g, '');
  if (!/^([0-9a-f]{2})+$/i.test(digits)) throw new CommandInputError('give an even, non-zero number of hex digits (two per byte)', option);
  return Uint8Array.from(digits.match(/../g)!, (pair) => parseInt(pair, 16));
}

function parseValue(text: string, bits: number, option: string): bigint {
  let value: bigint;
  try {
    value = BigInt(text.startsWith('-') ? text : text.replace(/^(?!0x)/i, ''));
  } catch {
    throw new CommandInputError(`'${text}' is not a number (write hex as 0x1f or decimal)`, option);
  }
  if (value < -(1n << BigInt(bits - 1)) || value >= 1n << BigInt(bits)) throw new CommandInputError(`'${text}' does not fit in ${bits} bits`, option);
  return BigInt.asUintN(bits, value);
}

function splitAssignment(text: string, option: string): [string, string] {
  const at = text.indexOf('=');
  if (at <= 0) throw new CommandInputError(`write ${option} NAME=VALUE`, `${option} ${text}`);
  return [text.slice(0, at).toLowerCase(), text.slice(at + 1)];
}

function gprNumber(name: string, option: string): number {
  const reg = registerByName(name);
  if (!reg || reg.kind !== 'gpr' || reg.width !== 64) throw new CommandInputError(`'${name}' is not a 64-bit register (rax … r15)`, option);
  return reg.num;
}

/** The text report: the same fields as the JSON record, laid out for people. */
function printText(result: SnippetResult): void {
  const json = snippetJson(result) as {
    gpr: Record<string, string>; xmm: Record<string, { lo: string; hi: string }>; buffer: { address: string; bytes: string };
  };
  const out: string[] = [];
  for (let row = 0; row < 16; row += 4) {
    out.push(GPR64_NAMES.slice(row, row + 4).map((name) => `${name.padStart(3)} ${json.gpr[name]}`).join('  '));
  }
  out.push('flags ' + ARITHMETIC_FLAGS.map((f) => `${f}=${result.flags[f]}`).join(' '));
  for (const [name, { lo, hi }] of Object.entries(json.xmm)) out.push(`${name.padStart(5)} ${hi} ${lo}`);
  out.push(`buffer at ${json.buffer.address}:`);
  for (let o = 0; o < json.buffer.bytes.length; o += 32) {
    out.push(`  ${(o / 2).toString(16).padStart(4, '0')}  ` + json.buffer.bytes.slice(o, o + 32).replace(/(..)(?!$)/g, '$1 '));
  }
  out.push(`rip 0x${result.rip.toString(16)}  steps ${result.steps}`);
  if (result.fault) {
    const where = result.fault.address === undefined ? '' : ` (address 0x${result.fault.address.toString(16)})`;
    out.push(paint.error(`fault ${result.fault.kind} at rip 0x${result.fault.rip.toString(16)}${where}: ${result.fault.message}`));
  }
  process.stdout.write(out.join('\n') + '\n');
}

export const execCommand: CommandModule<object, ExecArgs> = {
  command: 'exec',
  describe: 'Run x86-64 machine code on the CPU model and print the final state',
  builder: (y) => y
    .option('hex', { type: 'string', demandOption: true, describe: 'machine code as hex bytes' })
    .option('reg', { type: 'string', array: true, describe: 'initial GPR or rflags value, NAME=VALUE (repeatable)' })
    .option('xmm', { type: 'string', array: true, describe: 'initial xmm value, N=HEX (up to 128 bits, repeatable)' })
    .option('mem-reg', { type: 'string', default: 'rdi', describe: 'register pointing to the scratch buffer' })
    .option('mem', { type: 'string', describe: `initial scratch buffer bytes as hex (up to ${SANDBOX.bufferSize})` })
    .option('steps', { type: 'number', default: 10000, describe: 'step budget' })
    .option('json', { type: 'boolean', describe: 'print the final state as JSON' })
    .example('$0 exec --hex 4801d8 --reg rax=1 --reg rbx=2 --json', 'add rax, rbx'),
  handler: (args) => {
    const code = parseBytes(args.hex, '--hex');
    const gprs = new Map<number, bigint>();
    let rflags: number | undefined;
    for (const text of args.reg ?? []) {
      const [name, value] = splitAssignment(text, '--reg');
      if (name === 'rflags') rflags = Number(parseValue(value, 64, `--reg ${text}`));
      else gprs.set(gprNumber(name, `--reg ${text}`), parseValue(value, 64, `--reg ${text}`));
    }
    const xmm = new Map<number, [bigint, bigint]>();
    for (const text of args.xmm ?? []) {
      const [name, value] = splitAssignment(text, '--xmm');
      const n = Number(name.replace(/^xmm/, ''));
      if (!Number.isInteger(n) || n < 0 || n > 15) throw new CommandInputError(`'${name}' is not an xmm register number (0 … 15)`, `--xmm ${text}`);
      const v = parseValue(value, 128, `--xmm ${text}`);
      xmm.set(n, [v & 0xffffffffffffffffn, v >> 64n]);
    }
    const buffer = args.mem === undefined ? undefined : parseBytes(args.mem, '--mem');
    if (buffer && buffer.length > SANDBOX.bufferSize) throw new CommandInputError(`the buffer holds ${SANDBOX.bufferSize} bytes`, '--mem');
    const memReg = gprNumber(args['mem-reg'].toLowerCase(), '--mem-reg');
    const result = runSnippet({ code, gprs, rflags, xmm, buffer, memReg, maxSteps: wholeNumber(args.steps, '--steps', 'steps') });
    if (args.json) process.stdout.write(JSON.stringify(snippetJson(result), null, 2) + '\n');
    else printText(result);
    if (result.fault) process.exitCode = 1;
  },
};
