// The command table: one yargs module per capability, each in its own file.
import type { CommandModule } from 'yargs';
import { bcCommand } from './bc';
import { runCommand } from './run';
import { asmCommand } from './asm';
import { disasmCommand } from './disasm';
import { execCommand } from './exec';
import { demoCommand } from './demo';
import { replayCommand } from './replay';
import { checkCommand } from './check';
import { lintCommand } from './lint';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const COMMANDS: CommandModule<any, any>[] = [
  asmCommand,
  disasmCommand,
  execCommand,
  bcCommand,
  runCommand,
  demoCommand,
  replayCommand,
  checkCommand,
  lintCommand,
];
