// The os library (lib_os.c) on tracesim's virtual clock, so a run never depends on the wall
// clock: os.clock counts the bytecodes executed (at a nominal 10^8 per second), os.time starts
// at 2026-01-01 00:00:00 UTC and advances with os.clock. Dates are UTC. os.getenv reads the
// host's environment; os.exit ends the program with its status.
import { LuaTable } from '../table';
import { LuaString } from '../value';
import type { LuaValue } from '../value';
import { checkInt, checkNumber, checkTable, optString } from './args';
import type { Library } from './library';
import { formatDate, dateTable } from './os-date';

/** Bytecodes per virtual second. */
const BYTECODES_PER_SECOND = 1e8;
/** What os.time() says at the start of every run. */
const EPOCH = Date.UTC(2026, 0, 1) / 1000;

/** os.exit(): the program asked to end with this status. */
export class LuaExit {
  constructor(readonly status: number) {}
}

export const osLibrary: Library = (vm) => {
  const str = (s: string) => vm.heap.str(s);
  const clock = () => vm.executed / BYTECODES_PER_SECOND;
  const field = (t: LuaTable, name: string, def?: number): number => {
    const v = t.get(str(name));
    if (typeof v === 'number') return v;
    if (v === undefined && def !== undefined) return def;
    return vm.raise(`field '${name}' missing in date table`);
  };
  return {
    functions: {
      clock: () => clock(),
      time: (args, call) => {
        if (args[0] === undefined) return Math.floor(EPOCH + clock());
        const t = checkTable(args, 0, call);
        const ms = Date.UTC(field(t, 'year'), field(t, 'month') - 1, field(t, 'day'), field(t, 'hour', 12), field(t, 'min', 0), field(t, 'sec', 0));
        return Number.isFinite(ms) ? ms / 1000 : undefined;
      },
      date: (args, call) => {
        const format = optString(args, 0, '%c', call);
        const t = args[1] === undefined ? Math.floor(EPOCH + clock()) : checkNumber(args, 1, call);
        const utc = format.replace(/^!/, '');
        if (utc.startsWith('*t')) return dateTable(vm, t);
        return str(formatDate(utc, t));
      },
      difftime: (args, call) => checkNumber(args, 0, call) - (args[1] === undefined ? 0 : checkNumber(args, 1, call)),
      getenv: (args, call) => {
        const v = vm.host.getenv?.(optString(args, 0, '', call));
        return v === undefined ? [undefined] : str(v);
      },
      exit: (args, call) => {
        const code: LuaValue = args[0];
        const status = code === undefined || code === true ? 0 : code === false ? 1 : checkInt(args, 0, call);
        vm.flushOutput();
        throw new LuaExit(status);
      },
      setlocale: (args) => (args[0] === undefined || (args[0] instanceof LuaString && (args[0].s === 'C' || args[0].s === '')) ? str('C') : [undefined]),
      remove: () => vm.notSupported('os.remove'),
      rename: () => vm.notSupported('os.rename'),
      tmpname: () => vm.notSupported('os.tmpname'),
      execute: () => vm.notSupported('os.execute'),
    },
  };
};
