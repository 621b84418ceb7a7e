/* Device registers as firmware sees them: the 16550 UART, the CLINT and the PLIC. Prints
 * one name=value line per observation; the differential test compares them with QEMU's
 * virt machine, including the PLIC's default (qemu) gateway: a request latched while the
 * source is in service, no re-sampling at completion. Left out are the documented
 * differences (docs/devices.md): mtimecmp's reset value, mtime writes, PLIC sources above
 * 31, completions through a context where the source is not enabled.
 *
 * Each observation carries its expected value (16550 datasheet reset values and register
 * behaviour, the PLIC spec's WARL fields as QEMU's virt implements them: 3 priority bits,
 * source 0 not enabled), so the firmware checks something without QEMU too: it prints FAIL
 * lines and a DONE summary and exits with the number of failures (platform.devices). */
#include <stdio.h>

#include "platform.h"

#define U(r) VP_MMIO8(VP_UART_BASE + (r))
#define P(off) VP_MMIO32(VP_PLIC_BASE + (off))

static unsigned long value[80], expected[80];
static const char *label[80];
static int count;
/* Records an observation with the value the datasheet / PLIC spec / QEMU's virt give it. */
#define REC(name, expr, want)                    \
  do {                                           \
    label[count] = name;                         \
    expected[count] = (unsigned long)(want);     \
    value[count++] = (unsigned long)(expr);      \
  } while (0)

int main(void)
{
  VP_MMIO64(VP_CLINT_MTIMECMP) = ~0ul; /* QEMU resets it to 0: no timer interrupt here */
  REC("uart.iir", U(2), 0x1);
  REC("uart.lsr", U(5), 0x60);
  REC("uart.ier", U(1), 0x0);
  REC("uart.mcr", U(4), 0x8);
  U(1) = 2;
  REC("uart.iir.thre_pending", U(2), 0x2);
  REC("uart.iir.after_read", U(2), 0x1);
  U(0) = '.';
  REC("uart.iir.after_thr_write", U(2), 0x2);
  U(1) = 0;
  U(2) = 7;
  REC("uart.iir.fifo_on", U(2), 0xc1);
  U(2) = 0;
  REC("uart.iir.fifo_off", U(2), 0x1);
  U(4) = 0x13;
  REC("uart.msr.loopback", U(6), 0x30);
  U(1) = 1;
  U(0) = 'z';
  REC("uart.lsr.loopback_rx", U(5), 0x61);
  REC("uart.iir.loopback_rx", U(2), 0x4);
  REC("uart.rbr.loopback", U(0), 0x7a);
  U(0) = '1';
  U(0) = '2';
  REC("uart.lsr.overrun", U(5), 0x63);
  REC("uart.lsr.after_read", U(5), 0x61);
  REC("uart.rbr.second", U(0), 0x32);
  U(2) = 1; /* FIFOs on: loopback bytes queue, 16 at most */
  U(0) = 'a';
  U(0) = 'b';
  REC("uart.lsr.fifo_two", U(5), 0x61);
  REC("uart.rbr.fifo_first", U(0), 0x61);
  REC("uart.rbr.fifo_second", U(0), 0x62);
  REC("uart.lsr.fifo_drained", U(5), 0x60);
  REC("uart.rbr.fifo_empty", U(0), 0x0);
  for (int i = 0; i < 17; ++i)
    U(0) = (uint8_t)('A' + i);
  REC("uart.lsr.fifo_overrun", U(5), 0x63);
  REC("uart.rbr.fifo_kept_first", U(0), 0x41);
  U(2) = 3; /* RX reset */
  REC("uart.lsr.fifo_reset", U(5), 0x60);
  U(0) = 'Z'; /* the reset emptied the FIFO: the next byte is the first one out */
  REC("uart.rbr.after_fifo_reset", U(0), 0x5a);
  U(2) = 0;
  U(4) = 0;
  U(1) = 0;
  U(7) = 0x77;
  REC("uart.scr", U(7), 0x77);
  REC("clint.msip", VP_MMIO32(VP_CLINT_MSIP), 0x0);
  P(4 * 5) = 0xff;
  REC("plic.priority5.warl", P(4 * 5), 0x7);
  P(4 * 31) = 3;
  REC("plic.priority31", P(4 * 31), 0x3);
  P(0x200000) = 9;
  REC("plic.threshold.warl", P(0x200000), 0x1);
  P(0x200000) = 0;
  P(0x2000) = 0xfffffffe;
  REC("plic.enable0", P(0x2000), 0xfffffffe);
  P(0x2000) = 0;
  P(0x1000) = 0xffffffff;
  REC("plic.pending.read_only", P(0x1000), 0x400);
  /* The UART's THR-empty interrupt (source 10) to the S context. */
  P(4 * 10) = 1;
  P(0x2080) = 1u << 10;
  P(0x201000) = 0;
  U(1) = 2;
  REC("plic.pending.uart", P(0x1000), 0x400);
  REC("mip.seip", read_csr(mip) & 0x200, 0x200);
  REC("plic.claim.s", P(0x201004), 0xa);
  REC("plic.pending.after_claim", P(0x1000), 0x0);
  REC("mip.seip.after_claim", read_csr(mip) & 0x200, 0x0);
  REC("plic.claim.m.disabled", P(0x200004), 0x0);
  U(0) = '.'; /* a THR write while source 10 is in service: a new request, latched */
  REC("plic.pending.thr_in_service", P(0x1000), 0x400);
  REC("mip.seip.in_service", read_csr(mip) & 0x200, 0x0);
  P(0x201004) = 10;
  REC("mip.seip.after_complete", read_csr(mip) & 0x200, 0x200);
  REC("plic.claim.s.latched", P(0x201004), 0xa);
  P(0x201004) = 10; /* the line is still high, but nothing signalled it: no new request */
  REC("plic.pending.after_complete", P(0x1000), 0x0);
  REC("mip.seip.quiet", read_csr(mip) & 0x200, 0x0);
  REC("plic.claim.s.none", P(0x201004), 0x0);
  U(1) = 0;
  P(0x201004) = 10;
  printf("\n");
  int failures = 0;
  for (int i = 0; i < count; ++i) {
    printf("%s=0x%lx\n", label[i], value[i]);
    if (value[i] != expected[i]) {
      printf("FAIL %s: got 0x%lx expected 0x%lx\n", label[i], value[i], expected[i]);
      ++failures;
    }
  }
  printf("DONE devices: %d checks, %d failures\n", count, failures);
  return failures;
}
