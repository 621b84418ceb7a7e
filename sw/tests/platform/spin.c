/* Never ends: for the instruction limit (--max-instructions, exit code 124). */
#include <stdio.h>

int main(void)
{
  printf("spin: looping forever\n");
  for (volatile unsigned long i = 0;; ++i) {
  }
}
