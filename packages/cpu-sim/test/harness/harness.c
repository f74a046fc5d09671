/*
 * Native oracle for the differential test: runs machine-code snippets on the real CPU.
 *
 * stdin: a sequence of cases, each
 *   u32 code length, code bytes, gprs[16] (u64, rax..r15), rflags (u64), xmm[16] (16 bytes
 *   each), buffer (BUF_SIZE bytes), stack (STACK_SNAP bytes centred on the initial rsp).
 * stdout: per case
 *   u32 status (0, or the signal number that stopped the snippet), gprs[16], rflags,
 *   xmm[16], buffer, stack — the state after the snippet ran to its end.
 *
 * Every region sits at a fixed address so that pointer values (rdi = buffer, rsp) are the
 * same in the native run and in tracesim.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define BUF_ADDR 0x10000000UL
#define STACK_PAGE 0x10010000UL
#define STACK_RSP 0x10010800UL
#define CODE_ADDR 0x10020000UL
#define IN_ADDR 0x10030000UL
#define OUT_ADDR 0x10031000UL
#define BUF_SIZE 256
#define STACK_SNAP 512
#define STATE_SIZE (128 + 8 + 256)

/* Loads the state at IN_ADDR (gprs @0, rflags @0x80, code address @0x88, xmm @0x100)
 * and jumps to the snippet; snippet_exit stores it to OUT_ADDR and returns to C. */
__asm__(
    ".text\n"
    ".globl run_snippet\n"
    "run_snippet:\n"
    "  push %rbx\n push %rbp\n push %r12\n push %r13\n push %r14\n push %r15\n"
    "  mov %rsp, host_rsp(%rip)\n"
    "  movdqu 0x10030100, %xmm0\n  movdqu 0x10030110, %xmm1\n  movdqu 0x10030120, %xmm2\n  movdqu 0x10030130, %xmm3\n"
    "  movdqu 0x10030140, %xmm4\n  movdqu 0x10030150, %xmm5\n  movdqu 0x10030160, %xmm6\n  movdqu 0x10030170, %xmm7\n"
    "  movdqu 0x10030180, %xmm8\n  movdqu 0x10030190, %xmm9\n  movdqu 0x100301a0, %xmm10\n movdqu 0x100301b0, %xmm11\n"
    "  movdqu 0x100301c0, %xmm12\n movdqu 0x100301d0, %xmm13\n movdqu 0x100301e0, %xmm14\n movdqu 0x100301f0, %xmm15\n"
    "  mov $0x10031800, %rsp\n"
    "  pushq 0x10030080\n popfq\n"
    "  mov 0x10030000, %rax\n mov 0x10030008, %rcx\n mov 0x10030010, %rdx\n mov 0x10030018, %rbx\n"
    "  mov 0x10030028, %rbp\n mov 0x10030030, %rsi\n mov 0x10030038, %rdi\n"
    "  mov 0x10030040, %r8\n mov 0x10030048, %r9\n mov 0x10030050, %r10\n mov 0x10030058, %r11\n"
    "  mov 0x10030060, %r12\n mov 0x10030068, %r13\n mov 0x10030070, %r14\n mov 0x10030078, %r15\n"
    "  mov 0x10030020, %rsp\n"
    "  jmp *0x10030088\n"
    ".globl snippet_exit\n"
    "snippet_exit:\n"
    "  mov %rax, 0x10031000\n mov %rcx, 0x10031008\n mov %rdx, 0x10031010\n mov %rbx, 0x10031018\n"
    "  mov %rsp, 0x10031020\n mov %rbp, 0x10031028\n mov %rsi, 0x10031030\n mov %rdi, 0x10031038\n"
    "  mov %r8, 0x10031040\n mov %r9, 0x10031048\n mov %r10, 0x10031050\n mov %r11, 0x10031058\n"
    "  mov %r12, 0x10031060\n mov %r13, 0x10031068\n mov %r14, 0x10031070\n mov %r15, 0x10031078\n"
    "  mov $0x10031800, %rsp\n"
    "  pushfq\n popq 0x10031080\n"
    "  movdqu %xmm0, 0x10031100\n  movdqu %xmm1, 0x10031110\n  movdqu %xmm2, 0x10031120\n  movdqu %xmm3, 0x10031130\n"
    "  movdqu %xmm4, 0x10031140\n  movdqu %xmm5, 0x10031150\n  movdqu %xmm6, 0x10031160\n  movdqu %xmm7, 0x10031170\n"
    "  movdqu %xmm8, 0x10031180\n  movdqu %xmm9, 0x10031190\n  movdqu %xmm10, 0x100311a0\n movdqu %xmm11, 0x100311b0\n"
    "  movdqu %xmm12, 0x100311c0\n movdqu %xmm13, 0x100311d0\n movdqu %xmm14, 0x100311e0\n movdqu %xmm15, 0x100311f0\n"
    "  mov host_rsp(%rip), %rsp\n"
    "  pop %r15\n pop %r14\n pop %r13\n pop %r12\n pop %rbp\n pop %rbx\n"
    "  cld\n"
    "  ret\n");

