// The Lua subset tracesim runs: which globals and library members exist, and which names
// belong to features outside it (reported as `not supported: <feature>` at compile time).

export const BASE_FUNCTIONS = ['print', 'type', 'tostring', 'tonumber', 'ipairs', 'pairs', 'next', 'select', 'error', 'pcall', 'assert', 'unpack'] as const;

export const LIBRARIES = {
  math: ['floor', 'ceil', 'abs', 'sqrt', 'min', 'max', 'modf', 'fmod', 'huge', 'pi'],
  string: ['len', 'sub', 'byte', 'char', 'rep', 'format'],
  table: ['insert', 'remove', 'concat'],
  jit: ['opt', 'on', 'off', 'status', 'version', 'arch', 'os'],
} as const satisfies Record<string, readonly string[]>;
export type LibraryName = keyof typeof LIBRARIES;

/** Global names that belong to features outside the subset, with the feature they name. */
export const UNSUPPORTED_GLOBALS: Readonly<Record<string, string>> = {
  setmetatable: 'metatables',
  getmetatable: 'metatables',
  rawget: 'metatables (rawget)',
  rawset: 'metatables (rawset)',
  rawequal: 'metatables (rawequal)',
  coroutine: 'coroutines',
  io: 'io',
  os: 'os',
  ffi: 'ffi',
  require: 'require (ffi and modules)',
  debug: 'debug library',
  load: 'load',
  loadstring: 'loadstring',
  dofile: 'dofile',
  loadfile: 'loadfile',
  module: 'module',
  setfenv: 'setfenv',
  getfenv: 'getfenv',
  newproxy: 'newproxy',
  collectgarbage: 'collectgarbage',
  xpcall: 'xpcall',
  bit: 'bit library',
};

export function isLibraryName(name: string): name is LibraryName {
  return Object.prototype.hasOwnProperty.call(LIBRARIES, name);
}

/** True if `lib.member` is part of the subset. */
export function isLibraryMember(lib: LibraryName, member: string): boolean {
  return (LIBRARIES[lib] as readonly string[]).includes(member);
}
