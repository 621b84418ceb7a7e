/* M-mode boot: read the device tree, open PMP, delegate traps to S-mode, enable Sstc and the
 * counters, then mret into kernel_main in S-mode. Every hart does the same M-mode setup:
 * hart 0 from main, the others (start.S hands them to vp_secondary_start) once hart 0 has
 * initialised the kernel; they enter S-mode at kernel_secondary.
 * After that M-mode runs only the handler m_trap, as an SBI firmware would:
 * - the machine software interrupt (an IPI: the kernel writes the CLINT's msip from S-mode)
 *   becomes a supervisor software interrupt (msip cleared, mip.SSIP set);
 * - without Sstc, the S-mode timer: the kernel asks for its next tick with the SBI set_timer
 *   call, which programs the hart's mtimecmp, and the machine timer interrupt is passed on
 *   as a pending S timer interrupt (mip.STIP). */
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

#define MIE_MSIE (1UL << 3)
#define KSTACK_SIZE 16384

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

/* The M-mode trap handler. It runs on the hart's own save area (mscratch), never on the
 * interrupted stack, which may be a user's virtual address.
 * - machine software interrupt: clear the hart's msip, set mip.SSIP;
 * - machine timer interrupt: mask it (mtimecmp stays in the past) and set mip.STIP;
 * - ecall from S with the SBI TIME extension's set_timer (a7 = 0x54494d45, a6 = 0), or the
 *   legacy set_timer (a7 = 0): the hart's mtimecmp = a0, STIP cleared, MTIE unmasked;
 *   a0 = 0 (success);
 * - anything else is unexpected in M mode: vp_default_trap reports it and ends the run. */
