/* forktest[:depth]: a binary tree of processes (default depth 2: 7 processes) that all write
 * their own tag into the same pages inherited through fork, yield to each other, and check
 * that they still read only their own tag: copy-on-write keeps them isolated. */
#include "ulib.h"

#define SHARED_PAGES 4

static uint64_t *m_shared;

static uint64_t check(uint64_t tag)
{
  return gen_verify(m_shared, 0, SHARED_PAGES * WORDS_PER_PAGE, tag);
}

static void fill(uint64_t tag)
{
  gen_fill(m_shared, 0, SHARED_PAGES * WORDS_PER_PAGE, tag);
}

/* Returns the number of corrupted bytes seen by this process and its subtree. */
static uint64_t node(int tag, uint64_t depth, uint64_t *procs)
{
  int n = 0;
  if (depth > 0) {
    for (int i = 0; i < 2; i++) {
      int pid = sys_fork();
      if (pid == 0) {
        uint64_t count = 1;
        uint64_t bad = node(tag * 2 + 1 + i, depth - 1, &count);
        /* Exit code: the subtree's process count, or 255 if anything was corrupted. */
        sys_exit(bad ? 255 : (int)count);
      }
      if (pid > 0)
        n++;
    }
  }
  /* Every process forks before it writes, so all of them start with the root's tag 0. */
  uint64_t bad = check(0);
  fill(tag);
  sys_yield();
  bad += check(tag);
  for (int i = 0; i < n; i++) {
    int status = 0;
    sys_wait(&status);
    if (status == 255 || (status & WAIT_KILLED))
      bad++;
    else
      *procs += (uint64_t)status;
  }
  bad += check(tag);
  return bad;
}

int main(const char *arg)
{
  uint64_t depth = 2;
  parse_size(arg, &depth, NULL);
  m_shared = alloc_pages("forktest", SHARED_PAGES);
  fill(0);
  uint64_t procs = 1;
  uint64_t bad = node(0, depth, &procs);
  printf("%s forktest depth=%lu procs=%lu pages=%d corrupted=%lu\n", bad ? "FAIL" : "PASS",
         (unsigned long)depth, (unsigned long)procs, SHARED_PAGES, (unsigned long)bad);
  return bad != 0;
}
