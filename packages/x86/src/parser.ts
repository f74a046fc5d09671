// The Intel-syntax parser for one instruction. It accepts objdump's text
// (`mov rax,QWORD PTR [rip+0x10]  # 0x5c`, `ds:0x10`, `cs nop ...`) and LuaJIT -jdump's
// (`cmp dword [rdx+0x4], 0xfff90000`, `add ebp, +0x01`, `jnb 0x5581473f004c`).
import { resolveInstruction } from './encoder';
import { EncodeError, ParseError } from './errors';
import type { Instruction, MemOperand, Operand } from './operands';
import { registerByName } from './registers';
import { formsNamed, type InstructionInput } from './select';

const SIZE_WIDTHS: Record<string, MemOperand['width']> = { byte: 8, word: 16, dword: 32, qword: 64, xmmword: 128 };
const PREFIX_WORDS = new Set(['cs', 'data16']);

interface Token { readonly text: string; readonly column: number }

function tokenize(text: string, line: number): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '#' || ch === '<') {
      break; // objdump's `# target` and `<symbol>` annotations
    } else if ('[]+-*,:'.includes(ch)) {
      tokens.push({ text: ch, column: i + 1 });
      i++;
    } else {
      const word = /^[a-z0-9_.]+/i.exec(text.slice(i));
      if (!word) throw new ParseError(`unexpected character '${ch}'`, line, i + 1);
      tokens.push({ text: word[0].toLowerCase(), column: i + 1 });
      i += word[0].length;
    }
  }
  return tokens;
}

function parseNumber(token: Token, line: number): bigint {
  if (!/^(0x[0-9a-f]+|[0-9]+)$/.test(token.text)) {
    throw new ParseError(`expected a number but found '${token.text}'`, line, token.column);
  }
  return BigInt(token.text);
}

/** A number that names an address or displacement: objdump prints negative ones as 2^64 − n. */
function addressNumber(value: bigint, token: Token, line: number): number {
  const wrapped = value >= 1n << 63n ? BigInt.asIntN(64, value) : value;
  if (wrapped > BigInt(Number.MAX_SAFE_INTEGER) || wrapped < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new ParseError(`address ${token.text} is out of range`, line, token.column);
  }
  return Number(wrapped);
}

class OperandParser {
  private pos = 0;
  constructor(private readonly tokens: Token[], private readonly line: number, private readonly endColumn: number) {}

  peek(): Token | undefined {
    return this.tokens[this.pos];
  }
  next(expected: string): Token {
    const token = this.tokens[this.pos++];
    if (!token) throw new ParseError(`expected ${expected} but the line ended`, this.line, this.endColumn);
    return token;
  }
  expect(text: string): void {
    const token = this.next(`'${text}'`);
    if (token.text !== text) throw new ParseError(`expected '${text}' but found '${token.text}'`, this.line, token.column);
  }
  atEnd(): boolean {
    return this.pos >= this.tokens.length;
  }

  /** A register, a memory operand (with optional size keyword) or a signed number. */
  operand(): Operand | { kind: 'number'; value: bigint; token: Token } {
    const token = this.next('an operand (register, memory or number)');
    const reg = registerByName(token.text);
    if (reg) return reg;
    if (token.text in SIZE_WIDTHS) {
      if (this.peek()?.text === 'ptr') this.pos++;
      return this.memory(SIZE_WIDTHS[token.text]);
    }
    if (token.text === '[' || token.text === 'ds') {
      this.pos--;
      return this.memory(0);
    }
    if (token.text === '+' || token.text === '-') {
      const digits = this.next('a number');
      const value = parseNumber(digits, this.line);
      return { kind: 'number', value: token.text === '-' ? -value : value, token: digits };
    }
    if (/^[0-9]/.test(token.text)) return { kind: 'number', value: parseNumber(token, this.line), token };
    throw new ParseError(`expected an operand (register, memory or number) but found '${token.text}'`, this.line, token.column);
  }

