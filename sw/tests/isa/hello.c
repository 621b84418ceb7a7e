/* The smallest firmware: prints a line and passes. */
#include <stdio.h>

int main(void)
{
  printf("hello from vmplat firmware\n");
  return 0;
}
