// Calls, returns and the frames between them, laid out as LuaJIT's GC64 (FR2) frames: a Lua
// frame's link is its return PC; other links are delta|type (lj_frame.h): FRAME_C for the
// bottom of a stack and for a builtin calling back into Lua (lua_call), FRAME_CONT for a
// metamethod's continuation (lj_cont_ra, _nop, _condt, _condf, _cat), FRAME_VARG below a
// vararg function's fixed arguments, FRAME_PCALL/FRAME_PCALLH for pcall/xpcall. Errors unwind
// along the same links to the innermost pcall frame.
import { BC, insA, insB, insJ } from './bytecode';
import { LuaThrow } from './interpreter';
import type { LuaInterpreter } from './interpreter';
import { FRAME_C, FRAME_CONT, FRAME_DELTA_MASK, FRAME_PCALL, FRAME_PCALLH, FRAME_VARG, frameType, isLuaFrame } from './stack';
import { LuaFunction, truthy, typeName } from './value';
import type { LuaValue } from './value';

/** What a metamethod's result does when it returns into its continuation frame. */
export const CONT = {
  /** Store the result into the A register of the instruction that called it (lj_cont_ra). */
  ra: 1,
  /** Ignore the result (__newindex; lj_cont_nop). */
  nop: 2,
  /** Branch if the result is true (lj_cont_condt) / false (lj_cont_condf). */
  condt: 3,
  condf: 4,
  /** Go on concatenating (lj_cont_cat). */
  cat: 5,
} as const;
export type ContKind = (typeof CONT)[keyof typeof CONT];

/** Nested builtin → Lua calls allowed (LUAI_MAXCCALLS). */
const MAX_C_CALLS = 200;

/** callAt's answers besides a result count: a Lua frame is running now … */
export const ENTERED = -1;
/** … or a frame builtin's answer went back into a C frame (the dispatch loop running it ends). */
export const RETURNED_TO_C = -2;

/**
 * A builtin that manipulates frames itself instead of answering values (pcall, xpcall,
 * coroutine.resume/yield): called with the function slot `fa` (its link at fa+8, arguments
 * from fa+16), it answers ENTERED or RETURNED_TO_C when it left the interpreter elsewhere, or
 * the number of results it wrote at fa.
 */
export type FrameBuiltin = (fa: number, nargs: number) => number;

export class Calls {
  readonly frameBuiltins = new Map<LuaFunction, FrameBuiltin>();
  /** Builtins running Lua code through callValue right now (C frames on the host stack). */
  cDepth = 0;

  constructor(private readonly vm: LuaInterpreter) {}

  /**
   * Calls the value at `fa` with `nargs` arguments at fa+16…; its link is at fa+8 already.
   * Answers ENTERED if a Lua frame was entered (the interpreter's base/cl/pc point into it),
   * RETURNED_TO_C, or the number of results a builtin left at fa. `slot` names the callee in errors.
   */
  callAt(fa: number, nargs: number, slot = -1): number {
    const vm = this.vm;
    let fn = vm.stack.get(fa);
    if (!(fn instanceof LuaFunction)) {
      // lj_meta_call: the object becomes the first argument of its __call metamethod.
      const mm = vm.meta.lookup(fn, '__call');
      if (!(mm instanceof LuaFunction)) {
        // Called from a builtin (pcall's f) there is no Lua caller to name a position or a variable.
        if (!isLuaFrame(vm.stack.link(fa + 8))) throw new LuaThrow(vm.heap.str(`attempt to call a ${typeName(fn)} value`));
        throw vm.typeError('call', fn, slot);
      }
      for (let i = nargs; i > 0; i--) vm.stack.copy(fa + 16 + 8 * i, fa + 8 + 8 * i);
      vm.stack.set(fa + 16, fn);
      vm.stack.set(fa, mm);
      nargs++;
      fn = mm;
    }
    if (fn.proto !== null) {
      this.enterLua(fn, fa + 16, nargs);
      return ENTERED;
    }
    const special = this.frameBuiltins.get(fn);
    if (special !== undefined) return special(fa, nargs);
    return vm.callBuiltin(fn, fa, nargs);
  }

