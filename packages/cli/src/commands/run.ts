// `tracesim run prog.lua [--jit on|off] [-O opts]`: runs a Lua program. Only the interpreter
// exists so far: `--jit on` makes the hot counters tick (no trace compiler is attached yet).
import type { CommandModule } from 'yargs';
import { LuaInterpreter, compileLua, readLuaSource } from '@tracesim/lua';

interface RunArgs {
  file: string;
  jit: string;
  O?: string | string[];
  'max-steps': number;
}

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run <file>',
  describe: 'Run a Lua program (interpreter; the JIT is not wired in yet)',
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'Lua source file' })
      .option('jit', { type: 'string', choices: ['on', 'off'], default: 'off', describe: 'JIT on (hot counters tick) or off' })
      .option('O', { type: 'string', requiresArg: true, describe: 'JIT options as luajit -O takes them, e.g. hotloop=1,hotexit=2 or 3' })
      .option('max-steps', { type: 'number', default: 1e9, describe: 'bytecode budget before the run is stopped' }),
  handler: (args) => {
    const vm = new LuaInterpreter({
      output: (text) => process.stdout.write(Buffer.from(text, 'latin1')),
      jit: args.jit === 'on',
      jitOptions: [args.O ?? []].flat().join(','),
      maxInstructions: args['max-steps'],
    });
    vm.run(compileLua(readLuaSource(args.file), args.file));
  },
};
