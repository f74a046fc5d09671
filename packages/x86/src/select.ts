// Form selection: which table forms can encode a mnemonic with these operands, the
// operands resolved for the chosen form (memory width, canonical immediates, branch
// width) and its bytes. Shortest wins (earlier row on ties); `long` prefers rel32 and
// the general r/m forms over the accumulator short forms, as LuaJIT's emitter does.
import { CONDITIONS, conditionName } from './conditions';
import { emitForm, NoEncoding, operandRole } from './emit';
import { gprKindWidth, INSTRUCTION_FORMS, isConditionFamily, type Form, type OperandKind } from './forms';
import { canonicalImmediate, immediateBits, isImmediateKind } from './immediates';
import type { Operand } from './operands';

/** What the encoder accepts: an Instruction, or the parts of one that matter. */
export interface InstructionInput {
  readonly mnemonic: string;
  readonly operands: readonly Operand[];
  readonly cond?: number;
  readonly formId?: number;
}

export interface SelectOptions {
  readonly address?: number;
  readonly long?: boolean;
  /** Encode with `formId` exactly instead of choosing (forms with printed prefixes always are). */
  readonly keepForm?: boolean;
}

export interface Selection {
  readonly form: Form;
  readonly cond?: number;
  readonly operands: readonly Operand[];
  readonly bytes: Uint8Array;
}

interface NamedForm { readonly form: Form; readonly cond?: number }

const FORMS_BY_NAME: ReadonlyMap<string, readonly NamedForm[]> = (() => {
  const map = new Map<string, NamedForm[]>();
  const add = (name: string, entry: NamedForm) => map.set(name, [...(map.get(name) ?? []), entry]);
  for (const form of INSTRUCTION_FORMS) {
    for (const name of form.names) {
      if (!isConditionFamily(form)) add(name, { form });
      else {
        CONDITIONS.forEach((c, cond) => {
          for (const spelling of [c.name, ...c.aliases]) add(name + spelling, { form, cond });
        });
      }
    }
  }
  return map;
})();

/** The forms (and condition) a mnemonic spelling names (jnz, setnbe, cmovae, ...); empty when none. */
export function formsNamed(mnemonic: string): readonly NamedForm[] {
  return FORMS_BY_NAME.get(mnemonic) ?? [];
}

function kindMatches(kind: OperandKind, op: Operand, form: Form): boolean {
  const width = gprKindWidth(kind);
  switch (operandRole(kind)) {
    case 'reg':
    case 'opcode':
      if (kind === 'x') return op.kind === 'xmm';
      return op.kind === 'gpr' && op.width === width && !(form.notAccumulator && op.num === 0);
    case 'rm':
      if (op.kind === 'mem') return kind === 'm' || op.width === 0 || op.width === memoryWidth(kind);
      if (kind.startsWith('xm')) return op.kind === 'xmm';
      return op.kind === 'gpr' && op.width === width;
    case 'imm':
      return op.kind === 'imm' && canonicalImmediate(kind as 'u8', form, op.value) !== undefined;
    case 'rel':
      return op.kind === 'rel';
    case 'implicit':
      if (kind === 'one') return op.kind === 'imm' && op.value === 1n;
      if (kind === 'cl') return op.kind === 'gpr' && op.num === 1 && op.width === 8 && !op.high8;
      return op.kind === 'gpr' && op.num === 0 && op.width === width && !op.high8;
  }
}

/** The access width of memory in an r/m kind (0 for lea's `m`). */
export function memoryWidth(kind: OperandKind): 0 | 8 | 16 | 32 | 64 | 128 {
  if (kind === 'm') return 0;
  return Number(kind.replace(/^(rm|xm)/, '')) as 8 | 16 | 32 | 64 | 128;
}

function resolveOperand(kind: OperandKind, op: Operand, form: Form): Operand {
  if (op.kind === 'mem') return { ...op, width: memoryWidth(kind) };
  if (op.kind === 'imm') {
    if (kind === 'one') return { kind: 'imm', value: 1n, width: 8 };
    const immKind = kind as 'imm8';
    return { kind: 'imm', value: canonicalImmediate(immKind, form, op.value)!, width: immediateBits(immKind) };
  }
  if (op.kind === 'rel') return { kind: 'rel', target: op.target, width: kind === 'rel8' ? 8 : 32 };
  return op;
}

function isShortcut(form: Form): boolean {
  return form.operands.some((k) => k === 'rel8') ||
    (form.operands.some((k) => operandRole(k) === 'implicit' && k !== 'one' && k !== 'cl') &&
      form.operands.some(isImmediateKind));
}

/** Why nothing matched, for the error message: what the mnemonic's forms take. */
function expectedOperands(mnemonic: string): string {
  const shapes = [...new Set(formsNamed(mnemonic).map(({ form }) => form.operands.join(', ') || '(none)'))];
  return shapes.join(' | ');
}

/**
 * Chooses the form for `input` and encodes it. Throws NoEncoding with the reason when no
 * form fits (unknown mnemonic, operands of no form, out of range, ambiguous memory size).
 */
export function selectForm(input: InstructionInput, opts: SelectOptions = {}): Selection {
  const address = opts.address ?? 0;
  // A condition family may also be named by its stem (j, set, cmov) plus `cond`.
  let named = formsNamed(input.mnemonic);
  if (named.length === 0 && input.cond !== undefined) named = formsNamed(input.mnemonic + conditionName(input.cond));
  if (named.length === 0) throw new NoEncoding(`unknown mnemonic '${input.mnemonic}'`);
  if (input.cond !== undefined && isConditionFamily(named[0].form)) {
    named = named.map((n) => ({ ...n, cond: input.cond }));
  }
  // A form whose prefixes print (cs nop) is a different instruction text: keep it.
  const given = input.formId === undefined ? undefined : INSTRUCTION_FORMS[input.formId];
  if (given && (opts.keepForm || given.prefixText)) named = named.filter((n) => n.form.id === given.id);
  else named = named.filter((n) => n.form.prefixText === undefined);
  const matching = named.filter(({ form }) =>
    form.operands.length === input.operands.length &&
    form.operands.every((kind, i) => kindMatches(kind, input.operands[i], form)));
  if (matching.length === 0) {
    throw new NoEncoding(`'${input.mnemonic}' takes ${expectedOperands(input.mnemonic)}; these operands fit none`);
  }
  const unsized = input.operands.findIndex((o) => o.kind === 'mem' && o.width === 0);
  if (unsized >= 0) {
    const widths = new Set(matching.map(({ form }) => memoryWidth(form.operands[unsized])));
    if (widths.size > 1) throw new NoEncoding('operand size is ambiguous: write byte, word, dword or qword before the memory operand');
  }
  const encoded: Selection[] = [];
  let lastReason = '';
  for (const { form, cond } of matching) {
    const operands = form.operands.map((kind, i) => resolveOperand(kind, input.operands[i], form));
    try {
      encoded.push({ form, cond, operands, bytes: emitForm(form, operands, cond, address) });
    } catch (err) {
      if (!(err instanceof NoEncoding)) throw err;
      lastReason = err.message;
    }
  }
  if (encoded.length === 0) throw new NoEncoding(lastReason);
  const preferred = opts.long && encoded.some((s) => !isShortcut(s.form))
    ? encoded.filter((s) => !isShortcut(s.form)) : encoded;
  return preferred.reduce((best, s) => (s.bytes.length < best.bytes.length ? s : best));
}
