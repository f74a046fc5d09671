// The `tracesim` command: builds the yargs parser from the command table and maps
// failures to exit codes (0 ok, 1 contract violation, 2 bad input or usage, 3 a tracesim bug).
import yargs from 'yargs';
import { COMMANDS } from './commands';
import { CommandInputError, reportFailure } from './failure';

const NO_COMMAND = 'Name a command; see the list above.';

/** The process entry point: installs the last-resort handlers, then runs the command line. */
export function main(argv: readonly string[]): void {
  // A reader that stops early (`tracesim run prog.lua -jdump | head`) is not an error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') reportFailure(err, argv);
      process.exit(process.exitCode ?? 0);
    });
  }
  // Nothing unexpected reaches the terminal as a raw exception.
  process.on('uncaughtException', (err) => reportFailure(err, argv));
  process.on('unhandledRejection', (err) => reportFailure(err, argv));
  void runCli(argv);
}

/**
 * Parses and runs one command line. Failures are reported (stderr and process.exitCode), never
 * thrown; the promise settles when the command has finished, so a harness can run many in turn.
 */
export async function runCli(argv: readonly string[]): Promise<void> {
  const parser = yargs(joinOptimizations(argv))
    .scriptName('tracesim')
    // LuaJIT spells options -jv and -O3: keep -jv whole rather than as -j -v.
    .parserConfiguration({ 'short-option-groups': false, 'populate--': true })
    .usage('$0 <command> [options]\n\nA LuaJIT-2.1-style trace-compiler simulator that runs real x86-64 code on a CPU model and checks the host stack.')
    .strict()
    .demandCommand(1, NO_COMMAND)
    .recommendCommands()
    .version(require('../package.json').version)
    .help()
    .alias('h', 'help')
    .wrap(Math.min(100, process.stdout.columns || 100))
    .exitProcess(false)
    // yargs' own complaints (a missing option value, a value outside its choices) are usage
    // errors, whatever their form. Throwing stops yargs, which would otherwise run the command.
    .fail((msg, err, y) => {
      if (msg === NO_COMMAND) y.showHelp((text: string) => process.stderr.write(text + '\n'));
      throw err === undefined || err === null || err.name === 'YError' ? usageError(msg ?? err.message, argv) : err;
    });
  for (const command of COMMANDS) parser.command(command);
  try {
    await parser.parse();
  } catch (err) {
    reportFailure(err, argv);
  }
}

/**
 * LuaJIT's attached form `-Ohotloop=1` and the spaced `-O hotloop=1` both become
 * `-O=hotloop=1`, so a value that starts with a dash (`-O-fold`) is not read as an option.
 */
function joinOptimizations(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') return [...out, ...argv.slice(i)];
    if (arg === '-O' && i + 1 < argv.length && argv[i + 1] !== '--') out.push(`-O=${argv[++i]}`);
    else if (/^-O[^=]/.test(arg)) out.push(`-O=${arg.slice(2)}`);
    else out.push(arg);
  }
  return out;
}

/**
 * yargs' complaint as one line: a value outside an option's choices is located at the option
 * (`--jit: "NaN" is not one of "on", "off"`); anything else stays a usage error.
 */
function usageError(message: string, argv: readonly string[]): Error {
  const choice = /^Invalid values:\n\s*Argument: ([\w-]+), Given: (.*), Choices: (.*)$/.exec(message);
  if (!choice) return new UsageError(message);
  const [, name, given, choices] = choice;
  // An option the user spelled out is named as spelled; a positional argument by its <name>.
  const spelled = argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`) || a === `-${name}`);
  return new CommandInputError(`${given} is not one of ${choices}`, spelled ? spelled.split('=')[0] : `<${name}>`);
}

/** A command-line usage mistake (unknown option, missing argument): exit code 2. */
export class UsageError extends Error {
  readonly location = 'usage';
}
