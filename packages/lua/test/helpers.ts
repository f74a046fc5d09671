// Shared test helpers: repository paths and running a chunk with collected output.
import * as path from 'path';
import { LuaInterpreter, compileLua } from '../src';
import type { InterpreterOptions } from '../src';

export const REPO = path.join(__dirname, '../../..');
export const CORPUS = path.join(REPO, 'fixtures/corpus');
export const CONFORMANCE = path.join(__dirname, 'conformance');
export const BYTECODE_FIXTURES = path.join(__dirname, 'fixtures/bytecode');

/** The script arguments every conformance case is recorded with. */
export const CASE_ARGUMENTS = ['a1', 'a2'];

export interface Outcome {
  output: string;
  /** `location: message` of the typed error, if the run failed. */
  error?: string;
  vm: LuaInterpreter;
}

export function runChunk(source: string, chunkname: string, options: Partial<InterpreterOptions> = {}): Outcome {
  let output = '';
  const vm = new LuaInterpreter({ ...options, output: (text) => (output += text) });
  try {
    // Conformance cases are recorded as `lua5.1 case.lua a1 a2` (scripts/record-conformance.sh).
    vm.run(compileLua(source, chunkname), vm.setScriptArguments(chunkname, CASE_ARGUMENTS));
    return { output, vm };
  } catch (err) {
    const e = err as Error & { location?: string };
    if (typeof e.location !== 'string') throw err;
    return { output, error: `${e.location}: ${e.message}`, vm };
  }
}
