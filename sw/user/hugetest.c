/* hugetest[:pages]: superpages (the superpages= boot parameter) through every path that
 * splits them, every byte checked. The array, 2 MiB aligned and in whole 2 MiB blocks
 * (default 1536 pages: three), is filled; the heap is shrunk through the middle of a 2 MiB and
 * of a 64 KiB block and grown back: the part kept must be intact, the part given back zero.
 * Then a fork: the child checks everything, rewrites every eighth page (its first store to
 * a shared superpage splits it) and checks again; the parent checks that it still sees its
 * own data, then rewrites and checks everything. With a frame pool smaller than the array
 * the clock algorithm splits superpages to evict their frames, and every check reads pages
 * back from swap. Any mode works: superpages=off maps the same data with 4 KiB pages. */
#include "ulib.h"

#define BLOCK_PAGES 512UL /* 2 MiB */
/* The heap end moves this many pages down and back: from an end on a 2 MiB boundary that is
 * 212 pages into a 2 MiB block and 4 into a 64 KiB one. */
#define CUT_PAGES 300UL
#define MARKED(page) ((page) % 8 == 3)

/* Bytes of pages [0, pages) that do not hold generation `marked` (the pages the child
 * rewrote) or `gen` (the others). */
static uint64_t verify_marked(const uint64_t *mem, uint64_t pages, uint64_t gen,
                              uint64_t marked)
{
  uint64_t bad = 0;
  for (uint64_t k = 0; k < pages; k++)
    bad += gen_verify(mem, k * WORDS_PER_PAGE, (k + 1) * WORDS_PER_PAGE,
                      MARKED(k) ? marked : gen);
  return bad;
}

int main(const char *arg)
{
  uint64_t pages = 3 * BLOCK_PAGES;
  parse_size(arg, &pages, NULL);
  pages = (pages + BLOCK_PAGES - 1) / BLOCK_PAGES * BLOCK_PAGES;
  uint64_t *mem = alloc_superpages("hugetest", pages, BLOCK_PAGES * PAGE_SIZE);
  const uint64_t words = pages * WORDS_PER_PAGE, kept = (pages - CUT_PAGES) * WORDS_PER_PAGE;
  uint64_t bad = 0;

  gen_fill(mem, 0, words, 1);
  if (sys_sbrk(-(long)(CUT_PAGES * PAGE_SIZE)) == (void *)-1)
    bad++;
  bad += gen_verify(mem, 0, kept, 1);
  if (sys_sbrk((long)(CUT_PAGES * PAGE_SIZE)) == (void *)-1)
    bad++;
  for (uint64_t w = kept; w < words; w++)
    bad += diff_bytes(mem[w], 0);
  gen_fill(mem, kept, words, 1);

  int pid = sys_fork();
  if (pid == 0) {
    uint64_t child_bad = gen_verify(mem, 0, words, 1);
    for (uint64_t k = 0; k < pages; k++)
      if (MARKED(k))
        gen_fill(mem, k * WORDS_PER_PAGE, (k + 1) * WORDS_PER_PAGE, 2);
    child_bad += verify_marked(mem, pages, 1, 2);
    sys_exit(child_bad ? 1 : 0);
  }
  int status = -1;
  if (pid < 0 || sys_wait(&status) != pid || status != 0)
    bad++;
  bad += gen_verify(mem, 0, words, 1);
  gen_fill(mem, 0, words, 3);
  bad += gen_verify(mem, 0, words, 3);
  printf("%s hugetest pages=%lu corrupted=%lu\n", bad ? "FAIL" : "PASS", (unsigned long)pages,
         (unsigned long)bad);
  return bad != 0;
}
