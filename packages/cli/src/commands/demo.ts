// `tracesim demo [name]`: built-in demonstrations for teaching and for the Quick start.
// The demo table names each one; the default catches LuaJIT #1169 in machine code.
import type { CommandModule } from 'yargs';
import { issue1169McodeDemo } from '../demos/issue1169-mcode';
import { issue1169LuaDemo } from '../demos/issue1169-lua';
import { CommandInputError } from '../failure';
import { checkReportFile, writeHtmlReport } from '../html/report-page';
import { paint } from '../colour';

interface Demo {
  readonly summary: string;
  /** Prints the demo (and writes the HTML report when asked); returns true when it showed what it promises. */
  readonly run: (html: string | undefined) => boolean;
}

const DEMOS: Record<string, Demo> = {
  'issue1169-mcode': {
    summary: 'a side trace that links down-recursion to itself drifts rsp by its parent frame each lap (LuaJIT #1169), caught by the host-stack monitor; then the fixed link runs clean',
    run: (html) => {
      if (html !== undefined) throw new CommandInputError('this demo has no HTML report; try `tracesim demo issue1169 --html FILE`', '--html');
      const { lines, unfixed, fixed } = issue1169McodeDemo();
      for (const line of lines) {
        const coloured = /^(side-entry|rsp-above|exit-interp|guard-exit|root-entry|c-frame)/.test(line) ? paint.error(line) : line.startsWith('----') ? paint.strong(line) : line;
        process.stdout.write(coloured + '\n');
      }
      return unfixed.violations.length > 0 && fixed.violations.length === 0;
    },
  },
  issue1169: {
    summary: 'the Lua reproducer of LuaJIT #1169 under both policies: the traces forming, the side trace linking to itself, rsp climbing by its parent\'s frame, then the fixed run; --html FILE writes it as a report',
    run: (html) => {
      if (html !== undefined) checkReportFile(html);
      const { document, unfixed, fixed } = issue1169LuaDemo();
      document.narrative.forEach((step, n) => process.stdout.write(`${n + 1}. ${step}\n`));
      for (const v of unfixed.violations) process.stdout.write(paint.error(v.text) + '\n');
      if (html !== undefined) {
        writeHtmlReport(html, document);
        process.stdout.write(`report written to ${html}\n`);
      }
      return unfixed.violations.length > 0 && fixed.violations.length === 0;
    },
  },
};

interface DemoArgs {
  name?: string;
  list?: boolean;
  html?: string;
}

export const demoCommand: CommandModule<object, DemoArgs> = {
  command: 'demo [name]',
  describe: 'Run a built-in demonstration (default: issue1169-mcode)',
  builder: (y) =>
    y
      .positional('name', { type: 'string', choices: Object.keys(DEMOS), describe: 'which demo' })
      .option('list', { type: 'boolean', describe: 'list the demos' })
      .option('html', { type: 'string', requiresArg: true, describe: 'write the demo as a self-contained HTML report to FILE (demo issue1169)' })
      .example('$0 demo', 'catch LuaJIT #1169 in machine code on the CPU model')
      .example('$0 demo issue1169 --html 1169.html', 'run the Lua reproducer under both policies and write the report'),
  handler: (args) => {
    if (args.list) {
      for (const [name, demo] of Object.entries(DEMOS)) process.stdout.write(`${name}  ${demo.summary}\n`);
      return;
    }
    const ok = DEMOS[args.name ?? 'issue1169-mcode'].run(args.html);
    if (!ok) process.exitCode = 1;
  },
};
