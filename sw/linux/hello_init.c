// A tiny Linux init without a C library: it proves that Linux reached user space. It
// prints one line naming the kernel it runs on and the MMU mode the kernel chose (the
// "mmu" line of /proc/cpuinfo), then powers the machine off. Arguments (the kernel passes
// boot arguments it does not know to init) add steps:
//   modules  load /lib/modules/virtio_mmio.ko and virtio_blk.ko, print /proc/partitions
//   echo     read one line from the console and print it back
//   restart  ask for a reboot instead of a power-off
// System call numbers are RISC-V Linux's (the generic table, asm-generic/unistd.h).
#include <stddef.h>
#include <stdint.h>

enum {
  kSysMount = 40,
  kSysOpenat = 56,
  kSysClose = 57,
  kSysRead = 63,
  kSysWrite = 64,
  kSysExit = 93,
  kSysReboot = 142,
  kSysUname = 160,
  kSysFinitModule = 273,
};
enum { kAtFdCwd = -100 };
enum {
  kRebootMagic1 = 0xfee1dead,
  kRebootMagic2 = 672274793,
  kRebootPowerOff = 0x4321fedc,
  kRebootRestart = 0x01234567,
};

struct utsname {
  char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

static long syscall5(long n, long a0, long a1, long a2, long a3, long a4)
{
  register long r_a0 __asm__("a0") = a0;
  register long r_a1 __asm__("a1") = a1;
  register long r_a2 __asm__("a2") = a2;
  register long r_a3 __asm__("a3") = a3;
  register long r_a4 __asm__("a4") = a4;
  register long r_a7 __asm__("a7") = n;
  __asm__ volatile("ecall"
                   : "+r"(r_a0)
                   : "r"(r_a1), "r"(r_a2), "r"(r_a3), "r"(r_a4), "r"(r_a7)
                   : "memory");
  return r_a0;
}

static long syscall4(long n, long a0, long a1, long a2, long a3)
{
  return syscall5(n, a0, a1, a2, a3, 0);
}

static size_t length(const char* s)
{
  size_t n = 0;
  while (s[n])
    ++n;
  return n;
}

static void print(const char* s) { syscall4(kSysWrite, 1, (long)s, (long)length(s), 0); }

static int same(const char* a, const char* b)
{
  while (*a && *a == *b)
    ++a, ++b;
  return *a == *b;
}

static void print_number(long v)
{
  char buf[24];
  char* p = buf + sizeof buf;
  const int negative = v < 0;
  unsigned long u = negative ? -(unsigned long)v : (unsigned long)v;
  *--p = 0;
  do
    *--p = (char)('0' + u % 10);
  while (u /= 10);
  if (negative)
    *--p = '-';
  print(p);
}

// The start of a file, NUL-terminated, into buf; the length, or a negative errno.
static long read_file(const char* path, char* buf, long size)
{
  const long fd = syscall4(kSysOpenat, kAtFdCwd, (long)path, 0, 0);
  if (fd < 0)
    return fd;
  const long n = syscall4(kSysRead, fd, (long)buf, size - 1, 0);
  syscall4(kSysClose, fd, 0, 0, 0);
  buf[n > 0 ? n : 0] = 0;
  return n;
}

static void load_module(const char* path)
{
  const long fd = syscall4(kSysOpenat, kAtFdCwd, (long)path, 0, 0);
  const long r = fd < 0 ? fd : syscall4(kSysFinitModule, fd, (long)"", 0, 0);
  if (fd >= 0)
    syscall4(kSysClose, fd, 0, 0, 0);
  print("vmplat hello-init: finit_module ");
  print(path);
  print(" = ");
  print_number(r);
  print("\n");
}

static void print_lines(const char* prefix, char* text)
{
  for (char* line = text; *line;) {
    char* end = line;
    while (*end && *end != '\n')
      ++end;
    const char saved = *end;
    *end = 0;
    if (*line) {
      print(prefix);
      print(line);
      print("\n");
    }
    if (!saved)
      break;
    line = end + 1;
  }
}

// Prints the line of /proc/cpuinfo that starts with "mmu" ("mmu\t\t: sv48"), if any.
static void print_mmu_mode(void)
{
  static char buf[4096];
  if (read_file("/proc/cpuinfo", buf, sizeof buf) <= 0)
    return;
  for (char* line = buf; *line;) {
    char* end = line;
    while (*end && *end != '\n')
      ++end;
    const char saved = *end;
    *end = 0;
    if (line[0] == 'm' && line[1] == 'm' && line[2] == 'u') {
      print("vmplat hello-init: /proc/cpuinfo ");
      print(line);
      print("\n");
    }
    if (!saved)
      break;
    line = end + 1;
  }
}

int main(int argc, char** argv)
{
  int restart = 0, modules = 0, echo = 0;
  for (int i = 1; i < argc; ++i) {
    restart |= same(argv[i], "restart");
    modules |= same(argv[i], "modules");
    echo |= same(argv[i], "echo");
  }
  static struct utsname u;
  print("vmplat hello-init: user space reached on ");
  if (syscall4(kSysUname, (long)&u, 0, 0, 0) == 0) {
    print(u.sysname);
    print(" ");
    print(u.release);
    print(" ");
    print(u.machine);
  }
  print("\n");
  syscall5(kSysMount, (long)"proc", (long)"/proc", (long)"proc", 0, 0);
  print_mmu_mode();
  if (modules) {
    static char partitions[2048];
    load_module("/lib/modules/virtio_mmio.ko");
    load_module("/lib/modules/virtio_blk.ko");
    if (read_file("/proc/partitions", partitions, sizeof partitions) > 0)
      print_lines("vmplat hello-init: /proc/partitions ", partitions);
  }
  if (echo) {
    static char line[256];
    long n = 0;
    print("vmplat hello-init: type a line\n");
    while (n < (long)sizeof line - 1) {
      const long r = syscall4(kSysRead, 0, (long)(line + n), 1, 0);
      if (r <= 0 || line[n] == '\n' || line[n] == '\r')
        break;
      ++n;
    }
    line[n] = 0;
    print("vmplat hello-init: read '");
    print(line);
    print("'\n");
  }
  print(restart ? "vmplat hello-init: restarting\n" : "vmplat hello-init: powering off\n");
  syscall4(kSysReboot, kRebootMagic1, kRebootMagic2, restart ? kRebootRestart : kRebootPowerOff,
           0);
  // Only reached if reboot failed (init must never exit: the kernel would panic).
  print("vmplat hello-init: reboot failed\n");
  for (;;)
    syscall4(kSysExit, 1, 0, 0, 0);
}

// The kernel starts init with sp pointing at argc, then argv[], NULL, envp[], NULL.
__asm__(".globl _start\n"
        "_start:\n"
        "  ld a0, 0(sp)\n"
        "  addi a1, sp, 8\n"
        "  andi sp, sp, -16\n"
        "  call main\n");
