/* mtswap[:PAGESxTHREADS]: threads of one process on every hart in a working set larger than
 * the frame pool, then a fork whose copy-on-write breaks happen on several harts; every
 * byte is checked. Default 192 pages, 4 threads. Page p belongs to thread p % THREADS.
 *   swap  3 rounds: each thread writes its pages with a pattern of the round and the thread;
 *         all meet; each reads back every page of every thread (starting at its own part),
 *         so pages are evicted and swapped in while threads on other harts use them (each
 *         eviction of a page another hart may have in its TLB is a shootdown); all meet.
 *   fork  the threads wait while the main thread forks (the write protection of an address
 *         space that runs on other harts). In the child, THREADS new threads each rewrite
 *         their pages with the child's pattern (copy-on-write breaks on several harts) and
 *         check all pages; in the parent the old threads do the same with the parent's
 *         pattern, at the same time. The parent joins its threads, waits for the child and
 *         checks every page once more. */
#include <stdbool.h>

#include "ulib.h"

#define MAX_THREADS 16
#define STACK_PAGES 4
#define ROUNDS 3

struct barrier {
  volatile uint32_t count, generation;
  uint32_t parties;
};

static uint64_t *m_mem;
static uint64_t m_pages, m_threads;
static volatile uint64_t m_bad;
static struct barrier m_swap; /* the threads in the swap phase */
static struct barrier m_fork; /* the threads and the main thread, around the fork */
static struct barrier m_work; /* the threads of one process in the fork phase */
static volatile uint64_t m_fork_pattern;

/* Threads that wait yield, so a barrier works with more threads than harts. */
static void barrier_wait(struct barrier *b)
{
  uint32_t generation = __atomic_load_n(&b->generation, __ATOMIC_ACQUIRE);
  if (__atomic_add_fetch(&b->count, 1, __ATOMIC_ACQ_REL) == b->parties) {
    b->count = 0;
    __atomic_store_n(&b->generation, generation + 1, __ATOMIC_RELEASE);
    return;
  }
  while (__atomic_load_n(&b->generation, __ATOMIC_ACQUIRE) == generation)
    sys_yield();
}

/* The pattern of page p in round r of the swap phase, and after the fork in the parent
 * (base 100) and the child (base 200). */
static uint64_t pattern(uint64_t base, uint64_t p)
{
  return base + p % m_threads;
}

static void write_own(uint64_t t, uint64_t base)
{
  for (uint64_t p = t; p < m_pages; p += m_threads)
    gen_fill(m_mem, p * WORDS_PER_PAGE, (p + 1) * WORDS_PER_PAGE, pattern(base, p));
}

static uint64_t check_all(uint64_t t, uint64_t base)
{
  uint64_t bad = 0, first = t * m_pages / m_threads;
  for (uint64_t k = 0; k < m_pages; k++) {
    uint64_t p = (first + k) % m_pages;
    bad += gen_verify(m_mem, p * WORDS_PER_PAGE, (p + 1) * WORDS_PER_PAGE, pattern(base, p));
  }
  return bad;
}

static void add_bad(uint64_t bad)
{
  if (bad)
    __atomic_fetch_add(&m_bad, bad, __ATOMIC_RELAXED);
}

/* The fork phase's work of thread t in either process. */
static void rewrite_and_check(uint64_t t)
{
  uint64_t base = m_fork_pattern;
  write_own(t, base);
  barrier_wait(&m_work);
  add_bad(check_all(t, base));
}

static int worker(void *arg)
{
  uint64_t t = (uint64_t)(uintptr_t)arg;
  for (uint64_t r = 0; r < ROUNDS; r++) {
    write_own(t, 16 * r + 1);
    barrier_wait(&m_swap);
    add_bad(check_all(t, 16 * r + 1));
    barrier_wait(&m_swap);
  }
  barrier_wait(&m_fork);
  barrier_wait(&m_fork); /* the fork happens while the threads wait here */
  rewrite_and_check(t);
  return 0;
}

static int child_worker(void *arg)
{
  rewrite_and_check((uint64_t)(uintptr_t)arg);
  return 0;
}

/* Starts the threads of fn; false (after a FAIL line) if one could not be created. */
static bool start_threads(int (*fn)(void *), int *tids)
{
  uint8_t *stacks = (uint8_t *)alloc_pages("mtswap", m_threads * STACK_PAGES);
  for (uint64_t t = 0; t < m_threads; t++) {
    tids[t] = thread_create(fn, (void *)(uintptr_t)t, stacks + (t + 1) * STACK_PAGES * PAGE_SIZE);
    if (tids[t] < 0) {
      printf("FAIL mtswap cannot create thread %lu\n", (unsigned long)t);
      return false;
    }
  }
  return true;
}

static uint64_t join_threads(const int *tids)
{
  uint64_t bad = 0;
  for (uint64_t t = 0; t < m_threads; t++) {
    int status = -1;
    if (thread_join(tids[t], &status) != tids[t] || status != 0)
      bad++;
  }
  return bad;
}

int main(const char *arg)
{
  m_pages = 192;
  m_threads = 4;
  parse_size(arg, &m_pages, &m_threads);
  if (m_threads > MAX_THREADS)
    m_threads = MAX_THREADS;
  m_mem = alloc_pages("mtswap", m_pages);
  m_swap.parties = (uint32_t)m_threads;
  m_fork.parties = (uint32_t)m_threads + 1;
  m_work.parties = (uint32_t)m_threads;
  m_fork_pattern = 100;
  int tids[MAX_THREADS];
  if (!start_threads(worker, tids))
    return 1;

  /* The swap phase runs in the threads; the fork waits for them at the end of it. */
  barrier_wait(&m_fork);
  int pid = sys_fork();
  if (pid == 0) {
    m_bad = 0;
    m_fork_pattern = 200;
    m_work = (struct barrier){0, 0, (uint32_t)m_threads};
    int child_tids[MAX_THREADS];
    if (!start_threads(child_worker, child_tids))
      sys_exit(1);
    uint64_t bad = join_threads(child_tids) + m_bad;
    bad += check_all(0, 200);
    sys_exit(bad ? 1 : 0);
  }
  barrier_wait(&m_fork);
  uint64_t bad = join_threads(tids);
  int status = -1;
  if (pid < 0 || sys_wait(&status) != pid || status != 0)
    bad++;
  bad += m_bad + check_all(0, 100);
  printf("%s mtswap pages=%lu threads=%lu rounds=%d corrupted=%lu\n", bad ? "FAIL" : "PASS",
         (unsigned long)m_pages, (unsigned long)m_threads, ROUNDS, (unsigned long)bad);
  return bad != 0;
}
