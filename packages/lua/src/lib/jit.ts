// The jit library (lib_jit.c): jit.on/off/status, jit.opt.start and the version fields.
import { checkString } from './args';
import type { Library } from './library';

export const jitLibrary: Library = (vm) => ({
  functions: {
    on: () => vm.setJit(true),
    off: () => vm.setJit(false),
    status: () => [vm.jitEnabled, ...vm.jit.enabledFlags().map((f) => vm.heap.str(f))],
    // jit.flush(): every trace goes (a function or trace number argument flushes all of them here).
    flush: () => vm.flushTraces(),
    attach: () => undefined,
  },
  values: { version: vm.heap.str('LuaJIT 2.1.0-beta3'), version_num: 20100, arch: vm.heap.str('x64'), os: vm.heap.str('Linux') },
});

export const jitOptLibrary: Library = (vm) => ({
  functions: {
    start: (args, call) => {
      for (let i = 0; i < args.length; i++) {
        const item = checkString(args, i, call);
        let changed;
        try {
          changed = vm.jit.apply(item, vm.where(1).replace(/: $/, ''));
        } catch {
          return call.error(vm.heap.str(`unknown or malformed optimization flag '${item}'`), 1);
        }
        if (changed.includes('hotloop')) vm.resetHotCounters();
      }
    },
  },
});
