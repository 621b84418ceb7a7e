/* The check/summary half of test.h. */
#include "test.h"

#include <stdio.h>

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

int t_done(const char *suite)
{
  printf("DONE %s: %u checks, %u failures\n", suite, s_checks, s_failures);
  return (int)s_failures;
}
