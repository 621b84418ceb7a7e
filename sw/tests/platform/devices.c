/* Device registers as firmware sees them: the 16550 UART, the CLINT and the PLIC. Prints
 * one name=value line per observation; the differential test compares them with QEMU's
 * virt machine, including the PLIC's default (qemu) gateway: a request latched while the
 * source is in service, no re-sampling at completion. Left out are the documented
 * differences (docs/devices.md): mtimecmp's reset value, mtime writes, PLIC sources above
 * 31, completions through a context where the source is not enabled. */
#include <stdio.h>

#include "platform.h"

#define U(r) VP_MMIO8(VP_UART_BASE + (r))
#define P(off) VP_MMIO32(VP_PLIC_BASE + (off))

static unsigned long value[80];
static const char *label[80];
static int count;
#define REC(name, expr)                          \
  do {                                           \
    label[count] = name;                         \
    value[count++] = (unsigned long)(expr);      \
  } while (0)

int main(void)
{
  VP_MMIO64(VP_CLINT_MTIMECMP) = ~0ul; /* QEMU resets it to 0: no timer interrupt here */
  REC("uart.iir", U(2));
  REC("uart.lsr", U(5));
  REC("uart.ier", U(1));
  REC("uart.mcr", U(4));
  U(1) = 2;
  REC("uart.iir.thre_pending", U(2));
  REC("uart.iir.after_read", U(2));
  U(0) = '.';
  REC("uart.iir.after_thr_write", U(2));
  U(1) = 0;
  U(2) = 7;
  REC("uart.iir.fifo_on", U(2));
  U(2) = 0;
  REC("uart.iir.fifo_off", U(2));
  U(4) = 0x13;
  REC("uart.msr.loopback", U(6));
  U(1) = 1;
  U(0) = 'z';
  REC("uart.lsr.loopback_rx", U(5));
  REC("uart.iir.loopback_rx", U(2));
  REC("uart.rbr.loopback", U(0));
  U(0) = '1';
  U(0) = '2';
  REC("uart.lsr.overrun", U(5));
  REC("uart.lsr.after_read", U(5));
  REC("uart.rbr.second", U(0));
  U(2) = 1; /* FIFOs on: loopback bytes queue, 16 at most */
  U(0) = 'a';
  U(0) = 'b';
  REC("uart.lsr.fifo_two", U(5));
  REC("uart.rbr.fifo_first", U(0));
  REC("uart.rbr.fifo_second", U(0));
  REC("uart.lsr.fifo_drained", U(5));
  REC("uart.rbr.fifo_empty", U(0));
  for (int i = 0; i < 17; ++i)
    U(0) = (uint8_t)('A' + i);
  REC("uart.lsr.fifo_overrun", U(5));
  REC("uart.rbr.fifo_kept_first", U(0));
  U(2) = 3; /* RX reset */
  REC("uart.lsr.fifo_reset", U(5));
  U(2) = 0;
  U(4) = 0;
  U(1) = 0;
  U(7) = 0x77;
  REC("uart.scr", U(7));
  REC("clint.msip", VP_MMIO32(VP_CLINT_MSIP));
  P(4 * 5) = 0xff;
  REC("plic.priority5.warl", P(4 * 5));
  P(4 * 31) = 3;
  REC("plic.priority31", P(4 * 31));
  P(0x200000) = 9;
  REC("plic.threshold.warl", P(0x200000));
  P(0x200000) = 0;
  P(0x2000) = 0xfffffffe;
  REC("plic.enable0", P(0x2000));
  P(0x2000) = 0;
  P(0x1000) = 0xffffffff;
  REC("plic.pending.read_only", P(0x1000));
  /* The UART's THR-empty interrupt (source 10) to the S context. */
  P(4 * 10) = 1;
  P(0x2080) = 1u << 10;
  P(0x201000) = 0;
  U(1) = 2;
  REC("plic.pending.uart", P(0x1000));
  REC("mip.seip", read_csr(mip) & 0x200);
  REC("plic.claim.s", P(0x201004));
  REC("plic.pending.after_claim", P(0x1000));
  REC("mip.seip.after_claim", read_csr(mip) & 0x200);
  REC("plic.claim.m.disabled", P(0x200004));
  U(0) = '.'; /* a THR write while source 10 is in service: a new request, latched */
  REC("plic.pending.thr_in_service", P(0x1000));
  REC("mip.seip.in_service", read_csr(mip) & 0x200);
  P(0x201004) = 10;
  REC("mip.seip.after_complete", read_csr(mip) & 0x200);
  REC("plic.claim.s.latched", P(0x201004));
  P(0x201004) = 10; /* the line is still high, but nothing signalled it: no new request */
  REC("plic.pending.after_complete", P(0x1000));
  REC("mip.seip.quiet", read_csr(mip) & 0x200);
  REC("plic.claim.s.none", P(0x201004));
  U(1) = 0;
  P(0x201004) = 10;
  printf("\n");
  for (int i = 0; i < count; ++i)
    printf("%s=0x%lx\n", label[i], value[i]);
  return 0;
}
