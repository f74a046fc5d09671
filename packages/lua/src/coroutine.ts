// Coroutines (lj_state.c, lib_base.c's coroutine functions): each coroutine has its own Lua
// stack in the coroutine-stacks region, with a FRAME_C bottom frame. resume, yield and wrapped
// functions are frame builtins: they switch the interpreter to another thread in place,
// without host recursion, so a coroutine may yield across pcall and metamethods as in LuaJIT.
// A yield from inside a builtin that called Lua (table.sort's comparator) is refused.
import { REGIONS } from '@tracesim/machine';
import { ENTERED, RETURNED_TO_C } from './calls';
import { LuaThrow } from './interpreter';
import type { LuaInterpreter } from './interpreter';
import { FRAME_C } from './stack';
import { LuaFunction, LuaString, LuaThread } from './value';
import type { LuaValue } from './value';

/** Bytes of address space each coroutine's stack gets. */
const STACK_BYTES = 0x20000;
/** Room kept above a frame's top for call setup, as LUA_STACK_LIMIT keeps for the main stack. */
const STACK_MARGIN = 8 * 64;

/** Where a thread that resumed another waits for its answer: the resume call's slot and link. */
interface Waiting {
  readonly fa: number;
  readonly link: number;
  /** Resumed through a coroutine.wrap function: no leading true, errors propagate. */
  readonly wrap: boolean;
}

/** A suspended coroutine's yield call: its results (the next resume's arguments) go to fa. */
interface Yielded {
  readonly fa: number;
  readonly link: number;
}

interface ThreadState {
  resumer?: LuaThread;
  waiting?: Waiting;
  yielded?: Yielded;
  /** Calls.cDepth when the thread was resumed: a yield deeper than that crosses a C call. */
  cDepth: number;
  started: boolean;
}

export class Coroutines {
  private readonly states = new Map<LuaThread, ThreadState>();
  private readonly freeStacks: number[] = [];
  private nextStack: number = REGIONS.coroutineStacks.base;

  constructor(private readonly vm: LuaInterpreter) {}

  private state(t: LuaThread): ThreadState {
    let s = this.states.get(t);
    if (!s) {
      s = { cDepth: 0, started: false };
      this.states.set(t, s);
    }
    return s;
  }

  /** coroutine.create: a new thread whose stack is mapped now and freed when it dies. */
  create(body: LuaFunction): LuaThread {
    const vm = this.vm;
    let base = this.freeStacks.pop();
    if (base === undefined) {
      const region = REGIONS.coroutineStacks;
      if (this.nextStack + STACK_BYTES > region.base + region.size) throw vm.runtimeError('not enough memory');
      base = this.nextStack;
      this.nextStack += STACK_BYTES;
    }
    vm.mem.map(base, STACK_BYTES, 'rw', REGIONS.coroutineStacks.name);
    return vm.heap.thread(base, base + STACK_BYTES - STACK_MARGIN, body);
  }

  /** coroutine.status as seen from the running thread. */
  status(t: LuaThread): string {
    return t.status;
  }

  /** Whether the running thread may yield now (coroutine.isyieldable). */
  yieldable(): boolean {
    const t = this.vm.thread;
    return t !== this.vm.mainThread && this.state(t).cDepth === this.vm.calls.cDepth;
  }

  /**
   * coroutine.resume(co, ...) or a wrapped function's call at `fa` (the coroutine is `co`, its
   * arguments start at `args`): switches to `co` and answers ENTERED (or RETURNED_TO_C, when
   * the coroutine answered at once into a C frame), or answers the results it wrote at fa
   * when the coroutine cannot be resumed (false, message).
   */
  resume(co: LuaThread, fa: number, args: number, nargs: number, wrap: boolean): number {
    const vm = this.vm;
    const stack = vm.stack;
    if (co.status !== 'suspended') {
      const message = co.status === 'dead' ? 'cannot resume dead coroutine' : 'cannot resume running coroutine';
      if (wrap) throw vm.errorAt(fa, message);
      stack.set(fa, false);
      stack.set(fa + 8, vm.heap.str(message));
      return 2;
    }
    const st = this.state(co);
    const me = vm.thread;
    st.resumer = me;
    st.cDepth = vm.calls.cDepth;
    this.state(me).waiting = { fa, link: stack.link(fa + 8), wrap };
    me.status = 'normal';
    co.status = 'running';
    vm.thread = co;
    if (!st.started) {
      st.started = true;
      const bottom = co.stackBase;
      stack.set(bottom, co.body!);
      stack.setLink(bottom + 8, 16 | FRAME_C);
      for (let i = 0; i < nargs; i++) stack.copy(bottom + 16 + 8 * i, args + 8 * i);
      vm.top = bottom + 16 + 8 * nargs;
      const n = vm.calls.callAt(bottom, nargs);
      if (n >= 0) return this.finished(bottom + 16, n) ? ENTERED : RETURNED_TO_C;
      return n;
    }
    // Back from its yield: the arguments are the yield call's results.
    const y = st.yielded!;
    st.yielded = undefined;
    for (let i = 0; i < nargs; i++) stack.copy(y.fa + 8 * i, args + 8 * i);
    return vm.calls.returnVia(y.link, y.fa + 16, y.fa, nargs) ? ENTERED : RETURNED_TO_C;
  }

