/* badwrite: stores into its own read-only text; the kernel must kill it (store page fault)
 * and the suite must go on. */
#include "ulib.h"

int main(const char *arg)
{
  (void)arg;
  *(volatile uint32_t *)(uintptr_t)&main = 0;
  printf("FAIL badwrite survived a store to read-only text\n");
  return 1;
}
