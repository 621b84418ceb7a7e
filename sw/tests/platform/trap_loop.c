/* A firmware whose trap vector cannot be fetched (tests/system/cli.cmake): M mode points
 * mtvec at 0x0, where nothing answers, and executes an illegal instruction. The trap goes
 * to 0x0, fetching it faults, and that trap goes to 0x0 again: vmplat ends the run at once
 * (exit code 95) naming the vector, the fault and the illegal instruction that began it.
 * With "s" in the boot arguments the loop is in S mode instead: every exception is
 * delegated to S with stvec = 0x0, which only cpu.trap_loop_limit (a run of traps with no
 * instruction retired) or the instruction and cycle limits end. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "platform.h"

static int bootarg_s(const uint8_t *dtb)
{
  if (!dtb || dtb[0] != 0xd0 || dtb[1] != 0x0d)
    return 0;
  uint32_t size = (uint32_t)dtb[4] << 24 | (uint32_t)dtb[5] << 16 | (uint32_t)dtb[6] << 8 | dtb[7];
  for (uint32_t i = 0; i + 8 <= size; i++)
    if (memcmp(dtb + i, "loop=s", 6) == 0)
      return 1;
  return 0;
}

extern char trap_loop_s_entry[];

int main(unsigned long hartid, const uint8_t *dtb)
{
  (void)hartid;
  if (bootarg_s(dtb)) {
    printf("trap_loop: S mode, stvec = 0\n");
    write_csr(pmpaddr0, ~0UL >> 10);
    write_csr(pmpcfg0, 0x1fUL);
    write_csr(medeleg, 0xb1ffUL);
    write_csr(stvec, 0UL);
    write_csr(mepc, (uintptr_t)trap_loop_s_entry);
    clear_csr(mstatus, 3UL << 11);
    set_csr(mstatus, 1UL << 11);
    asm volatile("mret");
  }
  printf("trap_loop: M mode, mtvec = 0\n");
  write_csr(mtvec, 0UL);
  asm volatile(".4byte 0xfe000033");  /* a reserved encoding: illegal instruction */
  return 0;
}

/* S mode: an illegal instruction, delegated to the unfetchable stvec. */
__asm__(".globl trap_loop_s_entry\n"
        "trap_loop_s_entry:\n"
        "  .4byte 0xfe000033\n"
        "  j trap_loop_s_entry\n");
