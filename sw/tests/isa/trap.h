/* Trap capture for the ISA tests.
 *
 * trap_install() points mtvec and stvec at handlers that record every trap in g_trap and
 * resume the program: after an exception at the instruction following the faulting one
 * (2 or 4 bytes, from the instruction's low bits); after an instruction access fault at ra,
 * so a test provokes one with a call to the bad address. An interrupt calls g_irq_hook if
 * set (which must quiet the source) and otherwise clears the cause's enable bit in mie or
 * sie, so a level-triggered source cannot storm.
 *
 * run_in_mode(PRIV_S or PRIV_U, fn, arg) calls fn(arg) in that privilege mode and returns
 * its result in M mode with mstatus.MIE clear; it needs PMP open (trap_install does it:
 * QEMU enforces PMP, and with no entry S and U could touch nothing).
 */
#ifndef VMPLAT_ISA_TRAP_H
#define VMPLAT_ISA_TRAP_H

#include <stdint.h>

#define PRIV_U 0
#define PRIV_S 1
#define PRIV_M 3

#define CAUSE_INTERRUPT (1UL << 63)

#define MSTATUS_SIE (1UL << 1)
#define MSTATUS_MIE (1UL << 3)
#define MSTATUS_SPIE (1UL << 5)
#define MSTATUS_MPIE (1UL << 7)
#define MSTATUS_SPP (1UL << 8)
#define MSTATUS_MPP (3UL << 11)
#define MSTATUS_MPRV (1UL << 17)
#define MSTATUS_SUM (1UL << 18)
#define MSTATUS_MXR (1UL << 19)

#define IRQ_SSI 1
#define IRQ_MSI 3
#define IRQ_STI 5
#define IRQ_MTI 7
#define IRQ_SEI 9
#define IRQ_MEI 11

/* What the last trap looked like; count says how many were taken since trap_clear(). */
struct trap_info {
  uint64_t count;
  uint64_t cause;
  uint64_t epc;
  uint64_t tval;
  uint64_t status;  /* mstatus (or sstatus) as the handler saw it */
  uint64_t vector;  /* index of the vectored entry used, or -1 for the direct entry */
  int handler;      /* PRIV_M or PRIV_S: which mode took the trap */
  int from;         /* previous privilege (MPP or SPP) */
};

extern volatile struct trap_info g_trap;
extern void (*volatile g_irq_hook)(uint64_t cause);

/* Vector tables for mtvec/stvec in vectored mode (aligned to 256 bytes). */
extern char isa_mtrap_vectors[];
extern char isa_strap_vectors[];
extern char isa_mtrap_entry[];
extern char isa_strap_entry[];

void trap_install(void);
void trap_clear(void);
uint64_t run_in_mode(int priv, uint64_t (*fn)(uint64_t), uint64_t arg);


/* The instruction bits at addr (32 or 16 bits), as mtval reports them for an illegal
 * instruction. */
uint32_t insn_at(uint64_t addr);

/* Checks that exactly one trap was taken since trap_clear() with this cause and epc
 * (and tval, unless tval is TVAL_ANY): prints name.count, name.cause, name.epc, name.tval. */
#define TVAL_ANY 0xdeadUL
void check_trap(const char *name, uint64_t cause, uint64_t epc, uint64_t tval);
/* The same without the epc: prints name.count, name.cause, name.tval. */
void check_fault(const char *name, uint64_t cause, uint64_t tval);
/* Checks that an illegal-instruction trap was taken at site with tval = its bits. */
void check_illegal(const char *name, uint64_t site);
/* Checks that nothing trapped since trap_clear(). */
void check_no_trap(const char *name);

/* Executes the instruction text insn after trap_clear() and returns its address; %1 is
 * bound to val. */
#define PROBE(insn, val)                                                                  \
  ({                                                                                      \
    uint64_t site_;                                                                       \
    trap_clear();                                                                         \
    asm volatile(".option push\n.option norvc\n la %0, 1f\n1: " insn "\n.option pop"      \
                 : "=&r"(site_) : "r"((uint64_t)(val)) : "memory", "t0");                 \
    site_;                                                                                \
  })

#endif
