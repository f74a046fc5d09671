// `tracesim lint DUMP... [--format text|json|junit|tap]`: the static host-stack check of real
// `luajit -jdump=+rsm` listings (and tracesim's own). Each trace's rsp is tracked through its
// mcode from the entry the contract gives it; every exit, tail jump and call is checked. One
// result per file. Exit 2 if any file is bad input, else 1 if any finding, else 0.
import type { CommandModule } from 'yargs';
import { describeFinding, findingJson, lintDump } from '@tracesim/lint';
import { FORMAT_OPTION, resultOf, writeReport, type Problem, type ReportFormat } from '../reports/file-results';
import { readTraceFile } from './replay';

/** The lint's findings for one dump, as report problems. */
export function lintProblems(file: string, text: string): Problem[] {
  return lintDump(text, file).findings.map((f) => ({ kind: f.kind, trace: f.trace, text: describeFinding(f), json: findingJson(f) }));
}

interface LintArgs {
  dumps: string[];
  format: ReportFormat;
}

export const lintCommand: CommandModule<object, LintArgs> = {
  command: 'lint <dumps..>',
  describe: 'Check the host stack statically in -jdump listings (luajit -jdump=+rsm,FILE): every exit, link and call of every trace',
  builder: (y) => y
    .positional('dumps', { type: 'string', array: true, demandOption: true, describe: '-jdump text files with mcode sections (flag m)' })
    .option('format', FORMAT_OPTION)
    .example('luajit -jdump=+rsm,prog.jdump prog.lua; $0 lint prog.jdump', '')
    .example('$0 lint dumps/*.jdump --format junit > lint.xml', '')
    .epilogue([
      'rsp is tracked as an offset from rsp0 (the on-trace rsp of a root trace): a root starts at rsp0, a side trace at',
      'rsp0 - parent.spadjust, each trace\'s spadjust being read off its head. Exits must be taken at rsp0 - spadjust,',
      'links and exit_interp must find what their target needs, calls need 16-byte alignment, and rsp never rises above rsp0.',
      'Exit status: 2 if any file is bad input, else 1 if any finding, else 0.',
    ].join('\n')),
  handler: (args) => {
    const results = args.dumps.map((file) => resultOf(file, () => lintProblems(file, readTraceFile(file))));
    writeReport(results, args.format, { noun: 'finding', suite: 'tracesim lint' });
  },
};