#define MIE_MTIE (1UL << 7)
static unsigned long g_m_save[MAX_HARTS][4];
void m_trap(void);
__asm__(".align 2\n"
        "m_trap:\n"
        "  csrrw t0, mscratch, t0\n"
        "  sd t1, 0(t0)\n"
        "  sd t2, 8(t0)\n"
        "  csrr t1, mcause\n"
        "  li t2, (1 << 63) | 3\n"
        "  beq t1, t2, 5f\n"
        "  li t2, (1 << 63) | 7\n"
        "  beq t1, t2, 1f\n"
        "  li t2, 9\n"
        "  bne t1, t2, 3f\n"
        "  beqz a7, 2f\n"
        "  li t2, 0x54494d45\n"
        "  bne a7, t2, 3f\n"
        "  bnez a6, 3f\n"
        "2:\n"
        "  csrr t1, mhartid\n"
        "  slli t1, t1, 3\n"
        "  li t2, 0x02004000\n"
        "  add t1, t1, t2\n"
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
        "  j 4f\n"
        "5:\n"
        "  csrr t1, mhartid\n"
        "  slli t1, t1, 2\n"
        "  li t2, 0x02000000\n"
        "  add t1, t1, t2\n"
        "  sw zero, 0(t1)\n"
        "  li t1, 1 << 1\n"
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

/* The M-mode setup every hart does: PMP, Sstc, counters, delegation, m_trap with the
 * software interrupt enabled (and the timer path without Sstc). Hart 0 records what the
 * probes found; returns whether PMP is there. */
static bool m_hart_init(unsigned long hartid)
{
  const bool first = hartid == 0;
  write_csr(mtvec, (unsigned long)boot_probe_trap);
  bool pmp = PROBE("csrw pmpaddr0, %1", "r"(~0UL >> 10)) && PROBE("csrw pmpcfg0, %1", "r"(0x1fUL));
  bool sstc = PROBE("csrs " CSR_MENVCFG ", %1", "r"(MENVCFG_STCE)) &&
              PROBE("csrw " CSR_STIMECMP ", %1", "r"(~0UL));
  bool instret = PROBE("csrr t0, minstret", "r"(0UL));
  /* Performance counters 3..9 count MMU events from here on (their mhpmevent values are in
   * docs/mmu.md: ITLB misses, DTLB load and store misses, L2 TLB misses, walks, walk
   * cycles, page faults); S mode may read them (mcounteren bits 3..9). */
  bool hpm = PROBE("csrw mhpmevent3, %1\n csrw mhpmevent4, %2\n csrw mhpmevent5, %3\n"
                   "csrw mhpmevent6, %4\n csrw mhpmevent7, %5\n csrw mhpmevent8, %6\n"
                   "csrw mhpmevent9, %7",
                   "r"(0x10021UL), "r"(0x10019UL), "r"(0x1001bUL), "r"(0x100UL), "r"(0x101UL),
                   "r"(0x102UL), "r"(0x103UL)) &&
             PROBE("csrw mhpmcounter3, zero\n csrw mhpmcounter4, zero\n"
                   "csrw mhpmcounter5, zero\n csrw mhpmcounter6, zero\n"
                   "csrw mhpmcounter7, zero\n csrw mhpmcounter8, zero\n"
                   "csrw mhpmcounter9, zero", "r"(0UL));
  PROBE("csrw mcounteren, %1", "r"(0x3ffUL));
  if (first) {
    g_have_sstc = sstc;
    g_have_instret = instret;
    g_have_hpm = hpm;
  }
  write_csr(medeleg, MEDELEG_MASK);
  write_csr(mideleg, MIDELEG_MASK);
  /* The hart boots with mtimecmp at zero on some machines: no tick until asked for. */
  if (!g_have_sstc)
    *(volatile uint64_t *)(VP_CLINT_MTIMECMP + 8 * hartid) = ~0UL;
  write_csr(mscratch, (unsigned long)g_m_save[hartid]);
  write_csr(mtvec, (unsigned long)m_trap);
  write_csr(mie, MIE_MSIE | (g_have_sstc ? 0 : MIE_MTIE));
  return pmp;
}

__attribute__((noreturn)) static void enter_s(void (*entry)(void))
{
  write_csr(satp, 0);
  unsigned long mstatus = read_csr(mstatus);
  mstatus = (mstatus & ~MSTATUS_MPP_MASK) | MSTATUS_MPP_S;
  write_csr(mstatus, mstatus);
  write_csr(mepc, (unsigned long)entry);
  asm volatile("mret");
  __builtin_unreachable();
}

/* Kernel stacks of harts 1.. (hart 0 keeps sw/lib's 64 KiB stack). */
static uint8_t m_kstacks[MAX_HARTS - 1][KSTACK_SIZE] __attribute__((aligned(16)));
extern char __stack_top[];

/* Harts other than 0 come here from start.S (vp_secondary_entry names this), in M-mode with
 * a0 = hart id and no stack: they sleep with only the software interrupt enabled (no trap is
 * taken: mstatus.MIE is 0) until hart 0 sets g_smp_release, then take their kernel stack.
 * A hart the kernel has no room for sleeps for good. */
void vp_secondary_start(void);
__asm__(".align 2\n"
        "vp_secondary_start:\n"
        ".option push\n"
        ".option norelax\n"
        "  la gp, __global_pointer$\n"
        ".option pop\n"
        "  li t0, 8\n" /* MAX_HARTS */
        "  bgeu a0, t0, 3f\n"
        "  li t0, 8\n"
        "  csrw mie, t0\n"
        "1:\n"
        "  la t1, g_smp_release\n"
        "  ld t1, 0(t1)\n"
        "  bnez t1, 2f\n"
        "  wfi\n"
        "  j 1b\n"
        "2:\n"
        "  fence r, rw\n"
        "  la t1, g_cpus\n"
        "  slli t2, a0, 7\n" /* sizeof(struct cpu) */
        "  add tp, t1, t2\n"
        "  ld sp, 0(tp)\n"
        "  call secondary_main\n"
        "3:\n"
        "  csrw mie, zero\n"
        "  wfi\n"
        "  j 3b\n");
_Static_assert(MAX_HARTS == 8 && sizeof(struct cpu) == 128, "vp_secondary_start's constants");
void (*vp_secondary_entry)(void) = vp_secondary_start;

__attribute__((noreturn)) void secondary_main(unsigned long hartid)
{
  VP_MMIO32(VP_CLINT_MSIP + 4 * hartid) = 0; /* hart 0's wake-up */
  m_hart_init(hartid);
  enter_s(kernel_secondary);
}

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
  g_nharts = g_boot.harts < 1 ? 1 : g_boot.harts > MAX_HARTS ? MAX_HARTS : g_boot.harts;
  for (unsigned h = 0; h < MAX_HARTS; h++) {
    g_cpus[h].id = h;
    g_cpus[h].current = -1;
    g_cpus[h].fp_owner = -1;
    g_cpus[h].kstack_top = h == 0 ? (uint64_t)(uintptr_t)__stack_top
                                  : (uint64_t)(uintptr_t)(m_kstacks[h - 1] + KSTACK_SIZE);
  }
  asm volatile("mv tp, %0" ::"r"(&g_cpus[0]));

  bool pmp = m_hart_init(hartid);

  printf("boot: hart %lu, ram 0x%lx+0x%lx, pmp %s, sstc %s\n", hartid,
         (unsigned long)g_boot.ram_base, (unsigned long)g_boot.ram_size, pmp ? "open" : "absent",
         g_have_sstc ? "yes" : "no (timer through M mode)");
  enter_s(kernel_main);
}
