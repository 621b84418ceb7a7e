/* M-mode boot: read the device tree, open PMP, delegate traps to S-mode, enable Sstc and the
 * counters, then mret into kernel_main in S-mode. With Sstc nothing runs in M-mode after
 * that: the kernel talks to the UART, PLIC, virtio and finisher directly and uses stimecmp.
 * Without Sstc the S-mode timer goes through M mode as an SBI firmware's does: the kernel
 * asks for its next tick with the SBI set_timer call, which programs the CLINT's mtimecmp,
 * and the machine timer interrupt is passed on as a pending S timer interrupt (mip.STIP). */
#include <stdio.h>

#include "kernel.h"

#define CSR_MENVCFG "0x30a"
#define CSR_STIMECMP "0x14d"
#define MENVCFG_STCE (1UL << 63)
#define MSTATUS_MPP_MASK (3UL << 11)
#define MSTATUS_MPP_S (1UL << 11)
/* Delegated exceptions: misaligned, access faults, illegal instruction, breakpoint, ecall from
 * U, the three page faults. Delegated interrupts: S software, S timer, S external. */
#define MEDELEG_MASK 0xb1ffUL
#define MIDELEG_MASK 0x222UL

struct boot_params g_boot;
bool g_have_instret;
bool g_have_sstc;
bool g_have_hpm;

extern void vp_default_trap(void);
void boot_probe_trap(void);

/* While probing, mtvec points at boot_probe_trap, which skips the faulting CSR instruction
 * and sets t1; an optional CSR is then reported missing instead of ending the run. */
__asm__(".align 2\n"
        "boot_probe_trap:\n"
        "  li t1, 1\n"
        "  csrr t0, mepc\n"
        "  addi t0, t0, 4\n"
        "  csrw mepc, t0\n"
        "  mret\n");

/* The M-mode trap handler of the timer path without Sstc. It runs on its own save area
 * (mscratch), never on the interrupted stack, which may be a user's virtual address.
 * - machine timer interrupt: mask it (mtimecmp stays in the past) and set mip.STIP;
 * - ecall from S with the SBI TIME extension's set_timer (a7 = 0x54494d45, a6 = 0), or the
 *   legacy set_timer (a7 = 0): mtimecmp = a0, STIP cleared, MTIE unmasked; a0 = 0 (success);
 * - anything else is unexpected in M mode: vp_default_trap reports it and ends the run. */
#define MIE_MTIE (1UL << 7)
static unsigned long g_m_save[4];
void m_timer_trap(void);
__asm__(".align 2\n"
        "m_timer_trap:\n"
        "  csrrw t0, mscratch, t0\n"
        "  sd t1, 0(t0)\n"
        "  sd t2, 8(t0)\n"
        "  csrr t1, mcause\n"
        "  li t2, (1 << 63) | 7\n"
        "  beq t1, t2, 1f\n"
        "  li t2, 9\n"
        "  bne t1, t2, 3f\n"
        "  beqz a7, 2f\n"
        "  li t2, 0x54494d45\n"
        "  bne a7, t2, 3f\n"
        "  bnez a6, 3f\n"
        "2:\n"
        "  li t1, 0x02004000\n"
        "  sd a0, 0(t1)\n"
        "  li t1, 1 << 5\n"
        "  csrc mip, t1\n"
        "  li t1, 1 << 7\n"
        "  csrs mie, t1\n"
        "  csrr t1, mepc\n"
        "  addi t1, t1, 4\n"
        "  csrw mepc, t1\n"
        "  li a0, 0\n"
        "  j 4f\n"
        "1:\n"
        "  li t1, 1 << 7\n"
        "  csrc mie, t1\n"
        "  li t1, 1 << 5\n"
        "  csrs mip, t1\n"
        "4:\n"
        "  ld t1, 0(t0)\n"
        "  ld t2, 8(t0)\n"
        "  csrrw t0, mscratch, t0\n"
        "  mret\n"
        "3:\n"
        "  ld t1, 0(t0)\n"
        "  ld t2, 8(t0)\n"
        "  csrrw t0, mscratch, t0\n"
        "  j vp_default_trap\n");

