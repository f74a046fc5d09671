// A minimal ffi (lib_ffi.c), enough for LuaJIT's stack-bug reproducers: require('ffi'),
// ffi.typeof/new/cast/istype/sizeof/alignof/abi for int64_t and uint64_t, callable ctypes,
// and the cdata metamethods (arithmetic, comparison, errors) of lj_carith.c. Everything else
// in the real ffi (cdef, C, load, structs, pointers) is reported as not supported.
import { CTYPE_NAMES } from '../ctype';
import type { CType } from '../ctype';
import type { LuaInterpreter } from '../interpreter';
import { LuaCdata, LuaString } from '../value';
import type { BuiltinCall, BuiltinFn, LuaValue } from '../value';
import { argTypeName } from './args';
import { INT64_COMPARE, INT64_OPS, int64Operands, numberToInt64, operandName } from './ffi-arith';
import type { Library } from './library';

const NOT_MODELLED = ['cdef', 'load', 'metatype', 'gc', 'string', 'copy', 'fill', 'errno', 'offsetof', 'typeinfo'] as const;

/** The ctype a ffi function's first argument names: a C type name or a cdata (whose type it is). */
function ctypeOf(vm: LuaInterpreter, v: LuaValue, call: BuiltinCall): CType {
  if (v instanceof LuaCdata) return v.ctype;
  if (!(v instanceof LuaString)) return call.argError(1, `C type expected, got ${argTypeName([v], 0)}`);
  const name = v.s.trim().replace(/\s+/g, ' ');
  const ctype = CTYPE_NAMES.get(name);
  if (ctype === undefined) return vm.notSupported(`ffi C type '${name}' (the ffi models int64_t and uint64_t)`);
  return ctype;
}

/** A new cdata of `ctype` from an initializer (ffi.new / ffi.cast / calling a ctype). */
function convert(vm: LuaInterpreter, ctype: CType, init: LuaValue, call: BuiltinCall): LuaCdata {
  if (init === undefined) return vm.heap.cdata(ctype, 0n);
  if (typeof init === 'number') return vm.heap.cdata(ctype, numberToInt64(ctype, init));
  if (init instanceof LuaCdata && !init.isCtype) return vm.heap.cdata(ctype, BigInt[ctype.unsigned ? 'asUintN' : 'asIntN'](64, init.value));
  return call.error(vm.heap.str(`cannot convert '${operandName(init)}' to '${ctype.name}'`), 1);
}

export const ffiLibrary: Library = (vm) => {
  const str = (s: string) => vm.heap.str(s);
  const functions: Record<string, BuiltinFn> = {
    typeof: (args, call) => vm.heap.cdata(ctypeOf(vm, args[0], call), 0n, true),
    new: (args, call) => convert(vm, ctypeOf(vm, args[0], call), args[1], call),
    cast: (args, call) => convert(vm, ctypeOf(vm, args[0], call), args[1], call),
    istype: (args, call) => {
      const ctype = ctypeOf(vm, args[0], call);
      const v = args[1];
      return v instanceof LuaCdata && !v.isCtype && v.ctype === ctype;
    },
    sizeof: (args, call) => ctypeOf(vm, args[0], call).bits / 8,
    alignof: (args, call) => ctypeOf(vm, args[0], call).bits / 8,
    abi: (args) => {
      const what = args[0] instanceof LuaString ? args[0].s : '';
      return ['64bit', 'le', 'fpu', 'gc64'].includes(what);
    },
  };
  for (const name of NOT_MODELLED) functions[name] = () => vm.notSupported(`ffi.${name}`);
  return {
    functions,
    values: { os: str('Linux'), arch: str('x64') },
    install: (ffi) => {
      vm.meta.cdataMeta = cdataMetatable(vm);
      // ffi is not a global: require('ffi') loads it (package.preload), as LuaJIT's is.
      vm.globals.set(str('ffi'), undefined);
      vm.preloads.set('ffi', vm.heap.builtin('ffi loader', () => ffi));
    },
  };
};

/** The metatable every cdata shares: LuaJIT's cdata metamethods for 64-bit integers and ctypes. */
function cdataMetatable(vm: LuaInterpreter) {
  const str = (s: string) => vm.heap.str(s);
  const mt = vm.heap.table();
  const set = (name: string, fn: BuiltinFn) => mt.set(str(name), vm.heap.builtin(`cdata ${name}`, fn));
  for (const [event, op] of Object.entries(INT64_OPS)) {
    set(event, (args, call) => {
      const [a, b] = event === '__unm' ? [args[0], args[0]] : [args[0], args[1]];
      const operands = int64Operands(a, b);
      if (!operands) return call.error(str(`attempt to perform arithmetic on '${operandName(a)}' and '${operandName(b)}'`), 1);
      return vm.heap.cdata(operands.ctype, op(operands.ctype, operands.x, operands.y));
    });
  }
  for (const [event, cmp] of Object.entries(INT64_COMPARE)) {
    set(event, (args, call) => {
      const operands = int64Operands(args[0], args[1]);
      if (operands) return cmp(operands.x, operands.y);
      if (event === '__eq') return false;
      return call.error(str(`attempt to compare '${operandName(args[0])}' with '${operandName(args[1])}'`), 1);
    });
  }
  set('__concat', (args, call) => call.error(str(`attempt to concatenate '${operandName(args[0])}' and '${operandName(args[1])}'`), 1));
  set('__len', (args, call) => call.error(str(`attempt to get length of '${operandName(args[0])}'`), 1));
  set('__index', (args, call) => call.error(str(`'${operandName(args[0])}' cannot be indexed`), 1));
  set('__newindex', (args, call) => call.error(str(`'${operandName(args[0])}' cannot be indexed`), 1));
  set('__call', (args, call) => {
    const self = args[0];
    if (!(self instanceof LuaCdata) || !self.isCtype) return call.error(str(`'${operandName(self)}' is not callable`), 1);
    return convert(vm, self.ctype, args[1], call);
  });
  return mt;
}
