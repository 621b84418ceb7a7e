/* badjump: jumps into kernel memory (mapped, but not user-accessible); the kernel must kill
 * it (instruction page fault) and the suite must go on. */
#include "ulib.h"

int main(const char *arg)
{
  (void)arg;
  void (*kernel)(void) = (void (*)(void))0x80000000UL;
  kernel();
  printf("FAIL badjump returned from kernel memory\n");
  return 1;
}
