// Shared test helpers: repository paths and running a chunk with collected output.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
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

/** Runs one generated script under `luajit -joff` (one process for a whole batch of cases): its stdout. */
export function runLuajit(script: string, chunkname: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'luajit-oracle-'));
  try {
    fs.writeFileSync(path.join(dir, chunkname), script, 'latin1');
    return execFileSync('luajit', ['-joff', chunkname], { cwd: dir, encoding: 'latin1', maxBuffer: 1 << 26 });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new Error('this oracle test needs the real LuaJIT 2.1 as `luajit` on PATH (scripts/check-tools.sh installs it)');
    throw new Error(`luajit failed on the generated script: ${e.stderr ?? e.message}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
