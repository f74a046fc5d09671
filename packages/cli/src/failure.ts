// Turns an error into the CLI's exit contract: bad input (any error carrying a
// `location`) prints one located line and exits 2; anything else is an internal bug.
import { paint } from './colour';

export function reportFailure(err: unknown): void {
  if (process.exitCode && process.exitCode !== 0) return;
  if (err instanceof Error && typeof (err as { location?: unknown }).location === 'string') {
    const location = (err as Error & { location: string }).location;
    process.stderr.write(`${paint.error('tracesim:')} ${location === 'usage' ? '' : location + ': '}${err.message}\n`);
    process.exitCode = 2;
    return;
  }
  const text = err instanceof Error ? err.stack ?? err.message : String(err);
  process.stderr.write(`${paint.error('tracesim: internal error:')} ${text}\n`);
  process.exitCode = 3;
}

/** Bad command-line input (exit code 2), located at `usage` or at the offending argument. */
export class CommandInputError extends Error {
  constructor(message: string, readonly location: string) {
    super(message);
  }
}
