/* riscv-tests style host interface: console characters through HTIF device 1 command 1,
 * then exit code 3 through tohost = (3 << 1) | 1. */
#include <stdint.h>

volatile uint64_t tohost __attribute__((section(".tohost"), aligned(64)));
volatile uint64_t fromhost __attribute__((section(".tohost"), aligned(64)));

static void htif_putc(char c)
{
  tohost = (1ull << 56) | (1ull << 48) | (uint8_t)c;
  while (fromhost == 0) {
  }
  fromhost = 0;
}

int main(void)
{
  for (const char *s = "htif console works\n"; *s; ++s)
    htif_putc(*s);
  tohost = (3u << 1) | 1;
  for (;;) {
  }
}
