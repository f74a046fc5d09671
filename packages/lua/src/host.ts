// What a program may read from the machine it runs on, for a command-line run: files relative
// to the working directory (dofile, loadfile, require, io.open for reading), standard input
// (read whole on first use) and the environment.
import { readFileSync } from 'fs';
import type { HostAccess } from './interpreter';

export function hostAccess(): HostAccess {
  let stdin: string | undefined;
  return {
    readFile: (path) => {
      try {
        return readFileSync(path, 'latin1');
      } catch {
        return undefined;
      }
    },
    readStdin: () => {
      if (stdin === undefined) {
        try {
          stdin = readFileSync(0, 'latin1');
        } catch {
          stdin = '';
        }
      }
      return stdin;
    },
    getenv: (name) => process.env[name],
  };
}
