// The public encoder: chooses a form for an instruction (shortest by default) and returns
// its bytes, or the resolved Instruction with form, operands, address and length.
import { NoEncoding } from './emit';
import { formMnemonic } from './forms';
import type { Instruction } from './operands';
import { formatInstruction } from './printer';
import { selectForm, type InstructionInput, type SelectOptions } from './select';
import { EncodeError } from './errors';
import { EncodingCache } from './encoding-cache';

export type { InstructionInput, SelectOptions as EncodeOptions };

type Resolved = Instruction & { bytes: Uint8Array };

/**
 * Instructions already resolved (at address 0 unless they branch): choosing a form encodes
 * every candidate, and a backend emits the same instructions over and over. Bounded.
 */
const resolved = new EncodingCache<Resolved>(1 << 15);

function resolveAfresh(input: InstructionInput, opts: SelectOptions): Resolved {
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
 * Chooses the form: the resolved instruction at `opts.address` and its bytes, which are shared
 * with the cache and must not be written (emitters copy them into their code).
 */
export function resolveShared(input: InstructionInput, opts: SelectOptions = {}): { instr: Instruction; bytes: Uint8Array } {
  const known = resolved.resolve(input, opts, () => resolveAfresh(input, opts));
  const address = opts.address ?? 0;
  const shift = address - known.address;
  const operands = shift === 0 ? known.operands : known.operands.map((op) => (op.kind === 'rel' ? { ...op, target: op.target + shift } : op));
  const { mnemonic, formId, cond, length } = known;
  const instr: Instruction = cond === undefined ? { mnemonic, formId, operands, address, length } : { mnemonic, formId, operands, cond, address, length };
  return { instr, bytes: known.bytes };
}

/** Chooses the form and returns the fully resolved instruction at `opts.address`, with its own copy of the bytes (callers may patch them). */
export function resolveInstruction(input: InstructionInput, opts: SelectOptions = {}): Resolved {
  const { instr, bytes } = resolveShared(input, opts);
  return { ...instr, bytes: bytes.slice() };
}

/**
 * The bytes of `instr` at `opts.address` (default: instr's own address, else 0). Picks the
 * shortest form; `long` prefers rel32 branches and general r/m,imm forms; `keepForm`
 * encodes `instr.formId` exactly.
 */
export function encode(instr: InstructionInput & { address?: number }, opts: SelectOptions = {}): Uint8Array {
  return resolveInstruction(instr, { ...opts, address: opts.address ?? instr.address ?? 0 }).bytes;
}
