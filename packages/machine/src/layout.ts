// Every fixed address, region and offset of the modelled machine. No other file may
// hard-code one: the interpreter, the backend, the CPU model's embedder and the monitor
// all read them from here. Regions are 4 KiB-page aligned and lie below 2^47.

export const PAGE_SIZE = 0x1000;

/** One mapped region of the address space: where it starts, how big it is, who may do what. */
export interface Region {
  readonly name: string;
  readonly base: number;
  readonly size: number;
  readonly perm: 'r' | 'rw' | 'rx' | 'rwx';
}

/**
 * Host entry points live on the trap page. The CPU model runs a TypeScript callback when
 * a jmp or call reaches one of these addresses; the page itself is never executed.
 * Entries are 16 bytes apart, in this order.
 */
export const TRAP_ENTRIES = [
  'exit_handler',
  'exit_interp',
  'helper_tab_get',
  'helper_tab_len',
  'helper_buf_putstr',
  'helper_call',
  'helper_modi',
  'helper_pow',
  'helper_floor',
  'helper_ceil',
  'helper_trunc',
  'helper_fmod',
  'helper_tick',
  'helper_tab_new',
  'helper_uv_get',
  'helper_uv_set',
  'helper_tab_next',
  'helper_tab_key',
  'helper_ff_call',
  'helper_uv_slot',
  'helper_cdata_ctypeid',
  'helper_cdata_i64',
  'helper_cdata_new',
  'helper_buf_reset',
  'helper_buf_tostr',
  'helper_strfmt_num',
  'helper_strfmt_int',
  'helper_ff_call_side',
  'helper_tab_dup',
  'helper_ff_result2',
  'helper_tab_newkey',
] as const;
export type TrapName = (typeof TRAP_ENTRIES)[number];

const TRAP_BASE = 0x0010_0000;
const TRAP_SPACING = 16;

export function trapAddress(name: TrapName): number {
  return TRAP_BASE + TRAP_SPACING * TRAP_ENTRIES.indexOf(name);
}

/** The trap entry at an address, or undefined if the address is not one. */
export function trapAt(address: number): TrapName | undefined {
  const offset = address - TRAP_BASE;
  if (offset < 0 || offset % TRAP_SPACING !== 0) return undefined;
  return TRAP_ENTRIES[offset / TRAP_SPACING];
}

/** The global-state block; DISPATCH (r14) points into it, as in LuaJIT's GG_State. */
const GLOBAL_BASE = 0x0020_0000;
export const DISPATCH = GLOBAL_BASE + 0x2000;

/** Offsets from DISPATCH of the fields traces touch (values as LuaJIT x64 GC64 emits them). */
export const DISPATCH_OFFSETS = {
  /** g->vmstate: the running trace's number (written by every trace head). */
  vmstate: -0xec8,
  /** g->jit_base: BASE of the frame the trace runs in; 0 while interpreting. */
  jitBase: -0xe08,
  /** g->tmpbuf.L / the current lua_State pointer. */
  curL: -0xe10,
  /** g->tmpbuf, the SBuf a concatenation's BUFHDR names (w, e, b, then L above). */
  tmpbuf: -0xe28,
  /** Backend scratch cells (tracesim's own, above DISPATCH): BASE saved across helper calls. */
  savedBase: 0x100,
  /** Where the table-load helper leaves the TValue it read, for the trace's XLOAD. */
  helperResult: 0x120,
  /** Where ff_call leaves a builtin's second result (next, string.find). */
  helperResult2: 0x128,
  /** The running thread's stack limit (L->maxstack): the interpreter writes it on every coroutine switch. */
  stackLimit: 0x130,
  /**
   * g->nilnode (a Node, TABLE_NODE: nil value and key, no next): the hash part of every table
   * without one, so an HREF walks it and finds nothing. Its value is niltv.
   */
  nilnode: 0x138,
  /** A 16-byte cell a parallel move parks one value in to break a cycle. */
  moveTemp: 0x110,
  /** The parent-transfer area: a side trace's head copies the values it inherits here first. */
  parentTransfer: 0x200,
} as const;

/** How many 8-byte values the parent-transfer area holds. */
export const PARENT_TRANSFER_SLOTS = 256;

/** A GC object header's size: a table's (asize and hmask, 4 bytes each, the array part's and the hash part's addresses, the metatable) is the largest. */
export const OBJECT_HEADER_BYTES = 32;

