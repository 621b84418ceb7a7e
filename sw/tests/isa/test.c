/* The check/summary half of test.h. */
#include "test.h"

#include <stdio.h>
#include <string.h>

static unsigned s_checks;
static unsigned s_failures;

void t_check(const char *name, uint64_t got, uint64_t expected)
{
  ++s_checks;
  if (got == expected) {
    printf("PASS %s\n", name);
    return;
  }
  ++s_failures;
  printf("FAIL %s: got 0x%lx expected 0x%lx\n", name, (unsigned long)got,
         (unsigned long)expected);
}

void t_show(const char *name, uint64_t value)
{
  printf("%s = 0x%lx\n", name, (unsigned long)value);
}

int t_bootarg(const void *dtb, const char *word)
{
  /* The bootargs string sits in the blob's structure block as written: a byte search over
   * the whole blob (its size is the big-endian word at offset 4) finds it. */
  const uint8_t *b = dtb;
  if (!b || b[0] != 0xd0 || b[1] != 0x0d || b[2] != 0xfe || b[3] != 0xed)
    return 0;
  uint32_t size = (uint32_t)b[4] << 24 | (uint32_t)b[5] << 16 | (uint32_t)b[6] << 8 | b[7];
  size_t n = strlen(word);
  for (uint32_t i = 0; i + n <= size; i++)
    if (memcmp(b + i, word, n) == 0)
      return 1;
  return 0;
}

int t_done(const char *suite)
{
  printf("DONE %s: %u checks, %u failures\n", suite, s_checks, s_failures);
  return (int)s_failures;
}
