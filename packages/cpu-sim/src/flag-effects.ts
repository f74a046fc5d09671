// Which arithmetic flags each mnemonic reads, defines and leaves undefined (Intel SDM
// vol. 2, "Flags Affected"). The block translator uses it for flag liveness (flags that are
// overwritten before anyone reads them are never computed); the differential test uses it
// to mask the flags the SDM leaves undefined.
import type { Instruction } from '@tracesim/x86';
import { FLAG_SLOT, type FlagName } from './state';

export interface FlagEffect {
  /** Flags the instruction reads. */
  readonly reads: string;
  /** Flags it sets to a defined value. */
  readonly defines: string;
  /** Flags whose value the SDM leaves undefined afterwards. */
  readonly undefines: string;
  /** True when the flags are written only for some operand values (shift count 0 writes none). */
  readonly conditional?: boolean;
}

const ALL = 'CPAZSO';
const NONE: FlagEffect = { reads: '', defines: '', undefines: '' };
const arith: FlagEffect = { reads: '', defines: ALL, undefines: '' };
const logic: FlagEffect = { reads: '', defines: 'CPZSO', undefines: 'A' };
const shift: FlagEffect = { reads: '', defines: 'CPZSO', undefines: 'A', conditional: true };
const rotate: FlagEffect = { reads: '', defines: 'CO', undefines: '', conditional: true };
const multiply: FlagEffect = { reads: '', defines: 'CO', undefines: 'PAZS' };
const divide: FlagEffect = { reads: '', defines: '', undefines: ALL };
const compareFloat: FlagEffect = { reads: '', defines: ALL, undefines: '' };

/** Flag effects by mnemonic; condition families are keyed `jcc`, `setcc`, `cmovcc`. */
export const FLAG_EFFECTS: Readonly<Record<string, FlagEffect>> = {
  add: arith, sub: arith, cmp: arith, neg: arith,
  adc: { ...arith, reads: 'C' }, sbb: { ...arith, reads: 'C' },
  inc: { reads: '', defines: 'PAZSO', undefines: '' }, dec: { reads: '', defines: 'PAZSO', undefines: '' },
  and: logic, or: logic, xor: logic, test: logic,
  shl: shift, shr: shift, sar: shift,
  rol: rotate, ror: rotate,
  imul: multiply, mul: multiply, div: divide, idiv: divide,
  ucomisd: compareFloat, comisd: compareFloat,
  jcc: { reads: ALL, defines: '', undefines: '' },
  setcc: { reads: ALL, defines: '', undefines: '' },
  cmovcc: { reads: ALL, defines: '', undefines: '' },
};

/** Mnemonics of the condition families: `jcc`, `setcc`, `cmovcc`, or the mnemonic itself. */
export function familyOf(ins: Pick<Instruction, 'mnemonic' | 'cond'>): string {
  if (ins.cond === undefined) return ins.mnemonic;
  if (ins.mnemonic.startsWith('set')) return 'setcc';
  if (ins.mnemonic.startsWith('cmov')) return 'cmovcc';
  return 'jcc';
}

export function flagEffect(ins: Pick<Instruction, 'mnemonic' | 'cond'>): FlagEffect {
  return FLAG_EFFECTS[familyOf(ins)] ?? NONE;
}

const LETTER_TO_FLAG: Record<string, FlagName> = { C: 'CF', P: 'PF', A: 'AF', Z: 'ZF', S: 'SF', O: 'OF' };

/** A flag-letter string ('CPZ') as a bit mask over `CpuState.flags` slots. */
export function flagMask(letters: string): number {
  let mask = 0;
  for (const letter of letters) mask |= 1 << FLAG_SLOT[LETTER_TO_FLAG[letter]];
  return mask;
}

/** Flags a condition code (0 = o ... 15 = g) reads. */
export const CONDITION_READS = ['O', 'O', 'C', 'C', 'Z', 'Z', 'CZ', 'CZ', 'S', 'S', 'P', 'P', 'SO', 'SO', 'ZSO', 'ZSO'] as const;
