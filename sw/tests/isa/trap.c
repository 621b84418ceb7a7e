/* The C half of the trap handlers (see trap.h). */
#include "trap.h"

#include <stdio.h>

#include "platform.h"
#include "test.h"

#define MODE_MAGIC 0x15a /* a7 value of run_in_mode's "back to M" ecall (trap_entry.S) */

struct trap_frame {
  uint64_t x[32];
};

volatile struct trap_info g_trap;
void (*volatile g_irq_hook)(uint64_t cause);

extern char isa_mode_return[];

void trap_clear(void)
{
  g_trap.count = 0;
  g_trap.cause = g_trap.epc = g_trap.tval = g_trap.status = 0;
  g_trap.vector = 0;
  g_trap.handler = g_trap.from = -1;
}

void trap_install(void)
{
  /* One NAPOT entry covering the whole address space, RWX (privileged spec 3.7.1). */
  write_csr(pmpaddr0, -1UL >> 10);
  write_csr(pmpcfg0, 0x1fUL);
  write_csr(medeleg, 0);
  write_csr(mideleg, 0);
  write_csr(mtvec, (uintptr_t)isa_mtrap_entry);
  write_csr(stvec, (uintptr_t)isa_strap_entry);
  trap_clear();
}

static uint64_t resume_pc(uint64_t cause, uint64_t epc, const struct trap_frame *f)
{
  if (cause == 1 || cause == 12)
    return f->x[1];
  uint16_t low = *(volatile uint16_t *)(uintptr_t)epc;
  return epc + ((low & 3) == 3 ? 4 : 2);
}

static void record(int handler, uint64_t cause, uint64_t epc, uint64_t tval, uint64_t status,
                   int from, const struct trap_frame *f)
{
  g_trap.cause = cause;
  g_trap.epc = epc;
  g_trap.tval = tval;
  g_trap.status = status;
  g_trap.vector = f->x[0];
  g_trap.handler = handler;
  g_trap.from = from;
  g_trap.count = g_trap.count + 1;
}

static int is_mode_return(uint64_t cause, const struct trap_frame *f)
{
  return (cause == 8 || cause == 9 || cause == 11) && f->x[17] == MODE_MAGIC;
}

void isa_mtrap(struct trap_frame *f)
{
  uint64_t cause = read_csr(mcause);
  uint64_t status = read_csr(mstatus);
  if (is_mode_return(cause, f)) {
    /* Back in M with MIE clear, whatever the lower mode left in MPIE, so a test's pending
     * interrupt cannot be taken in M by surprise. */
    write_csr(mepc, (uintptr_t)isa_mode_return);
    set_csr(mstatus, MSTATUS_MPP);
    clear_csr(mstatus, MSTATUS_MPIE);
    return;
  }
  uint64_t epc = read_csr(mepc);
  record(PRIV_M, cause, epc, read_csr(mtval), status, (int)((status >> 11) & 3), f);
  if (cause & CAUSE_INTERRUPT) {
    if (g_irq_hook)
      g_irq_hook(cause);
    else
      clear_csr(mie, 1UL << (cause & 63));
    return;
  }
  write_csr(mepc, resume_pc(cause, epc, f));
}

void isa_strap(struct trap_frame *f)
{
  uint64_t cause = read_csr(scause);
  uint64_t status = read_csr(sstatus);
  if (is_mode_return(cause, f)) {
    /* A U-mode run_in_mode whose ecall was delegated: pass it on to M with fn's result. */
    register uint64_t a0 asm("a0") = f->x[10];
    register uint64_t a7 asm("a7") = MODE_MAGIC;
    asm volatile("ecall" : : "r"(a0), "r"(a7) : "memory");
  }
  uint64_t epc = read_csr(sepc);
  record(PRIV_S, cause, epc, read_csr(stval), status, (int)((status >> 8) & 1), f);
  if (cause & CAUSE_INTERRUPT) {
    if (g_irq_hook)
      g_irq_hook(cause);
    else
      clear_csr(sie, 1UL << (cause & 63));
    return;
  }
  write_csr(sepc, resume_pc(cause, epc, f));
}

uint32_t insn_at(uint64_t addr)
{
  uint32_t low = *(volatile uint16_t *)(uintptr_t)addr;
  if ((low & 3) != 3)
    return low;
  return low | (uint32_t)*(volatile uint16_t *)(uintptr_t)(addr + 2) << 16;
}

static void check_field(const char *name, const char *field, uint64_t got, uint64_t expected)
{
  char full[96];
  snprintf(full, sizeof full, "%s.%s", name, field);
  t_check(full, got, expected);
}

void check_trap(const char *name, uint64_t cause, uint64_t epc, uint64_t tval)
{
  check_field(name, "count", g_trap.count, 1);
  check_field(name, "cause", g_trap.cause, cause);
  check_field(name, "epc", g_trap.epc, epc);
  if (tval != TVAL_ANY)
    check_field(name, "tval", g_trap.tval, tval);
}

void check_fault(const char *name, uint64_t cause, uint64_t tval)
{
  check_field(name, "count", g_trap.count, 1);
  check_field(name, "cause", g_trap.cause, cause);
  check_field(name, "tval", g_trap.tval, tval);
}

void check_illegal(const char *name, uint64_t site)
{
  check_trap(name, 2, site, insn_at(site));
}

void check_no_trap(const char *name)
{
  check_field(name, "no_trap", g_trap.count, 0);
}
