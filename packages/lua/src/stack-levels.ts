// Stack levels as lua_getstack counts them: level 1 is the running Lua function, each frame
// below it (Lua, pcall or C) one level more; vararg frames are not levels of their own. Each
// level answers its function, its BASE and, for a Lua frame, the pc it is at.
import { insA } from './bytecode';
import type { LuaInterpreter } from './interpreter';
import { FRAME_CONT, FRAME_DELTA_MASK, FRAME_VARG, frameType } from './stack';
import type { LuaFunction } from './value';

export interface StackLevel {
  readonly fn: LuaFunction;
  readonly base: number;
  /** The instruction being executed (one past the last one run), or -1 for a builtin. */
  readonly pc: number;
}

/** The frame `level` levels up (1 = the running Lua function), or null beyond the thread's bottom. */
export function stackLevel(vm: LuaInterpreter, level: number): StackLevel | null {
  let b = vm.base;
  let fn: LuaFunction = vm.cl;
  let pc = vm.pc;
  for (let l = 1; l < level; ) {
    if (b <= vm.thread.stackBase + 16) return null;
    const link = vm.stack.link(b - 8);
    const type = frameType(link);
    if (type === 0) {
      b = b - 16 - 8 * insA(vm.mem.read32(link - 4));
      pc = (link - vm.functionAt(b).proto!.bcAddress) >>> 2;
    } else if (type === FRAME_CONT) {
      const contPc = vm.stack.link(b - 24);
      b -= link & FRAME_DELTA_MASK;
      pc = (contPc - vm.functionAt(b).proto!.bcAddress) >>> 2;
    } else {
      b -= link & FRAME_DELTA_MASK;
      if (type === FRAME_VARG) continue;
      pc = -1;
    }
    fn = vm.functionAt(b);
    if (fn.proto === null) pc = -1;
    l++;
  }
  return { fn, base: b, pc };
}
