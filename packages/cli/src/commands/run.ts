// `tracesim run prog.lua [--jit on|off] [-jv] [-jdump[=flags[,file]]] [-O opts] [--policy P] [--regs N] [--on-violation stop|continue] [--json]`:
// runs a Lua program on the interpreter with the tracing JIT attached (LuaJIT's default: on).
// --html also writes the HTML report. -jv prints LuaJIT's trace lines to stderr, as `luajit -jv` does; -jdump prints traces, their
// IR, snapshots, machine code and exits to stdout (or to the file after a comma) as jit/dump.lua does. A host-stack contract
// violation found by the monitor is reported and gives exit code 1.
import { closeSync, openSync, writeSync } from 'fs';
import type { CommandModule } from 'yargs';
import { describeViolation } from '@tracesim/cpu-sim';
import { JDUMP_FLAGS, OUTPUT_LIMIT, ReportCollector, createJdump, jitRunJson, parseJdumpFlags, reportDocument, type LinkPolicy } from '@tracesim/jit';
import { readLuaSource } from '@tracesim/lua';
import { checkReportFile, writeHtmlReport } from '../html/report-page';
import { bothObservers, runLuaSession } from '../lua-session';
import { CommandInputError } from '../failure';
import { MAX_MEMORY_OPTION, parseMemorySize } from '../memory-option';
import { checkRegs, wholeNumber } from '../number-option';

