/* An interrupt-driven console written the way teaching kernels for QEMU's virt machine write
 * it (xv6-riscv's uart.c): the UART's THR-empty and received-data interrupts go through the
 * PLIC to M mode; the handler claims, drains received bytes, writes the next queued byte
 * when LSR says THR is empty, and completes. It never reads IIR, so the 16550 keeps its
 * THR-empty interrupt asserted for good once the queue is empty.
 *
 * With QEMU's gateway (vmplat's default, plic.gateway=qemu) every THR write is one new
 * request and the completion does not look at the line again: one interrupt per byte, plus
 * the one from enabling ETBEI. The firmware prints its lines through that path, then (polled,
 * interrupts off) its interrupt counts, which must be equal on vmplat and QEMU, and checks
 * that they are bounded. With the PLIC spec's level gateway (plic.gateway=level) the first
 * completion re-pends the still-high line and the hart never leaves the handler loop: the
 * run ends only at an instruction limit, with the storm in plic.claims.uart
 * (tests/system/platform.cmake). */
#include <stdio.h>
#include <string.h>

#include "platform.h"
#include "test.h"
#include "trap.h"

#define UART(r) VP_MMIO8(VP_UART_BASE + (r))
#define UART_RBR 0
#define UART_THR 0
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_LSR 5
#define IER_RX 0x01
#define IER_TX 0x02
#define FCR_FIFO_RESET 0x07 /* enable, reset both FIFOs */
#define LCR_8N1 0x03
#define LSR_DR 0x01
#define LSR_THRE 0x20

#define PLIC_PRIORITY(src) VP_MMIO32(VP_PLIC_BASE + 4 * (src))
#define PLIC_ENABLE_M VP_MMIO32(VP_PLIC_BASE + 0x2000)
#define PLIC_THRESHOLD_M VP_MMIO32(VP_PLIC_BASE + 0x200000)
#define PLIC_CLAIM_M VP_MMIO32(VP_PLIC_BASE + 0x200004)

#define MIP(irq) (1UL << (irq))

static const char *const kLines[] = {
    "uart_irq: this line left through the THR-empty interrupt\n",
    "uart_irq: one byte per interrupt, and IIR is never read\n",
    "uart_irq: each THR write is a new request for the PLIC\n",
    "uart_irq: the last line\n",
};
#define LINES (sizeof(kLines) / sizeof(kLines[0]))

#define RING 256 /* a power of two, longer than a line */
static char g_ring[RING];
static volatile unsigned g_head, g_tail; /* written by the enqueuer, by the handler */

static volatile uint64_t g_interrupts, g_uart_claims, g_empty_claims, g_rx_bytes;

/* Moves one queued byte to THR if the transmitter can take it. */
static void uart_start(void)
{
  if (g_tail != g_head && (UART(UART_LSR) & LSR_THRE)) {
    UART(UART_THR) = (uint8_t)g_ring[g_tail % RING];
    g_tail = g_tail + 1;
  }
}

static void external_interrupt(uint64_t cause)
{
  if (cause != (CAUSE_INTERRUPT | IRQ_MEI)) {
    write_csr(mie, 0);
    return;
  }
  g_interrupts = g_interrupts + 1;
  uint32_t id = PLIC_CLAIM_M;
  if (id == 0) {
    g_empty_claims = g_empty_claims + 1;
    return;
  }
  if (id == VP_UART_IRQ) {
    g_uart_claims = g_uart_claims + 1;
    while (UART(UART_LSR) & LSR_DR) {
      (void)UART(UART_RBR);
      g_rx_bytes = g_rx_bytes + 1;
    }
    uart_start();
  }
  PLIC_CLAIM_M = id;
}

/* Queues a line with interrupts off and starts the transmitter; the interrupts send the
 * rest while the caller waits for the queue to drain. */
static void uart_write(const char *s)
{
  clear_csr(mstatus, MSTATUS_MIE);
  for (; *s; ++s) {
    g_ring[g_head % RING] = *s;
    g_head = g_head + 1;
  }
  uart_start();
  set_csr(mstatus, MSTATUS_MIE);
  while (g_tail != g_head) {
  }
}

int main(void)
{
  trap_install();
  printf("uart_irq: interrupt-driven console, IIR never read\n");

  g_irq_hook = external_interrupt;
  PLIC_PRIORITY(VP_UART_IRQ) = 1;
  PLIC_THRESHOLD_M = 0;
  PLIC_ENABLE_M = 1U << VP_UART_IRQ;
  UART(UART_IER) = 0;
  UART(UART_FCR) = FCR_FIFO_RESET;
  UART(UART_LCR) = LCR_8N1;
  UART(UART_IER) = IER_RX | IER_TX; /* THR is empty: the first interrupt */
  write_csr(mie, MIP(IRQ_MEI));
  set_csr(mstatus, MSTATUS_MIE);

  uint64_t bytes = 0;
  for (unsigned i = 0; i < LINES; ++i) {
    uart_write(kLines[i]);
    bytes += strlen(kLines[i]);
  }

  clear_csr(mstatus, MSTATUS_MIE);
  UART(UART_IER) = 0;
  PLIC_ENABLE_M = 0;
  g_irq_hook = 0;
  SHOW("bytes", bytes);
  SHOW("interrupts", g_interrupts);
  SHOW("uart_claims", g_uart_claims);
  CHECK("empty_claims", g_empty_claims, 0);
  CHECK("rx_bytes", g_rx_bytes, 0);
  /* One per byte and one for enabling ETBEI: a storm would be far more. */
  CHECK("interrupts_bounded", g_interrupts <= bytes + 1, 1);
  return t_done("uart_irq");
}
