// `tracesim bc prog.lua`: the program's LuaJIT 2.1 bytecode listing, in `luajit -bl` format.
import type { CommandModule } from 'yargs';
import { compileLua, listBytecode, readLuaSource } from '@tracesim/lua';

interface BcArgs {
  file: string;
}

export const bcCommand: CommandModule<object, BcArgs> = {
  command: 'bc <file>',
  describe: 'List the LuaJIT-style bytecode of a Lua program (as luajit -bl prints it)',
  builder: (y) => y.positional('file', { type: 'string', demandOption: true, describe: 'Lua source file' }),
  handler: (args) => {
    const main = compileLua(readLuaSource(args.file), args.file);
    process.stdout.write(Buffer.from(listBytecode(main), 'latin1'));
  },
};
