// The multi-line assembler: instructions separated by newlines or `;`, each placed at the
// address after the previous one; branch targets are absolute addresses as in listings.
import type { Instruction } from './operands';
import { parseInstruction } from './parser';

export interface AssembleOptions {
  readonly address?: number;
  readonly long?: boolean;
}

export function assemble(text: string, opts: AssembleOptions = {}): { instructions: Instruction[]; bytes: Uint8Array } {
  const instructions: Instruction[] = [];
  const chunks: Uint8Array[] = [];
  let address = opts.address ?? 0;
  text.split('\n').forEach((lineText, lineIndex) => {
    let column = 0;
    for (const statement of lineText.split(';')) {
      const padded = ' '.repeat(column) + statement;
      column += statement.length + 1;
      if (statement.trim() === '') continue;
      const { bytes, ...instr } = parseInstruction(padded, { address, long: opts.long, line: lineIndex + 1 });
      instructions.push(instr);
      chunks.push(bytes);
      address += bytes.length;
    }
  });
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  chunks.reduce((at, c) => (bytes.set(c, at), at + c.length), 0);
  return { instructions, bytes };
}