#define PROBE(insn, ...)                                                                       \
  ({                                                                                           \
    unsigned long __failed;                                                                    \
    asm volatile("li t1, 0\n" insn "\nmv %0, t1" : "=r"(__failed) : __VA_ARGS__ : "t0", "t1", \
                 "memory");                                                                    \
    __failed == 0;                                                                             \
  })

int main(unsigned long hartid, const void *dtb)
{
  while (hartid != 0)
    asm volatile("wfi");

  g_boot.ram_base = VP_DRAM_BASE;
  g_boot.ram_size = 64UL << 20;
  g_boot.quantum = VP_TIMEBASE_HZ / 100;
  fdt_read(dtb, &g_boot);
  /* A device tree may name a sim-control device that is not vmplat's (a user's --dtb). */
  if (g_boot.simctl_base && VP_MMIO32(g_boot.simctl_base) != 0x43534d56U)
    g_boot.simctl_base = 0;

  write_csr(mtvec, (unsigned long)boot_probe_trap);
  bool pmp = PROBE("csrw pmpaddr0, %1", "r"(~0UL >> 10)) && PROBE("csrw pmpcfg0, %1", "r"(0x1fUL));
  g_have_sstc = PROBE("csrs " CSR_MENVCFG ", %1", "r"(MENVCFG_STCE)) &&
                PROBE("csrw " CSR_STIMECMP ", %1", "r"(~0UL));
  g_have_instret = PROBE("csrr t0, minstret", "r"(0UL));
  /* Performance counters 3..9 count MMU events from here on (their mhpmevent values are in
   * docs/mmu.md: ITLB misses, DTLB load and store misses, L2 TLB misses, walks, walk
   * cycles, page faults); S mode may read them (mcounteren bits 3..9). */
  g_have_hpm = PROBE("csrw mhpmevent3, %1\n csrw mhpmevent4, %2\n csrw mhpmevent5, %3\n"
                     "csrw mhpmevent6, %4\n csrw mhpmevent7, %5\n csrw mhpmevent8, %6\n"
                     "csrw mhpmevent9, %7",
                     "r"(0x10021UL), "r"(0x10019UL), "r"(0x1001bUL), "r"(0x100UL), "r"(0x101UL),
                     "r"(0x102UL), "r"(0x103UL)) &&
               PROBE("csrw mhpmcounter3, zero\n csrw mhpmcounter4, zero\n"
                     "csrw mhpmcounter5, zero\n csrw mhpmcounter6, zero\n"
                     "csrw mhpmcounter7, zero\n csrw mhpmcounter8, zero\n"
                     "csrw mhpmcounter9, zero", "r"(0UL));
  PROBE("csrw mcounteren, %1", "r"(0x3ffUL));
  write_csr(medeleg, MEDELEG_MASK);
  write_csr(mideleg, MIDELEG_MASK);
  if (g_have_sstc) {
    write_csr(mtvec, (unsigned long)vp_default_trap);
  } else {
    /* The hart boots with mtimecmp at zero on some machines: no tick until asked for. */
    *(volatile uint64_t *)(VP_CLINT_MTIMECMP + 8 * hartid) = ~0UL;
    write_csr(mscratch, (unsigned long)g_m_save);
    write_csr(mtvec, (unsigned long)m_timer_trap);
    set_csr(mie, MIE_MTIE);
  }

  printf("boot: hart %lu, ram 0x%lx+0x%lx, pmp %s, sstc %s\n", hartid,
         (unsigned long)g_boot.ram_base, (unsigned long)g_boot.ram_size, pmp ? "open" : "absent",
         g_have_sstc ? "yes" : "no (timer through M mode)");

  write_csr(satp, 0);
  unsigned long mstatus = read_csr(mstatus);
  mstatus = (mstatus & ~MSTATUS_MPP_MASK) | MSTATUS_MPP_S;
  write_csr(mstatus, mstatus);
  write_csr(mepc, (unsigned long)kernel_main);
  asm volatile("mret");
  __builtin_unreachable();
}