  private memory(width: MemOperand['width']): MemOperand {
    const first = this.next("'[' or 'ds:'");
    if (first.text === 'ds') {
      this.expect(':');
      if (this.peek()?.text !== '[') {
        const token = this.next('an address');
        return { kind: 'mem', width, scale: 1, disp: addressNumber(parseNumber(token, this.line), token, this.line) };
      }
      this.pos++;
    } else if (first.text !== '[') {
      throw new ParseError(`expected '[' but found '${first.text}'`, this.line, first.column);
    }
    let base: number | 'rip' | undefined;
    let index: number | undefined;
    let scale: 1 | 2 | 4 | 8 = 1;
    let disp = 0;
    let explicitZero = false;
    let sign = 1;
    for (let term = 0; ; term++) {
      let token = this.next('a register or number inside [ ]');
      if (term === 0 && (token.text === '-' || token.text === '+')) {
        sign = token.text === '-' ? -1 : 1;
        token = this.next('a number');
      }
      const reg = registerByName(token.text);
      if (token.text === 'rip' && term === 0) base = 'rip';
      else if (reg && reg.kind === 'gpr' && reg.width === 64 && sign > 0) {
        if (this.peek()?.text === '*') {
          this.pos++;
          const scaleToken = this.next('a scale (1, 2, 4 or 8)');
          if (!['1', '2', '4', '8'].includes(scaleToken.text) || index !== undefined) {
            throw new ParseError(`expected a scale of 1, 2, 4 or 8 but found '${scaleToken.text}'`, this.line, scaleToken.column);
          }
          index = reg.num;
          scale = Number(scaleToken.text) as 1 | 2 | 4 | 8;
        } else if (base === undefined && index === undefined) base = reg.num;
        else if (index === undefined) index = reg.num;
        else throw new ParseError(`too many registers in memory operand at '${token.text}'`, this.line, token.column);
      } else if (/^[0-9]/.test(token.text)) {
        const value = addressNumber(parseNumber(token, this.line), token, this.line);
        disp += sign * value;
        explicitZero ||= value === 0;
      } else {
        throw new ParseError(`expected a 64-bit register or number inside [ ] but found '${token.text}'`, this.line, token.column);
      }
      const after = this.next("'+', '-' or ']'");
      if (after.text === ']') break;
      if (after.text !== '+' && after.text !== '-') {
        throw new ParseError(`expected '+', '-' or ']' but found '${after.text}'`, this.line, after.column);
      }
      sign = after.text === '-' ? -1 : 1;
    }
    if (base === 'rip') disp = Number(BigInt.asIntN(32, BigInt(disp)));
    return {
      kind: 'mem', width,
      ...(base === undefined ? {} : { base }),
      ...(index === undefined ? {} : { index }),
      scale, disp,
      ...(explicitZero && disp === 0 && typeof base === 'number' ? { dispWidth: 8 as const } : {}),
    };
  }
}

export interface ParseOptions {
  readonly address?: number;
  readonly long?: boolean;
  /** Line number used in error locations (default 1). */
  readonly line?: number;
}

/** The unresolved instruction a line of text spells, with the column of its mnemonic. */
export function parseInstructionText(text: string, line = 1): { input: InstructionInput; prefixText?: string; column: number } | undefined {
  const tokens = tokenize(text, line);
  if (tokens.length === 0) return undefined;
  const prefixWords: string[] = [];
  while (tokens.length > 1 && PREFIX_WORDS.has(tokens[0].text)) prefixWords.push(tokens.shift()!.text);
  const mnemonicToken = tokens.shift()!;
  const mnemonic = mnemonicToken.text;
  const named = formsNamed(mnemonic);
  if (named.length === 0) throw new ParseError(`unknown mnemonic '${mnemonic}'`, line, mnemonicToken.column);
  const parser = new OperandParser(tokens, line, text.length + 1);
  const operands: Operand[] = [];
  while (!parser.atEnd()) {
    if (operands.length > 0) parser.expect(',');
    const op = parser.operand();
    if (op.kind !== 'number') {
      operands.push(op);
      continue;
    }
    const position = operands.length;
    const isBranch = named.some(({ form }) => form.operands[position] === 'rel8' || form.operands[position] === 'rel32');
    operands.push(isBranch
      ? { kind: 'rel', target: addressNumber(op.value, op.token, line), width: 32 }
      : { kind: 'imm', value: op.value, width: 64 });
  }
  return { input: { mnemonic, operands }, prefixText: prefixWords.join(' ') || undefined, column: mnemonicToken.column };
}

/**
 * Parses and encodes one instruction at `opts.address`. Throws ParseError (with line and
 * column, saying what was expected) for bad syntax or operands no form accepts.
 */
export function parseInstruction(text: string, opts: ParseOptions = {}): Instruction & { bytes: Uint8Array } {
  const line = opts.line ?? 1;
  const parsed = parseInstructionText(text, line);
  if (!parsed) throw new ParseError('expected an instruction but the line is empty', line, 1);
  const { input, prefixText, column } = parsed;
  const forms = formsNamed(input.mnemonic).filter(({ form }) => form.prefixText === prefixText);
  if (forms.length === 0) throw new ParseError(`'${prefixText}' cannot prefix '${input.mnemonic}'`, line, 1);
  try {
    const formId = prefixText ? forms[0].form.id : undefined;
    return resolveInstruction({ ...input, formId }, { address: opts.address, long: opts.long });
  } catch (err) {
    if (err instanceof EncodeError) {
      throw new ParseError(err.message, line, column);
    }
    throw err;
  }
}