export const REGIONS = {
  trap: { name: 'trap page', base: TRAP_BASE, size: PAGE_SIZE, perm: 'r' },
  global: { name: 'global state', base: GLOBAL_BASE, size: 0x4000, perm: 'rw' },
  bytecode: { name: 'bytecode', base: 0x0040_0000, size: 0x0040_0000, perm: 'r' },
  luaStack: { name: 'Lua stack', base: 0x0100_0000, size: 0x0010_0000, perm: 'rw' },
  /** Each coroutine's Lua stack is a slice of this region, mapped while the coroutine lives. */
  coroutineStacks: { name: 'coroutine stacks', base: 0x0200_0000, size: 0x0e00_0000, perm: 'rw' },
  heap: { name: 'heap', base: 0x1000_0000, size: 0x0100_0000, perm: 'rw' },
  // Within rel32 reach of the trap page, as LuaJIT keeps mcode near lj_vm_exit_handler.
  mcode: { name: 'mcode area', base: 0x4000_0000, size: 0x0020_0000, perm: 'rwx' },
  cStack: { name: 'host C stack', base: 0x7ffe_0000_0000, size: 0x0001_0000, perm: 'rw' },
  /**
   * Each GC object's header, 32 bytes at base + 32 × handle (handles are unique across types): a
   * table's GCtab fields (TABLE_HEADER), a string's GCstr fields (STRING_HEADER); pages made on
   * first touch.
   */
  objectHeaders: { name: 'object headers', base: 0x8000_0000, size: OBJECT_HEADER_BYTES * 2 ** 32, perm: 'rw' },
  /** Tables' parts: asize TValues and hmask+1 Nodes (TABLE_NODE) each, where the header's pointers say. */
  tableArrays: { name: 'table arrays', base: 0x40_0000_0000, size: 0x10_0000_0000, perm: 'rw' },
} as const satisfies Record<string, Region>;

/**
 * The GCtab fields a trace reads (FLOAD tab.asize, tab.hmask, tab.array, tab.node, tab.meta), at
 * these offsets of a table's header. A table's TValue carries its handle, so compiled code finds
 * the header as [DISPATCH + 4 × handle × 8 + (objectHeaders.base - DISPATCH) + offset]. The
 * metatable is its table's TValue, or 0 (NULL) for none.
 */
export const TABLE_HEADER = { asize: 0, hmask: 4, array: 8, node: 16, meta: 24 } as const;

/** The GCfunc field a trace reads (FLOAD func.env): the environment table's TValue, at this offset of a function's header. */
export const FUNC_HEADER = { env: 0 } as const;

/** The GCstr fields a trace reads (FLOAD str.len), and the string's hash, at these offsets of a string's header. */
export const STRING_HEADER = { len: 0, hash: 4 } as const;

/** A hash node (LuaJIT's Node, GC64): its value's TValue, its key's TValue, the next node of its chain (an address, 0 at the end); HREFK's slot k is node k. */
export const TABLE_NODE = { value: 0, key: 8, next: 16, bytes: 24 } as const;

/** g->nilnode's address: the node pointer in the header of a table without a hash part. */
export const NILNODE = DISPATCH + DISPATCH_OFFSETS.nilnode;

/** niltv's address (nilnode's value): HREF's result for a key the hash part lacks (a KKPTR constant in the IR). */
export const NILTV = NILNODE + TABLE_NODE.value;

/** Where the header of the GC object (table or string) with handle `handle` sits. */
export function objectHeaderAddress(handle: number): number {
  return REGIONS.objectHeaders.base + OBJECT_HEADER_BYTES * handle;
}

/** LuaJIT's LJ_STACK_MAX (LUAI_MAXSTACK, luaconf.h): the most slots a Lua stack may grow to. */
export const LUA_STACK_MAX_SLOTS = 65500;

/** Highest address a Lua frame may reach: the interpreter raises "stack overflow" beyond it and traces exit before it. */
export const LUA_STACK_LIMIT = REGIONS.luaStack.base + 8 * LUA_STACK_MAX_SLOTS;

/** The unmapped guard page directly below the host C stack. */
export const C_STACK_GUARD = REGIONS.cStack.base - PAGE_SIZE;

/**
 * The interpreter's C frame R (rsp while interpreting). It sits 0x400 below the top of the
 * C stack so the frame above it (SAVE_L, SAVE_PC, saved registers, return address) and a
 * caller's frame fit. On trace entry rsp0 = R - 16 (r12 saved at [R], r13 at ).
 */
export const C_FRAME_R = REGIONS.cStack.base + REGIONS.cStack.size - 0x400;
export const RSP0 = C_FRAME_R - 16;
/** Size of the interpreter's C frame above R (LuaJIT CFRAME_SIZE). */
export const C_FRAME_SIZE = 80;
