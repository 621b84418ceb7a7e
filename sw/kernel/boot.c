/* M-mode boot: read the device tree, open PMP, delegate traps to S-mode, enable Sstc and the
 * counters, then mret into kernel_main in S-mode. Nothing runs in M-mode after that: the
 * kernel talks to the UART, PLIC, virtio and finisher directly and uses stimecmp. */
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
  write_csr(mtvec, (unsigned long)vp_default_trap);

  printf("boot: hart %lu, ram 0x%lx+0x%lx, pmp %s, sstc %s\n", hartid,
         (unsigned long)g_boot.ram_base, (unsigned long)g_boot.ram_size, pmp ? "open" : "absent",
         g_have_sstc ? "yes" : "no");

  write_csr(satp, 0);
  unsigned long mstatus = read_csr(mstatus);
  mstatus = (mstatus & ~MSTATUS_MPP_MASK) | MSTATUS_MPP_S;
  write_csr(mstatus, mstatus);
  write_csr(mepc, (unsigned long)kernel_main);
  asm volatile("mret");
  __builtin_unreachable();
}
