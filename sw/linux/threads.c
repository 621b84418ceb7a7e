/* threads [THREADS [ROUNDS [PAGES]]]: threads of one process on every processor (default:
 * one per online processor, 20 rounds, 64 pages). Each round every thread maps PAGES pages
 * of its own, fills and checks them and unmaps them (with the other threads of the address
 * space running on other harts, each unmap is a TLB shootdown: IPIs and remote fences
 * through SBI), then writes its slice of a shared array; after a barrier each thread
 * checks its neighbour's slice. PASS when every word read back is the one written. */
#include <pthread.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "work.h"

#define MAX_THREADS 64
#define SLICE_WORDS 512

static pthread_barrier_t s_barrier;
static uint64_t s_threads, s_rounds, s_pages;
static uint64_t *s_shared;
static uint64_t s_bad[MAX_THREADS], s_map_failed[MAX_THREADS];

static void *worker(void *arg)
{
  const uint64_t t = (uint64_t)(uintptr_t)arg;
  const uint64_t words = s_pages * 4096 / sizeof(uint64_t);
  for (uint64_t r = 0; r < s_rounds; r++) {
    const uint64_t gen = (r * MAX_THREADS + t) * 2 + 1;
    uint64_t *own = mmap(NULL, s_pages * 4096, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (own == MAP_FAILED) {
      s_map_failed[t]++;
    } else {
      gen_fill(own, 0, words, gen);
      s_bad[t] += gen_verify(own, 0, words, gen);
      munmap(own, s_pages * 4096);
    }
    gen_fill(s_shared, t * SLICE_WORDS, (t + 1) * SLICE_WORDS, gen + 1);
    pthread_barrier_wait(&s_barrier);
    const uint64_t n = (t + 1) % s_threads;
    const uint64_t their = (r * MAX_THREADS + n) * 2 + 2;
    s_bad[t] += gen_verify(s_shared, n * SLICE_WORDS, (n + 1) * SLICE_WORDS, their);
    pthread_barrier_wait(&s_barrier);
  }
  return NULL;
}

int threads_main(int argc, char **argv)
{
  struct vmstat before;
  vmstat_read(&before);
  long online = sysconf(_SC_NPROCESSORS_ONLN);
  s_threads = arg_number(argc, argv, 1, online > 0 ? (uint64_t)online : 1, 1, MAX_THREADS,
                         "number of threads");
  s_rounds = arg_number(argc, argv, 2, 20, 1, 100000, "number of rounds");
  s_pages = arg_number(argc, argv, 3, 64, 1, 1 << 20, "pages per thread and round");
  s_shared = map_memory("threads", s_threads * SLICE_WORDS * sizeof(uint64_t));
  pthread_barrier_init(&s_barrier, NULL, (unsigned)s_threads);
  pthread_t ids[MAX_THREADS];
  uint64_t started = 0;
  for (uint64_t t = 1; t < s_threads; t++)
    started += pthread_create(&ids[t], NULL, worker, (void *)(uintptr_t)t) == 0;
  if (started != s_threads - 1) {
    printf("FAIL threads: could only start %llu of %llu threads\n",
           (unsigned long long)started + 1, (unsigned long long)s_threads);
    return 1;
  }
  worker((void *)0);
  for (uint64_t t = 1; t < s_threads; t++)
    pthread_join(ids[t], NULL);
  uint64_t bad = 0, failed = 0;
  for (uint64_t t = 0; t < s_threads; t++) {
    bad += s_bad[t];
    failed += s_map_failed[t];
  }
  printf("%s threads threads=%llu rounds=%llu pages=%llu corrupted=%llu map_failed=%llu\n",
         bad || failed ? "FAIL" : "PASS", (unsigned long long)s_threads,
         (unsigned long long)s_rounds, (unsigned long long)s_pages, (unsigned long long)bad,
         (unsigned long long)failed);
  vmstat_report("threads", &before);
  return bad != 0 || failed != 0;
}
