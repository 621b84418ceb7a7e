/* vmwork: the helpers the workloads share, and the multi-call entry point. */
#include "work.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

void vmstat_read(struct vmstat *now)
{
  memset(now, 0, sizeof *now);
  FILE *f = fopen("/proc/vmstat", "r");
  if (f) {
    char name[64];
    unsigned long long value;
    while (fscanf(f, "%63s %llu", name, &value) == 2) {
      if (!strcmp(name, "pgfault"))
        now->pgfault = value;
      else if (!strcmp(name, "pgmajfault"))
        now->pgmajfault = value;
      else if (!strcmp(name, "pswpin"))
        now->pswpin = value;
      else if (!strcmp(name, "pswpout"))
        now->pswpout = value;
      else if (!strcmp(name, "thp_fault_alloc"))
        now->thp_fault_alloc = value;
    }
    fclose(f);
  }
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  now->seconds = (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

void vmstat_report(const char *prog, const struct vmstat *before)
{
  struct vmstat now;
  vmstat_read(&now);
  printf("vmstat %s pgfault=%llu pgmajfault=%llu pswpin=%llu pswpout=%llu thp=%llu "
         "seconds=%.3f\n",
         prog, (unsigned long long)(now.pgfault - before->pgfault),
         (unsigned long long)(now.pgmajfault - before->pgmajfault),
         (unsigned long long)(now.pswpin - before->pswpin),
         (unsigned long long)(now.pswpout - before->pswpout),
         (unsigned long long)(now.thp_fault_alloc - before->thp_fault_alloc),
         now.seconds - before->seconds);
  fflush(stdout);
}

uint64_t arg_number(int argc, char **argv, int i, uint64_t def, uint64_t min, uint64_t max,
                    const char *what)
{
  if (i >= argc)
    return def;
  const char *text = argv[i];
  char *end = NULL;
  errno = 0;
  unsigned long long v = strtoull(text, &end, 10);
  if (text[0] < '0' || text[0] > '9' || *end || errno || v < min || v > max) {
    fprintf(stderr, "%s: argument %d '%s' is not a valid %s; allowed: %llu..%llu\n", argv[0],
            i, text, what, (unsigned long long)min, (unsigned long long)max);
    exit(2);
  }
  return v;
}

void *map_memory(const char *prog, uint64_t bytes)
{
  void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    printf("FAIL %s cannot map %llu bytes: %s\n", prog, (unsigned long long)bytes,
           strerror(errno));
    exit(1);
  }
  return p;
}

static const struct {
  const char *name;
  int (*main)(int, char **);
  const char *usage;
} kPrograms[] = {
    {"seqscan", seqscan_main, "seqscan [PAGES]         sequential sums over an array"},
    {"randacc", randacc_main, "randacc [PAGES]         random increments, then decrements"},
    {"ptrchase", ptrchase_main, "ptrchase [PAGES]        a dependent load per page"},
    {"matmul", matmul_main, "matmul [N]              N x N integer matrix product"},
    {"memhog", memhog_main, "memhog [MIB [ROUNDS]]   more memory than RAM: Linux swaps"},
    {"forktest", forktest_main, "forktest [DEPTH [PAGES]] a tree of processes, copy-on-write"},
    {"cowswap", cowswap_main, "cowswap [MIB]           fork and copy-on-write under swap"},
    {"threads", threads_main, "threads [N [ROUNDS [PAGES]]] threads on every processor: unmaps "
                              "(TLB shootdowns) and shared data"},
};
#define PROGRAM_COUNT (sizeof kPrograms / sizeof kPrograms[0])

static int usage(void)
{
  fprintf(stderr, "usage: vmwork PROGRAM [ARGS] (or PROGRAM [ARGS] through a link), "
                  "vmwork --list; programs:\n");
  for (size_t i = 0; i < PROGRAM_COUNT; i++)
    fprintf(stderr, "  %s\n", kPrograms[i].usage);
  fprintf(stderr, "and, not a workload: vmwork roi reset|snapshot NAME|checkpoint NAME|end CODE "
                  "(vmplat's sim-control device)\n");
  return 2;
}

int main(int argc, char **argv)
{
  const char *base = strrchr(argv[0], '/');
  base = base ? base + 1 : argv[0];
  if (!strcmp(base, "vmwork")) {
    if (argc < 2)
      return usage();
    if (!strcmp(argv[1], "--list")) {
      for (size_t i = 0; i < PROGRAM_COUNT; i++)
        printf("%s\n", kPrograms[i].name);
      return 0;
    }
    if (!strcmp(argv[1], "roi"))
      return roi_main(argc - 1, argv + 1);
    argc--;
    argv++;
    base = argv[0];
  }
  for (size_t i = 0; i < PROGRAM_COUNT; i++)
    if (!strcmp(base, kPrograms[i].name)) {
      argv[0] = (char *)kPrograms[i].name;
      return kPrograms[i].main(argc, argv);
    }
  fprintf(stderr, "vmwork: no program '%s'\n", base);
  return usage();
}
