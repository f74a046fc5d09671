// Turns an error into the CLI's exit contract: bad input (any error carrying a
// `location`) prints one located line and exits 2; anything else is an internal bug: one line
// with the command, the message and exit 3 (its stack only with TRACESIM_DEBUG=1).
import { paint } from './colour';

/** Reports `err` for the command line `argv` (the process's own by default). */
export function reportFailure(err: unknown, argv: readonly string[] = process.argv.slice(2)): void {
  if (process.exitCode && process.exitCode !== 0) return;
  if (err instanceof Error && typeof (err as { location?: unknown }).location === 'string') {
    const location = (err as Error & { location: string }).location;
    process.stderr.write(`${paint.error('tracesim:')} ${location === 'usage' ? '' : location + ': '}${err.message}\n`);
    process.exitCode = 2;
    return;
  }
  // Anything else is a tracesim bug: one line naming what was running; the stack only on request.
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  const doing = argv.join(' ');
  process.stderr.write(`${paint.error('tracesim: internal error')} in \`tracesim ${doing}\`: ${message} (this is a tracesim bug; TRACESIM_DEBUG=1 prints its stack)\n`);
  if (process.env.TRACESIM_DEBUG === '1' && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
  process.exitCode = 3;
}

/** Bad command-line input (exit code 2), located at `usage` or at the offending argument. */
export class CommandInputError extends Error {
  constructor(message: string, readonly location: string) {
    super(message);
  }
}
