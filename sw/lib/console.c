/* Polled 16550 console, the finisher and picolibc's stdio hook. */
#include <stdio.h>

#include "platform.h"

#define UART_THR 0
#define UART_LSR 5
#define UART_LSR_THRE 0x20

void vp_putc(char c)
{
  while ((VP_MMIO8(VP_UART_BASE + UART_LSR) & UART_LSR_THRE) == 0) {
  }
  VP_MMIO8(VP_UART_BASE + UART_THR) = (uint8_t)c;
}

void vp_puts(const char *s)
{
  while (*s)
    vp_putc(*s++);
}

void vp_exit(int code)
{
  VP_MMIO32(VP_FINISHER_BASE) = code == 0 ? 0x5555u : (((uint32_t)code << 16) | 0x3333u);
  for (;;) {
  }
}

void vp_unexpected_trap(unsigned long cause, unsigned long epc, unsigned long tval)
{
  printf("unexpected trap: mcause=0x%lx mepc=0x%lx mtval=0x%lx\n", cause, epc, tval);
  vp_exit(3);
}

static int stdio_putc(char c, FILE *f)
{
  (void)f;
  vp_putc(c);
  return (unsigned char)c;
}

static FILE vp_stdio = FDEV_SETUP_STREAM(stdio_putc, NULL, NULL, _FDEV_SETUP_WRITE);
FILE *const stdout = &vp_stdio;
FILE *const stderr = &vp_stdio;

void _exit(int code)
{
  vp_exit(code);
}