void run_snippet(void);
void snippet_exit(void);
uint64_t host_rsp;
static sigjmp_buf recover;

static void on_signal(int sig) { siglongjmp(recover, sig); }

static void map_fixed(unsigned long addr, size_t size, int prot) {
  void *p = mmap((void *)addr, size, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  if (p != (void *)addr) {
    perror("harness: mmap");
    exit(2);
  }
}

static void read_exact(void *dst, size_t n) {
  if (fread(dst, 1, n, stdin) != n) {
    fprintf(stderr, "harness: truncated case file\n");
    exit(2);
  }
}

int main(void) {
  map_fixed(BUF_ADDR, 0x1000, PROT_READ | PROT_WRITE);
  map_fixed(STACK_PAGE, 0x1000, PROT_READ | PROT_WRITE);
  map_fixed(CODE_ADDR, 0x10000, PROT_READ | PROT_WRITE | PROT_EXEC);
  map_fixed(IN_ADDR, 0x1000, PROT_READ | PROT_WRITE);
  map_fixed(OUT_ADDR, 0x1000, PROT_READ | PROT_WRITE);

  static char altstack[1 << 16];
  stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
  sigaltstack(&ss, NULL);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sa.sa_flags = SA_ONSTACK | SA_NODEFER;
  int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP};
  for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) sigaction(sigs[i], &sa, NULL);

  unsigned char *code = (unsigned char *)CODE_ADDR;
  unsigned char *in = (unsigned char *)IN_ADDR;
  unsigned char *out = (unsigned char *)OUT_ADDR;
  uint32_t length;
  while (fread(&length, 4, 1, stdin) == 1) {
    if (length > 0x10000 - 16) {
      fprintf(stderr, "harness: code too long\n");
      return 2;
    }
    read_exact(code, length);
    /* epilogue: jmp [rip+0]; .quad snippet_exit */
    unsigned char epilogue[6] = {0xff, 0x25, 0, 0, 0, 0};
    uint64_t exit_address = (uint64_t)(uintptr_t)snippet_exit;
    memcpy(code + length, epilogue, 6);
    memcpy(code + length + 6, &exit_address, 8);
    read_exact(in, 128 + 8);
    read_exact(in + 0x100, 256);
    uint64_t start = CODE_ADDR;
    memcpy(in + 0x88, &start, 8);
    read_exact((void *)BUF_ADDR, BUF_SIZE);
    read_exact((void *)(STACK_RSP - STACK_SNAP / 2), STACK_SNAP);
    memset(out, 0, 0x200);

    uint32_t status = (uint32_t)sigsetjmp(recover, 1);
    if (status == 0) run_snippet();
    fwrite(&status, 4, 1, stdout);
    fwrite(out, 1, 128 + 8, stdout);
    fwrite(out + 0x100, 1, 256, stdout);
    fwrite((void *)BUF_ADDR, 1, BUF_SIZE, stdout);
    fwrite((void *)(STACK_RSP - STACK_SNAP / 2), 1, STACK_SNAP, stdout);
  }
  return 0;
}
