// `tracesim check FILES... [--format text|json|junit|tap] [--regs N]`: one CI step for trace
// files and -jdump listings. A trace file's scenario is replayed under the host-stack monitor
// (stopping at the first violation); a dump (a file with `---- TRACE N mcode` sections) is
// linted. One result per file: passed, failed (with its violations) or error (bad input, with its
// location). Exit 2 if any file is bad input, else 1 if any violation, else 0.
import type { CommandModule } from 'yargs';
import { describeViolation } from '@tracesim/cpu-sim';
import { replayTraceFile, violationJson } from '@tracesim/jit';
import { FORMAT_OPTION, resultOf, writeReport, type Problem, type ReportFormat } from '../reports/file-results';
import { lintProblems } from './lint';
import { readTraceFile } from './replay';
import { checkRegs } from '../number-option';

const DUMP_MCODE = /^---- TRACE \d+ mcode \d+\r?$/m;

function checkFile(file: string, regs: number | undefined): Problem[] {
  const text = readTraceFile(file);
  if (DUMP_MCODE.test(text)) return lintProblems(file, text);
  const { result } = replayTraceFile(text, file, { regs, onViolation: 'stop' });
  return result.violations.map((v) => ({ kind: v.kind, trace: v.trace, text: describeViolation(v), json: violationJson(v) as Record<string, unknown> }));
}

interface CheckArgs {
  files: string[];
  format: ReportFormat;
  regs?: number;
}

export const checkCommand: CommandModule<object, CheckArgs> = {
  command: 'check <files..>',
  describe: 'For CI: replay trace files and lint -jdump listings, one result per file (passed / failed with violations / error)',
  builder: (y) => y
    .positional('files', { type: 'string', array: true, demandOption: true, describe: 'trace files, and -jdump listings with mcode (linted as by `tracesim lint`)' })
    .option('format', FORMAT_OPTION)
    .option('regs', { type: 'number', describe: 'registers the backend may allocate for trace files (small values force spills)' })
    .example('$0 check traces/*.trace --format junit > report.xml', '')
    .example('$0 check examples/issue1169.trace fixtures/lint/lj-1169-repro.jdump', '')
    .epilogue('Exit status: 2 if any file is bad input, else 1 if any file has a violation, else 0.'),
  handler: (args) => {
    const regs = checkRegs(args.regs);
    const results = args.files.map((file) => resultOf(file, () => checkFile(file, regs)));
    writeReport(results, args.format, { noun: 'violation', suite: 'tracesim check' });
  },
};