interface RunArgs {
  file: string;
  args?: string[];
  '--'?: string[];
  jit: string;
  jv?: boolean;
  jdump?: string;
  O?: string | string[];
  regs?: number;
  policy: string;
  'on-violation': string;
  'max-steps': number;
  'max-memory': string;
  json?: boolean;
  html?: string;
}

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run <file> [args..]',
  describe: 'Run a Lua program on the interpreter with the tracing JIT',
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'Lua source file' })
      .positional('args', { type: 'string', array: true, describe: "the script's arguments (its arg table and ...); put them after -- when they look like options" })
      .option('jit', { type: 'string', choices: ['on', 'off'], default: 'on', describe: 'the tracing JIT on (LuaJIT\'s default) or off (interpreter only)' })
      .option('jv', { type: 'boolean', describe: 'print LuaJIT -jv trace lines (start, stop, abort) to stderr' })
      .option('jdump', { type: 'string', describe: `dump traces as luajit -jdump does, to stdout or, as -jdump=FLAGS,FILE, to FILE; flags: ${Object.entries(JDUMP_FLAGS).map(([f, what]) => `${f} ${what}`).join('; ')}. Default tbim; +F adds, -F removes` })
      .option('O', { type: 'string', requiresArg: true, describe: 'JIT options as luajit -O takes them, e.g. hotloop=1,hotexit=2 or 3' })
      .option('regs', { type: 'number', describe: 'registers the backend may allocate (small values force spills)' })
      .option('policy', { type: 'string', choices: ['fixed', 'luajit-2022'], default: 'fixed', describe: 'down-recursion rule: fixed (LuaJIT after cae36118: only root traces may stop with down-recursion) or luajit-2022 (2.1.0-beta3: side traces may too, LuaJIT #1169)' })
      .option('on-violation', { type: 'string', choices: ['stop', 'continue'], default: 'stop', describe: 'stop at the first host-stack violation (exit 1), or report each and go on' })
      .option('json', { type: 'boolean', describe: 'print one JSON object: the program output, the trace graph, exits taken, aborts and violations' })
      .option('html', { type: 'string', requiresArg: true, describe: 'also write a self-contained HTML report to FILE: trace graph, each trace\'s source, bytecode, IR and mcode, the rsp timeline, aborts, exits and violations' })
      .option('max-steps', { type: 'number', default: 1e9, describe: 'bytecode budget before the run is stopped (with the JIT, also the budget of machine instructions all trace entries run together)' })
      .option('max-memory', MAX_MEMORY_OPTION)
      .example('$0 run fixtures/corpus/nested_loops.lua -jv', 'run with the JIT and print its trace log')
      .example('$0 run bench.lua 100 --jit off', 'run bench.lua with arg[1] = "100", interpreter only')
      .example('$0 run fixtures/corpus/loop_sum.lua -jdump=+rsX', 'dump each trace with registers, snapshots and every exit\'s registers')
      .example('$0 run fixtures/corpus/issue1169_num17.lua --policy luajit-2022 --html 1169.html', 'write the #1169 run as an HTML report')
      .example('$0 run prog.lua -jdump=+rsm,prog.jdump && $0 lint prog.jdump', 'write the dump to a file and check its host stack statically')
      .epilog('Exit status: 0 ok, 1 a host-stack contract violation, 2 bad input (Lua errors included).'),
  handler: (args) => {
    const [dumpSpec, dumpFile] = splitDumpOption(args.jdump);
    if (dumpSpec !== undefined && dumpFile === undefined && args.json) throw new CommandInputError('-jdump and --json cannot be combined (-jdump writes text to stdout; give it a file: -jdump=FLAGS,FILE)', 'usage');
    const jitOn = args.jit === 'on';
    const maxMemory = parseMemorySize(args['max-memory']);
    const maxSteps = wholeNumber(args['max-steps'], '--max-steps', 'steps');
    const regs = checkRegs(args.regs);
    const dumpFlags = dumpSpec === undefined ? undefined : parseJdumpFlags(dumpSpec);
    const dumpFd = dumpFile === undefined ? undefined : openDumpFile(dumpFile);
    // --json prints all the output; the HTML report keeps only its first OUTPUT_LIMIT characters.
    let captured = '';
    let outputLength = 0;
    const write = (text: string): void => {
      outputLength += text.length;
      if (args.json) captured += text;
      else {
        if (args.html !== undefined && captured.length <= OUTPUT_LIMIT) captured += text.slice(0, OUTPUT_LIMIT + 1 - captured.length);
        process.stdout.write(Buffer.from(text, 'latin1'));
      }
    };
    const source = readLuaSource(args.file);
    if (args.html !== undefined) checkReportFile(args.html);
    const collector = args.html === undefined ? undefined : new ReportCollector();
    const jdump = dumpFlags ? createJdump(dumpFlags, dumpFd === undefined ? (line) => write(line + '\n') : (line) => writeSync(dumpFd, line + '\n', null, 'latin1')) : undefined;
    let session;
    try {
      session = runLuaSession({
        file: args.file, source, args: [...(args.args ?? []), ...(args['--'] ?? [])].map(String),
        jit: jitOn, policy: args.policy as LinkPolicy, regs, jitOptions: [args.O ?? []].flat().join(','),
        maxSteps, maxMemory, onViolation: args['on-violation'] as 'stop' | 'continue',
        write, writeError: (text) => process.stderr.write(Buffer.from(text, 'latin1')),
        log: args.jv ? (line) => process.stderr.write(line + '\n') : undefined,
        observer: bothObservers(jdump, collector?.observer),
        checkpoint: collector?.checkpoint,
      });
    } finally {
      if (dumpFd !== undefined) closeSync(dumpFd);
    }
    const { jit, exitStatus } = session;
    const violations = jit?.violations ?? [];
    process.exitCode = violations.length > 0 ? 1 : exitStatus;
    if (collector && args.html !== undefined) {
      const run = collector.finish({
        title: `${args.file} (policy ${args.policy}${jitOn ? '' : ', JIT off'})`, command: 'tracesim run', file: args.file, policy: args.policy,
        exitCode: process.exitCode, source, output: captured, outputLength, exits: jit?.exitCounts() ?? new Map(), violations, blacklisted: jit?.blacklisted,
      });
      writeHtmlReport(args.html, reportDocument(`tracesim report: ${args.file}`, [run]));
    }
    if (args.json) {
      const json = jit ? jitRunJson(jit, { file: args.file, policy: args.policy, output: captured, exitCode: process.exitCode }) : { file: args.file, output: captured, exitCode: 0 };
      process.stdout.write(JSON.stringify(json, null, 2) + '\n');
      return;
    }
    for (const v of violations) process.stderr.write(`tracesim: ${describeViolation(v)}\n`);
  },
};

/** `-jdump=FLAGS,FILE` (dump.lua's form): the flags and the output file. */
function splitDumpOption(value: string | undefined): [string | undefined, string | undefined] {
  if (value === undefined) return [undefined, undefined];
  const comma = value.indexOf(',');
  return comma < 0 ? [value, undefined] : [value.slice(0, comma), value.slice(comma + 1)];
}

function openDumpFile(file: string): number {
  if (file === '') throw new CommandInputError('name the dump file after the comma (-jdump=FLAGS,FILE)', '-jdump');
  try {
    return openSync(file, 'w');
  } catch (err) {
    throw new CommandInputError(`cannot write the dump file: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, file);
  }
}