  /** Enters Lua function `fn` with its frame at BASE `nb` (function slot and link already written). */
  enterLua(fn: LuaFunction, nb: number, nargs: number): void {
    const vm = this.vm;
    const p = fn.proto!;
    if (nb + 8 * p.framesize > vm.stackLimit) throw vm.runtimeError('stack overflow');
    for (let i = nargs; i < p.numparams; i++) vm.stack.setNil(nb + 8 * i);
    vm.base = nb;
    vm.cl = fn;
    vm.pc = 0;
    vm.callNargs = nargs;
  }

  /**
   * FUNCV (vm_x64's BC_FUNCV): the fixed arguments move above the passed ones, under a
   * FRAME_VARG link whose delta leads back to the original frame; VARG finds the extra
   * arguments between the two.
   */
  varargFrame(base: number, nargs: number): number {
    const vm = this.vm;
    const p = vm.cl.proto!;
    const delta = 8 * nargs + 16;
    const nb = base + delta;
    if (nb + 8 * p.framesize > vm.stackLimit) throw vm.runtimeError('stack overflow');
    vm.stack.copy(nb - 16, base - 16);
    vm.stack.setLink(nb - 8, delta | FRAME_VARG);
    for (let i = 0; i < p.numparams; i++) {
      if (i < nargs) {
        vm.stack.copy(nb + 8 * i, base + 8 * i);
        vm.stack.setNil(base + 8 * i);
      } else vm.stack.setNil(nb + 8 * i);
    }
    return nb;
  }

  /** VARG: the extra arguments of the vararg frame at `base` (start address and count). */
  varargs(base: number, numparams: number): [at: number, count: number] {
    const delta = this.vm.stack.link(base - 8) & FRAME_DELTA_MASK;
    return [base - delta + 8 * numparams, Math.max((delta - 16) / 8 - numparams, 0)];
  }

  /**
   * Returns `n` values found at `src` from the frame at `base` through its `link` (read
   * before the results may overwrite it). Answers false when the frame returned into a C
   * frame (the bottom of a stack or a builtin's callValue): multres = n, results at base-16.
   */
  returnVia(link: number, base: number, src: number, n: number): boolean {
    const vm = this.vm;
    const stack = vm.stack;
    for (;;) {
      const type = frameType(link);
      if (type === 0) {
        for (let i = 0; i < n; i++) stack.copy(base - 16 + 8 * i, src + 8 * i);
        this.returnToLua(link, base - 16, n);
        return true;
      }
      if (type === FRAME_VARG) {
        base -= link & FRAME_DELTA_MASK;
        link = stack.link(base - 8);
        continue;
      }
      if (type === FRAME_PCALL || type === FRAME_PCALLH) {
        // A pcall frame adds `true` in front of the results (chains of `return pcall(f)` add one each).
        const pbase = base - (link & FRAME_DELTA_MASK);
        const plink = stack.link(pbase - 8);
        stack.set(pbase - 16, true);
        for (let i = 0; i < n; i++) stack.copy(pbase - 8 + 8 * i, src + 8 * i);
        link = plink;
        base = pbase;
        src = pbase - 16;
        n++;
        continue;
      }
      if (type === FRAME_CONT) {
        this.continueAfter(base, link, n > 0 ? stack.get(src) : undefined);
        return true;
      }
      for (let i = 0; i < n; i++) stack.copy(base - 16 + 8 * i, src + 8 * i);
      // A coroutine's body returning into its bottom frame ends the coroutine; its resumer goes on.
      if (vm.thread !== vm.mainThread && base === vm.thread.stackBase + 16) return vm.coroutines.finished(base, n);
      vm.multres = n;
      return false;
    }
  }

  /** Finishes a return into the Lua frame whose call instruction precedes `retAddr`: `n` results are at `dst`. */
  private returnToLua(retAddr: number, dst: number, n: number): void {
    const vm = this.vm;
    const callIns = vm.mem.read32(retAddr - 4);
    const callerBase = dst - 8 * insA(callIns);
    const wanted = insB(callIns) - 1;
    if (wanted >= 0) for (let i = n; i < wanted; i++) vm.stack.setNil(dst + 8 * i);
    else vm.multres = n;
    const fn = vm.functionAt(callerBase);
    vm.base = callerBase;
    vm.cl = fn;
    vm.pc = (retAddr - fn.proto!.bcAddress) >>> 2;
  }

