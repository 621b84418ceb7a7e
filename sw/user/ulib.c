/* User-side library: system calls (ecall, number in a7) and stdio on the write call. */
#include "ulib.h"

static long syscall3(long n, long a0, long a1, long a2)
{
  register long r_a0 asm("a0") = a0;
  register long r_a1 asm("a1") = a1;
  register long r_a2 asm("a2") = a2;
  register long r_a7 asm("a7") = n;
  asm volatile("ecall" : "+r"(r_a0) : "r"(r_a1), "r"(r_a2), "r"(r_a7) : "memory");
  return r_a0;
}

static char m_out[256];
static unsigned m_out_len;

void uflush(void)
{
  if (m_out_len)
    syscall3(SYS_WRITE, (long)m_out, m_out_len, 0);
  m_out_len = 0;
}

void sys_exit(int code)
{
  uflush();
  syscall3(SYS_EXIT, code, 0, 0);
  for (;;) {
  }
}

int sys_fork(void)
{
  uflush();
  return (int)syscall3(SYS_FORK, 0, 0, 0);
}

int sys_wait(int *status)
{
  uflush();
  return (int)syscall3(SYS_WAIT, (long)status, 0, 0);
}

int sys_getpid(void)
{
  return (int)syscall3(SYS_GETPID, 0, 0, 0);
}

long sys_write(const void *buf, unsigned long len)
{
  return syscall3(SYS_WRITE, (long)buf, (long)len, 0);
}

void *sys_sbrk(long increment)
{
  return (void *)syscall3(SYS_SBRK, increment, 0, 0);
}

void sys_yield(void)
{
  syscall3(SYS_YIELD, 0, 0, 0);
}

void sys_stats(void)
{
  uflush();
  syscall3(SYS_STATS, 0, 0, 0);
}

int sys_exec(const char *name, const char *arg)
{
  uflush();
  return (int)syscall3(SYS_EXEC, (long)name, (long)arg, 0);
}

int sys_simctl(int cmd, unsigned arg, const char *name)
{
  return (int)syscall3(SYS_SIMCTL, cmd, arg, (long)name);
}

int sys_clone(void (*entry)(void), void *sp, void *arg)
{
  return (int)syscall3(SYS_CLONE, (long)entry, (long)sp, (long)arg);
}

int sys_join(int tid, int *status)
{
  return (int)syscall3(SYS_JOIN, tid, (long)status, 0);
}

void thread_entry(void); /* crt0.S: calls fn(arg) from the stack top, then sys_exit */

int thread_create(int (*fn)(void *), void *arg, void *stack_top)
{
  uint64_t *sp = (uint64_t *)stack_top - 2;
  sp[0] = (uint64_t)(uintptr_t)fn;
  sp[1] = (uint64_t)(uintptr_t)arg;
  return sys_clone(thread_entry, sp, arg);
}

int thread_join(int tid, int *status)
{
  return sys_join(tid, status);
}

void roi_begin(int roi)
{
  if (roi)
    sys_simctl(SIMCTL_RESET_STATS, 0, NULL);
}

void roi_end(int roi, const char *name)
{
  if (roi)
    sys_simctl(SIMCTL_SNAPSHOT, 0, name);
}

static int out_putc(char c, FILE *f)
{
  (void)f;
  m_out[m_out_len++] = c;
  if (c == '\n' || m_out_len == sizeof(m_out))
    uflush();
  return (unsigned char)c;
}

static FILE m_stdout = FDEV_SETUP_STREAM(out_putc, NULL, NULL, _FDEV_SETUP_WRITE);
FILE *const stdout = &m_stdout;
FILE *const stderr = &m_stdout;

void _exit(int code)
{
  sys_exit(code);
}

static uint64_t parse_u64(const char **s)
{
  uint64_t v = 0;
  while (**s >= '0' && **s <= '9')
    v = v * 10 + (uint64_t)(*(*s)++ - '0');
  return v;
}

void parse_size(const char *arg, uint64_t *n, uint64_t *rounds)
{
  if (!arg || !*arg)
    return;
  uint64_t v = parse_u64(&arg);
  if (v)
    *n = v;
  if (*arg == 'x' && rounds) {
    arg++;
    v = parse_u64(&arg);
    if (v)
      *rounds = v;
  }
}

uint64_t *alloc_pages(const char *prog, uint64_t n)
{
  uintptr_t brk = (uintptr_t)sys_sbrk(0);
  uintptr_t aligned = (brk + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
  void *p = sys_sbrk((long)(aligned - brk + n * PAGE_SIZE));
  if (p == (void *)-1) {
    printf("FAIL %s cannot allocate %lu pages\n", prog, (unsigned long)n);
    sys_exit(1);
  }
  return (uint64_t *)aligned;
}

uint64_t *alloc_superpages(const char *prog, uint64_t n, uint64_t align)
{
  if (align <= PAGE_SIZE)
    return alloc_pages(prog, n);
  uintptr_t brk = (uintptr_t)sys_sbrk(0);
  uintptr_t start = (brk + align - 1) & ~(align - 1);
  uint64_t bytes = (n * PAGE_SIZE + align - 1) & ~(align - 1);
  if (sys_sbrk((long)(start - brk + bytes)) == (void *)-1) {
    printf("FAIL %s cannot allocate %lu pages\n", prog, (unsigned long)n);
    sys_exit(1);
  }
  return (uint64_t *)start;
}
