/* Sleeps in WFI with every interrupt disabled: nothing can wake the hart, so vmplat ends
 * the run with exit code 125 (on QEMU this would wait forever). */
#include <stdio.h>

#include "platform.h"

int main(void)
{
  write_csr(mie, 0);
  printf("idle: waiting for an interrupt that cannot come\n");
  for (;;)
    asm volatile("wfi");
}
