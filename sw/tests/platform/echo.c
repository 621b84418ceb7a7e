/* Console input as a user types it: prints each received byte in hex, polled, and passes
 * when it receives 'q'. tests/system/console_test.py feeds it through a pipe and through a
 * pseudo-terminal (a key at a time, Enter as CR, no local echo). */
#include <stdio.h>

#include "platform.h"

#define UART(r) VP_MMIO8(VP_UART_BASE + (r))
#define UART_RBR 0
#define UART_LSR 5
#define LSR_DR 0x01

int main(void)
{
  printf("echo: ready, q ends\n");
  for (;;) {
    while ((UART(UART_LSR) & LSR_DR) == 0) {
    }
    unsigned char c = UART(UART_RBR);
    if (c == 'q')
      return 0;
    printf("echo: key 0x%02x\n", c);
  }
}