  /** Pads or counts a builtin's `n` results at `fa` for a CALL wanting `b - 1` of them. */
  finishBuiltinCall(fa: number, n: number, b: number): void {
    const wanted = b - 1;
    if (wanted >= 0) for (let i = n; i < wanted; i++) this.vm.stack.setNil(fa + 8 * i);
    else this.vm.multres = n;
  }

  // ---- metamethods ---------------------------------------------------------------------------

  /**
   * Calls metamethod `mm` with `args` through a continuation frame (mmcall in lj_meta.c):
   * [cont][PC] [mm][delta|FRAME_CONT] [args…], placed at the frame's top, or at `at` for a
   * concatenation (lj_meta_cat reuses the operand slots). When it returns, the continuation
   * runs and the interpreter goes on in the calling frame (a builtin metamethod returns at once).
   */
  metaCall(cont: ContKind, mm: LuaValue, args: readonly LuaValue[], at?: number): void {
    const vm = this.vm;
    const base = vm.base;
    const top = at ?? base + 8 * vm.cl.proto!.framesize;
    const nb = top + 32;
    if (nb + 8 * args.length > vm.stackLimit) throw vm.runtimeError('stack overflow');
    vm.stack.setLink(top, cont);
    vm.stack.setLink(top + 8, vm.cl.proto!.bcAddress + 4 * vm.pc);
    vm.stack.set(top + 16, mm);
    vm.stack.setLink(top + 24, (nb - base) | FRAME_CONT);
    args.forEach((v, i) => vm.stack.set(nb + 8 * i, v));
    const n = this.callAt(top + 16, args.length);
    if (n >= 0) this.continueAfter(nb, vm.stack.link(nb - 8), n > 0 ? vm.stack.get(top + 16) : undefined);
    else if (n === RETURNED_TO_C) throw new Error('a metamethod answered into a C frame');
  }

  /** A metamethod returned `result` into the continuation frame at `nb`: resume the calling frame. */
  private continueAfter(nb: number, link: number, result: LuaValue): void {
    const vm = this.vm;
    const base = nb - (link & FRAME_DELTA_MASK);
    const cont = vm.stack.link(nb - 32) as ContKind;
    const fn = vm.functionAt(base);
    const p = fn.proto!;
    vm.base = base;
    vm.cl = fn;
    vm.pc = (vm.stack.link(nb - 24) - p.bcAddress) >>> 2;
    const ins = p.bc[vm.pc - 1];
    switch (cont) {
      case CONT.ra:
        vm.stack.set(base + 8 * insA(ins), result);
        break;
      case CONT.nop:
        break;
      case CONT.condt: case CONT.condf:
        // The comparison is followed by its JMP: taken when the condition holds.
        if (truthy(result) === (cont === CONT.condt)) vm.pc += 1 + insJ(p.bc[vm.pc]);
        else vm.pc++;
        break;
      case CONT.cat: {
        const slot = (nb - 32 - base) / 8;
        vm.stack.set(nb - 32, result);
        if ((ins & 0xff) !== BC.CAT) throw new Error('a concatenation continuation returned to a non-CAT instruction');
        vm.meta.concat(slot, insB(ins), insA(ins));
        break;
      }
    }
  }

  // ---- builtins calling Lua (C frames) ------------------------------------------------------

  /**
   * Calls `fn` from a builtin (lua_call): a C frame above everything live, a nested run of the
   * interpreter until it returns into that frame, and the interpreter's position restored.
   */
  callValue(fn: LuaValue, args: readonly LuaValue[]): LuaValue[] {
    const vm = this.vm;
    if (this.cDepth >= MAX_C_CALLS) throw vm.runtimeError('stack overflow');
    const saved = { base: vm.base, pc: vm.pc, cl: vm.cl, top: vm.top, callNargs: vm.callNargs };
    const fa = Math.max(vm.top, vm.base + 8 * (vm.cl.proto?.framesize ?? 0));
    if (fa + 16 + 8 * args.length > vm.stackLimit) throw vm.runtimeError('stack overflow');
    vm.stack.set(fa, fn);
    vm.stack.setLink(fa + 8, (fa + 16 - vm.base) | FRAME_C);
    args.forEach((v, i) => vm.stack.set(fa + 16 + 8 * i, v));
    this.cDepth++;
    try {
      vm.top = fa + 16 + 8 * args.length;
      let n = this.callAt(fa, args.length);
      if (n === ENTERED) vm.execute(true);
      if (n < 0) n = vm.multres;
      const results: LuaValue[] = new Array(n);
      for (let i = 0; i < n; i++) results[i] = vm.stack.get(fa + 8 * i);
      return results;
    } finally {
      this.cDepth--;
      Object.assign(vm, saved);
    }
  }

