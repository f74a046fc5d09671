// The --max-memory option: the modelled machine's memory budget, given in bytes or with a K, M
// or G suffix (powers of 1024), as `256M` or `1G`.
import { CommandInputError } from './failure';

export const MAX_MEMORY_OPTION = {
  type: 'string',
  default: '256M',
  requiresArg: true,
  describe: "memory budget of the Lua heap (strings, tables, functions, coroutine stacks): bytes, or a K/M/G suffix; past it Lua raises 'not enough memory'",
} as const;

const UNITS: Readonly<Record<string, number>> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

/** The budget in bytes; anything but a positive size is bad input at `--max-memory`. */
export function parseMemorySize(text: unknown): number {
  const m = /^(\d+(?:\.\d+)?)([KMG]?)B?$/i.exec(String(text).trim());
  const bytes = m ? Math.floor(Number(m[1]) * UNITS[m[2].toUpperCase()]) : NaN;
  if (!(bytes > 0) || !Number.isSafeInteger(bytes)) throw new CommandInputError(`expected a memory size such as 64M or 1G, got '${String(text)}'`, '--max-memory');
  return bytes;
}
