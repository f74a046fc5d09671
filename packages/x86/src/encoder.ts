// The public encoder: chooses a form for an instruction (shortest by default) and returns
// its bytes, or the resolved Instruction with form, operands, address and length.
import { NoEncoding } from './emit';
import { formMnemonic } from './forms';
import type { Instruction } from './operands';
import { formatInstruction } from './printer';
import { selectForm, type InstructionInput, type SelectOptions } from './select';
import { EncodeError } from './errors';

export type { InstructionInput, SelectOptions as EncodeOptions };

/** Chooses the form and returns the fully resolved instruction at `opts.address`. */
export function resolveInstruction(input: InstructionInput, opts: SelectOptions = {}): Instruction & { bytes: Uint8Array } {
  try {
    const { form, cond, operands, bytes } = selectForm(input, opts);
    return {
      mnemonic: formMnemonic(form, cond),
      formId: form.id,
      operands,
      ...(cond === undefined ? {} : { cond }),
      address: opts.address ?? 0,
      length: bytes.length,
      bytes,
    };
  } catch (err) {
    if (err instanceof NoEncoding) {
      throw new EncodeError(err.message, formatInstruction({ formId: -1, ...input }));
    }
    throw err;
  }
}

/**
 * The bytes of `instr` at `opts.address` (default: instr's own address, else 0). Picks the
 * shortest form; `long` prefers rel32 branches and general r/m,imm forms; `keepForm`
 * encodes `instr.formId` exactly.
 */
export function encode(instr: InstructionInput & { address?: number }, opts: SelectOptions = {}): Uint8Array {
  return resolveInstruction(instr, { ...opts, address: opts.address ?? instr.address ?? 0 }).bytes;
}
