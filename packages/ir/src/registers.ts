// x86-64 register names as LuaJIT's dis_x64 regname prints them in the -jdump `r` column:
// register ids 0-15 are the GPRs, 16-31 the XMM registers.

export const GPR_NAMES = [
  'rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi',
  'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15',
] as const;

export const FPR_NAMES = Array.from({ length: 16 }, (_, i) => `xmm${i}`);

export const REGISTER_NAMES: readonly string[] = [...GPR_NAMES, ...FPR_NAMES];

export function isRegisterName(name: string): boolean {
  return REGISTER_NAMES.includes(name);
}
