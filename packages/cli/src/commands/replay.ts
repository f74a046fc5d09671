// `tracesim replay FILE [--listing] [--json] [--policy fixed|luajit-2022] [--on-violation
// stop|continue] [--regs N]`: parses a trace file, assembles it with the backend and replays its
// scenario on the CPU model under the host-stack monitor, printing the event log. Exit 1 on a
// violation, 2 on bad input. --html FILE also writes the HTML report.
import { readFileSync } from 'fs';
import type { CommandModule } from 'yargs';
import type { AssembledSet } from '@tracesim/asm';
import { printTrace, type TraceSet } from '@tracesim/ir';
import { ReportCollector, formatReplayEvent, replayJson, replayTraceFile, reportDocument, type ReplayEvent, type ReplayResult } from '@tracesim/jit';
import { paint } from '../colour';
import { CommandInputError } from '../failure';
import { checkRegs } from '../number-option';
import { checkReportFile, writeHtmlReport } from '../html/report-page';

const POLICIES = ['fixed', 'luajit-2022'] as const;
type Policy = (typeof POLICIES)[number];

/** Reads a trace file; a missing or unreadable file is located bad input. */
export function readTraceFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new CommandInputError(`cannot read file: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, path);
  }
}

/** Register budgets the backend accepts on the command line. */
/**
 * The policy's remarks on the trace set. The file states its links literally, so the policy never
 * changes the code; under `fixed` every side trace that stops with down-recursion gets a note.
 */
function policyNotes(set: TraceSet, policy: Policy): string[] {
  if (policy !== 'fixed') return [];
  return set.traces.flatMap((t) => t.start.kind === 'side' && t.link.kind === 'down-recursion'
    ? [`policy: side trace ${t.number} (${t.start.parent}/${t.start.exit}) stops with down-recursion; fixed LuaJIT (cae36118) never lets a side trace stop with down-recursion`]
    : []);
}

/**
 * Per trace, in jit/dump.lua's order: the start line and IR, `---- TRACE N mcode BYTES` with the
 * mcode lines, then the stop line (so `tracesim lint` reads the listing like a LuaJIT dump).
 */
function listingLines(assembled: AssembledSet): string[] {
  return assembled.traces.flatMap((t) => {
    const lines = printTrace(t.trace).replace(/\n$/, '').split('\n');
    const stop = lines.pop() as string;
    return [...lines, `---- TRACE ${t.trace.number} mcode ${t.bytes.length}`, ...t.listing, stop];
  });
}

/** The exits taken: each exit's last count in the event log. */
function exitCounts(events: readonly ReplayEvent[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of events) if (e.kind === 'exit' || e.kind === 'side') counts.set(`${e.trace}/${e.exit}`, e.count);
  return counts;
}

function writeReplayReport(file: string, collector: ReportCollector, r: { file: string; policy: Policy; assembled: AssembledSet; result: ReplayResult; notes: string[] }): void {
  for (const t of r.assembled.traces) collector.addTrace(t);
  const run = collector.finish({
    title: `${r.file} (policy ${r.policy})`, command: 'tracesim replay', file: r.file, policy: r.policy,
    exitCode: r.result.violations.length > 0 ? 1 : 0, source: null,
    output: [...r.notes, ...r.result.events.map(formatReplayEvent)].join('\n'),
    exits: exitCounts(r.result.events), violations: r.result.violations,
  });
  writeHtmlReport(file, reportDocument(`tracesim report: ${r.file}`, [run]));
}

function paintEvent(event: ReplayEvent): string {
  const text = formatReplayEvent(event);
  return event.kind === 'violation' ? paint.error(text) : text;
}

interface ReplayArgs {
  file: string;
  listing?: boolean;
  json?: boolean;
  policy: Policy;
  'on-violation': 'stop' | 'continue';
  regs?: number;
  html?: string;
}

export const replayCommand: CommandModule<object, ReplayArgs> = {
  command: 'replay <file>',
  describe: 'Assemble a trace file and replay its scenario on the CPU model under the host-stack monitor',
  builder: (y) => y
    .positional('file', { type: 'string', demandOption: true, describe: 'trace file (-jdump IR blocks and a ---- SCENARIO)' })
    .option('listing', { type: 'boolean', describe: 'print each trace\'s IR and mcode (-jdump style) before the events' })
    .option('json', { type: 'boolean', describe: 'print the result as JSON' })
    .option('policy', {
      type: 'string', choices: POLICIES, default: 'fixed' as Policy,
      describe: 'down-recursion policy. The file states its links literally, so the policy never changes the code: under fixed (LuaJIT after cae36118) a `policy:` note marks every side trace that stops with down-recursion, which fixed LuaJIT never lets happen; luajit-2022 (2.1.0-beta3) allows it and prints no note',
    })
    .option('on-violation', { type: 'string', choices: ['stop', 'continue'] as const, default: 'stop' as const, describe: 'stop at the first violation, or log each one and go on' })
    .option('regs', { type: 'number', describe: 'registers the backend may allocate (small values force spills)' })
    .option('html', { type: 'string', requiresArg: true, describe: 'also write a self-contained HTML report to FILE: trace graph, IR and mcode per trace, rsp timeline, exits and violations' })
    .example('$0 replay packages/ir/examples/sum-side.trace --listing', '')
    .example('$0 replay examples/issue1169.trace --policy luajit-2022 --html 1169.html', 'write the replay as an HTML report')
    .epilogue('Exit status: 0 no violation, 1 a host-stack contract violation, 2 bad input.'),
  handler: (args) => {
    const text = readTraceFile(args.file);
    if (args.html !== undefined) checkReportFile(args.html);
    const collector = args.html === undefined ? undefined : new ReportCollector();
    const { set, assembled, result } = replayTraceFile(text, args.file, { regs: checkRegs(args.regs), onViolation: args['on-violation'], checkpoint: collector?.checkpoint });
    const notes = policyNotes(set, args.policy);
    if (collector && args.html !== undefined) writeReplayReport(args.html, collector, { file: args.file, policy: args.policy, assembled, result, notes });
    if (args.json) {
      const traces = args.listing ? { traces: assembled.traces.map((t) => ({ number: t.trace.number, address: '0x' + t.address.toString(16), bytes: t.bytes.length, spadjust: t.spadjust, listing: t.listing })) } : {};
      process.stdout.write(JSON.stringify({ file: args.file, policy: args.policy, notes, ...traces, ...replayJson(result) }, null, 2) + '\n');
    } else {
      const lines = [
        ...(args.listing ? listingLines(assembled).map((l) => (l.startsWith('----') ? paint.strong(l) : l)) : []),
        ...notes.map(paint.warn),
        ...result.events.map(paintEvent),
      ];
      process.stdout.write(lines.map((l) => l + '\n').join(''));
    }
    if (result.violations.length > 0) process.exitCode = 1;
  },
};
