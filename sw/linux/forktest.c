/* forktest [DEPTH [PAGES]]: a binary tree of processes (default depth 2: 7 processes) that
 * all write their own tag into the same pages inherited through fork, yield to each other,
 * and check that they still read only their own tag: copy-on-write keeps them isolated.
 * Default 4 shared pages (as sw/user's). */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "work.h"

static uint64_t *m_shared;
static uint64_t m_words;

static uint64_t check(uint64_t tag)
{
  return gen_verify(m_shared, 0, m_words, tag);
}

static void fill(uint64_t tag)
{
  gen_fill(m_shared, 0, m_words, tag);
}

/* Returns the number of corrupted bytes seen by this process and its subtree (a child that
 * failed or was killed counts as one). */
static uint64_t node(uint64_t tag, uint64_t depth, uint64_t *procs)
{
  int children = 0;
  if (depth > 0) {
    for (uint64_t i = 0; i < 2; i++) {
      fflush(stdout);
      const pid_t pid = fork();
      if (pid == 0) {
        uint64_t count = 1;
        const uint64_t bad = node(tag * 2 + 1 + i, depth - 1, &count);
        /* Exit code: the subtree's process count, or 255 if anything was corrupted. */
        _exit(bad ? 255 : (int)count);
      }
      if (pid > 0)
        children++;
    }
  }
  /* Every process forks before it writes, so all of them start with the root's tag 0. */
  uint64_t bad = check(0);
  fill(tag);
  sched_yield();
  bad += check(tag);
  for (int i = 0; i < children; i++) {
    int status = 0;
    if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) == 255)
      bad++;
    else
      *procs += (uint64_t)WEXITSTATUS(status);
  }
  bad += check(tag);
  return bad;
}

int forktest_main(int argc, char **argv)
{
  struct vmstat before;
  vmstat_read(&before);
  const uint64_t depth = arg_number(argc, argv, 1, 2, 0, 6, "tree depth");
  const uint64_t pages = arg_number(argc, argv, 2, 4, 1, 1 << 18, "number of pages");
  m_words = pages * WORDS_PER_PAGE;
  m_shared = map_memory("forktest", pages * PAGE_SIZE);
  fill(0);
  uint64_t procs = 1;
  const uint64_t bad = node(0, depth, &procs);
  const uint64_t expected = (2ULL << depth) - 1;
  printf("%s forktest depth=%llu procs=%llu pages=%llu corrupted=%llu\n",
         bad || procs != expected ? "FAIL" : "PASS", (unsigned long long)depth,
         (unsigned long long)procs, (unsigned long long)pages, (unsigned long long)bad);
  vmstat_report("forktest", &before);
  return bad != 0 || procs != expected;
}