  /** coroutine.yield(...) at `fa`: suspends the running coroutine and answers its resumer. */
  yield(fa: number, nargs: number): number {
    const vm = this.vm;
    const co = vm.thread;
    if (co === vm.mainThread || this.state(co).cDepth !== vm.calls.cDepth) throw vm.errorAt(fa, 'attempt to yield across C-call boundary');
    const st = this.state(co);
    st.yielded = { fa, link: vm.stack.link(fa + 8) };
    co.status = 'suspended';
    return this.answer(co, true, fa + 16, nargs) ? ENTERED : RETURNED_TO_C;
  }

  /**
   * The coroutine's body returned `n` values at base-16 into its bottom frame: it is dead.
   * Answers false when its resumer waits in a C frame (the running dispatch loop ends).
   */
  finished(base: number, n: number): boolean {
    const co = this.vm.thread;
    co.status = 'dead';
    this.vm.closeUpvalues(co.stackBase);
    const answered = this.answer(co, true, base - 16, n);
    this.release(co);
    return answered;
  }

  /**
   * An error reached the coroutine's bottom: it is dead. Its resumer gets false, err
   * ('resumed', or 'returned' into a C frame) — or, for a wrapped coroutine, the error itself
   * (with the caller's position, lj_err_callermsg), which the caller then unwinds.
   */
  died(value: LuaValue): 'resumed' | 'returned' | LuaThrow {
    const vm = this.vm;
    const co = vm.thread;
    co.status = 'dead';
    vm.closeUpvalues(co.stackBase);
    const resumer = this.state(co).resumer!;
    const waiting = this.state(resumer).waiting!;
    if (waiting.wrap) {
      this.switchTo(co, resumer);
      this.release(co);
      vm.base = waiting.fa + 16;
      vm.cl = vm.functionAt(vm.base);
      const fromLua = (waiting.link & 3) === 0;
      if (fromLua) this.positionAtCall(waiting);
      return new LuaThrow(value instanceof LuaString && fromLua ? vm.heap.str(`${vm.where(1)}${value.s}`) : value);
    }
    vm.stack.set(co.stackBase, value);
    const answered = this.answer(co, false, co.stackBase, 1);
    this.release(co);
    return answered ? 'resumed' : 'returned';
  }

  /** Puts the interpreter at the Lua call instruction that called a wrapped function (for positions and unwinding). */
  private positionAtCall(waiting: Waiting): void {
    const vm = this.vm;
    const callIns = vm.mem.read32(waiting.link - 4);
    vm.base = waiting.fa - 8 * ((callIns >>> 8) & 0xff);
    vm.cl = vm.functionAt(vm.base);
    vm.pc = (waiting.link - vm.cl.proto!.bcAddress) >>> 2;
  }

  /**
   * Switches back from `co` to its resumer and delivers `n` values found at `src` on co's
   * stack, behind `true` or `false` unless it was resumed through a wrapped function.
   * Answers false when they went into a C frame.
   */
  private answer(co: LuaThread, ok: boolean, src: number, n: number): boolean {
    const vm = this.vm;
    const stack = vm.stack;
    const resumer = this.state(co).resumer!;
    const waiting = this.state(resumer).waiting!;
    this.switchTo(co, resumer);
    this.state(resumer).waiting = undefined;
    const lead = waiting.wrap ? 0 : 1;
    if (lead) stack.set(waiting.fa, ok);
    if (waiting.fa + 8 * (n + lead) > resumer.stackLimit) throw vm.runtimeError('stack overflow');
    for (let i = 0; i < n; i++) stack.copy(waiting.fa + 8 * (i + lead), src + 8 * i);
    return vm.calls.returnVia(waiting.link, waiting.fa + 16, waiting.fa, n + lead);
  }

  private switchTo(from: LuaThread, to: LuaThread): void {
    if (from.status === 'running') from.status = 'suspended';
    to.status = 'running';
    this.vm.thread = to;
  }

  private release(co: LuaThread): void {
    this.vm.mem.unmap(co.stackBase, STACK_BYTES);
    this.freeStacks.push(co.stackBase);
    this.states.delete(co);
  }
}