  // ---- pcall and xpcall ------------------------------------------------------------------------

  /** pcall(f, ...): a FRAME_PCALL frame at fa+16 (f stays in its slot, the link goes above it), then f is called. */
  pcall(fa: number, nargs: number): number {
    const vm = this.vm;
    if (nargs < 1) throw vm.argErrorAt(fa, 'pcall', 1, 'value expected');
    const pbase = fa + 16;
    for (let i = nargs - 1; i >= 1; i--) vm.stack.copy(pbase + 8 * (i + 1), pbase + 8 * i);
    vm.stack.setLink(pbase + 8, 16 | FRAME_PCALL);
    return this.protectedCall(fa, pbase, nargs - 1);
  }

  /** xpcall(f, handler, ...): the handler stays at fa+16, f goes above it in a FRAME_PCALLH frame. */
  xpcall(fa: number, nargs: number): number {
    const vm = this.vm;
    if (nargs < 2) throw vm.argErrorAt(fa, 'xpcall', 2, 'value expected');
    const f = vm.stack.get(fa + 16);
    const handler = vm.stack.get(fa + 24);
    for (let i = nargs - 1; i >= 2; i--) vm.stack.copy(fa + 40 + 8 * (i - 2), fa + 16 + 8 * i);
    vm.stack.set(fa + 16, handler);
    vm.stack.set(fa + 24, f);
    vm.stack.setLink(fa + 32, 24 | FRAME_PCALLH);
    return this.protectedCall(fa, fa + 24, nargs - 2);
  }

  /** Calls the function at `callee` inside the protected frame; a builtin's results or error come back at once. */
  private protectedCall(fa: number, callee: number, nargs: number): number {
    const vm = this.vm;
    let n: number;
    try {
      n = this.callAt(callee, nargs);
    } catch (err) {
      if (!(err instanceof LuaThrow)) throw err;
      const value = this.handled(fa + 16, vm.stack.link(callee + 8), err.value);
      vm.stack.set(fa, false);
      vm.stack.set(fa + 8, value);
      return 2;
    }
    if (n < 0) return n;
    for (let i = 0; i < n; i++) vm.stack.copy(fa + 8 + 8 * i, callee + 8 * i);
    vm.stack.set(fa, true);
    return n + 1;
  }

  /** The error value a pcall frame returns: xpcall's handler (called where the error happened) transforms it. */
  private handled(pbase: number, link: number, value: LuaValue): LuaValue {
    const vm = this.vm;
    if (frameType(link) !== FRAME_PCALLH) return value;
    try {
      return this.callValue(vm.stack.get(pbase), [value])[0];
    } catch (err) {
      if (!(err instanceof LuaThrow)) throw err;
      return vm.heap.str('error in error handling');
    }
  }

  /**
   * After an error: finds the innermost protected frame of the running thread, closes its
   * upvalues and returns false, err from it: 'resumed' in a Lua frame, 'returned' into a C
   * frame. 'c-frame' when a C frame comes first (the error goes on to the builtin that called
   * Lua), 'bottom' when the thread's bottom frame does.
   */
  unwind(value: LuaValue): 'resumed' | 'returned' | 'c-frame' | 'bottom' {
    const vm = this.vm;
    const stack = vm.stack;
    let b = vm.base;
    for (;;) {
      const link = stack.link(b - 8);
      const type = frameType(link);
      if (type === FRAME_PCALL || type === FRAME_PCALLH) {
        const pbase = b - (link & FRAME_DELTA_MASK);
        const handled = this.handled(pbase, link, value);
        vm.closeUpvalues(pbase);
        const plink = stack.link(pbase - 8);
        stack.set(pbase - 16, false);
        stack.set(pbase - 8, handled);
        return this.returnVia(plink, pbase, pbase - 16, 2) ? 'resumed' : 'returned';
      }
      if (type === 0) {
        b = b - 16 - 8 * insA(vm.mem.read32(link - 4));
        continue;
      }
      if (type === FRAME_C) return b === vm.thread.stackBase + 16 ? 'bottom' : 'c-frame';
      b -= link & FRAME_DELTA_MASK;
    }
  }
}
