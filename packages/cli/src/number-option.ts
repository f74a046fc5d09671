// Whole-number options (--regs, --max-steps, --steps): yargs reads `1,2` or `abc` as NaN and
// `1e309` as Infinity, so each command checks its counts here before it runs anything.
import { MIN_REGS } from '@tracesim/asm';
import { CommandInputError } from './failure';

/** `value` as a whole number of at least `min`; anything else is bad input at `flag`. */
export function wholeNumber(value: number, flag: string, what: string, min = 1): number {
  if (!Number.isSafeInteger(value) || value < min) throw new CommandInputError(`give a whole number of ${what}, at least ${min}`, flag);
  return value;
}

/** The --regs budget, when given: the backend needs at least MIN_REGS of each class. */
export function checkRegs(regs: number | undefined): number | undefined {
  return regs === undefined ? undefined : wholeNumber(regs, '--regs', 'registers', MIN_REGS);
}
