// `tracesim demo [name]`: built-in demonstrations for teaching and for the Quick start.
// The demo table names each one; the default catches LuaJIT #1169 in machine code.
import type { CommandModule } from 'yargs';
import { issue1169McodeDemo } from '../demos/issue1169-mcode';
import { paint } from '../colour';

interface Demo {
  readonly summary: string;
  /** Prints the demo; returns true when it showed what it promises. */
  readonly run: () => boolean;
}

const DEMOS: Record<string, Demo> = {
  'issue1169-mcode': {
    summary: 'a side trace that links down-recursion to itself drifts rsp by its parent frame each lap (LuaJIT #1169), caught by the host-stack monitor; then the fixed link runs clean',
    run: () => {
      const { lines, unfixed, fixed } = issue1169McodeDemo();
      for (const line of lines) {
        const coloured = /^(side-entry|rsp-above|exit-interp|guard-exit|root-entry|c-frame)/.test(line) ? paint.error(line) : line.startsWith('----') ? paint.strong(line) : line;
        process.stdout.write(coloured + '\n');
      }
      return unfixed.violations.length > 0 && fixed.violations.length === 0;
    },
  },
};

interface DemoArgs {
  name?: string;
  list?: boolean;
}

export const demoCommand: CommandModule<object, DemoArgs> = {
  command: 'demo [name]',
  describe: 'Run a built-in demonstration (default: issue1169-mcode)',
  builder: (y) =>
    y
      .positional('name', { type: 'string', choices: Object.keys(DEMOS), describe: 'which demo' })
      .option('list', { type: 'boolean', describe: 'list the demos' })
      .example('$0 demo', 'catch LuaJIT #1169 in machine code on the CPU model'),
  handler: (args) => {
    if (args.list) {
      for (const [name, demo] of Object.entries(DEMOS)) process.stdout.write(`${name}  ${demo.summary}\n`);
      return;
    }
    const ok = DEMOS[args.name ?? 'issue1169-mcode'].run();
    if (!ok) process.exitCode = 1;
  },
};
