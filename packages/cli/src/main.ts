// The `tracesim` command: builds the yargs parser from the command table and maps
// failures to exit codes (0 ok, 1 contract violation, 2 bad input or usage, 3 a tracesim bug).
import yargs from 'yargs';
import { COMMANDS } from './commands';
import { reportFailure } from './failure';

export function main(argv: readonly string[]): void {
  // A reader that stops early (`tracesim run prog.lua -jdump | head`) is not an error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') reportFailure(err);
      process.exit(process.exitCode ?? 0);
    });
  }
  // Nothing unexpected reaches the terminal as a raw exception.
  process.on('uncaughtException', reportFailure);
  process.on('unhandledRejection', reportFailure);
  const parser = yargs(splitAttachedOptimizations(argv))
    .scriptName('tracesim')
    // LuaJIT spells options -jv and -O3: keep -jv whole rather than as -j -v.
    .parserConfiguration({ 'short-option-groups': false, 'populate--': true })
    .usage('$0 <command> [options]\n\nA LuaJIT-2.1-style trace-compiler simulator that runs real x86-64 code on a CPU model and checks the host stack.')
    .strict()
    .demandCommand(1, 'Name a command; see the list above.')
    .recommendCommands()
    .version(require('../package.json').version)
    .help()
    .alias('h', 'help')
    .wrap(Math.min(100, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((msg, err) => {
      reportFailure(err ?? new UsageError(msg));
    });
  for (const command of COMMANDS) parser.command(command);
  try {
    const result = parser.parse();
    if (result instanceof Promise) result.catch(reportFailure);
  } catch (err) {
    reportFailure(err);
  }
}

/** LuaJIT's attached form `-Ohotloop=1,hotexit=2` becomes `-O hotloop=1,hotexit=2`. */
function splitAttachedOptimizations(argv: readonly string[]): string[] {
  return argv.flatMap((arg) => (/^-O./.test(arg) ? ['-O', arg.slice(2)] : [arg]));
}

/** A command-line usage mistake (unknown option, missing argument): exit code 2. */
export class UsageError extends Error {
  readonly location = 'usage';
}
