// One-call entry point: compile a chunk and run it on a fresh interpreter.
import { compileLua } from './compiler';
import { LuaInterpreter } from './interpreter';
import type { InterpreterOptions } from './interpreter';

export interface RunOptions extends Omit<InterpreterOptions, 'output'> {
  /** Receives output as it is produced; when absent it is collected into the result. */
  readonly output?: (text: string) => void;
}

export interface RunResult {
  readonly output: string;
  /** Bytecodes executed. */
  readonly executed: number;
  readonly interpreter: LuaInterpreter;
}

export function runLua(source: string, chunkname: string, options: RunOptions = {}): RunResult {
  const chunks: string[] = [];
  const interpreter = new LuaInterpreter({ ...options, output: options.output ?? ((text) => chunks.push(text)) });
  const main = compileLua(source, chunkname);
  interpreter.run(main);
  return { output: chunks.join(''), executed: interpreter.executed, interpreter };
}
