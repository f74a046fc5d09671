// The coroutine library (lib_base.c's coroutine_*): create, status, running, isyieldable,
// and the frame builtins resume, yield and the functions wrap makes (coroutine.ts switches
// threads for them).
import { LuaFunction, LuaThread } from '../value';
import { argTypeName } from './args';
import type { Library } from './library';

export const coroutineLibrary: Library = (vm) => {
  const co = vm.coroutines;
  return {
    functions: {
      create: (args, call) => {
        const fn = args[0];
        if (!(fn instanceof LuaFunction)) return call.argError(1, `function expected, got ${argTypeName(args, 0)}`);
        return co.create(fn);
      },
      status: (args, call) => {
        const t = args[0];
        if (!(t instanceof LuaThread)) return call.argError(1, 'coroutine expected');
        return vm.heap.str(co.status(t));
      },
      running: () => [vm.thread === vm.mainThread ? undefined : vm.thread],
      isyieldable: () => co.yieldable(),
      resume: () => undefined,
      yield: () => undefined,
      wrap: (args, call) => {
        const fn = args[0];
        if (!(fn instanceof LuaFunction)) return call.argError(1, `function expected, got ${argTypeName(args, 0)}`);
        const thread = co.create(fn);
        const wrapped = vm.heap.builtin('coroutine.wrap_aux', () => undefined);
        vm.calls.frameBuiltins.set(wrapped, (fa, nargs) => co.resume(thread, fa, fa + 16, nargs, true));
        return wrapped;
      },
    },
    install: () => {
      vm.calls.frameBuiltins.set(vm.builtin('coroutine.resume'), (fa, nargs) => {
        const t = vm.stack.get(fa + 16);
        if (!(t instanceof LuaThread)) throw vm.argErrorAt(fa, 'resume', 1, 'coroutine expected');
        return co.resume(t, fa, fa + 24, Math.max(nargs - 1, 0), false);
      });
      vm.calls.frameBuiltins.set(vm.builtin('coroutine.yield'), (fa, nargs) => co.yield(fa, nargs));
    },
  };
};
