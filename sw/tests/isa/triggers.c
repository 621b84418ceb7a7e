/* Sdtrig debug triggers (RISC-V Debug Specification 1.0, chapter 5) used natively: the
 * enumeration a debugger or an OS makes (tselect read back, tdata1's type, tinfo), the
 * read-back of mcontrol (type 2) and mcontrol6 (type 6) values a standard breakpoint test
 * writes, and address triggers on execute, load and store that raise breakpoint exceptions
 * before the instruction (mepc at it, the store not done), in M (with mstatus.MIE = 1), S
 * and U mode, with two triggers at once.
 *
 * This part prints the same on vmplat and QEMU. With "check-spec" in the boot arguments
 * the test goes on with what QEMU 7.2 does not implement or does differently: no trigger
 * in M mode while MIE = 0 (or in S mode while SIE = 0 with breakpoints delegated), a
 * written 0 disabling a trigger (type 15), tinfo's version, hit bits, xtval, chains,
 * sizes, NAPOT/ge/lt matches, and an execute trigger outranking a fetch fault. */
#include <stdio.h>

#include "test.h"
#include "trap.h"

#define TYPE(t) ((uint64_t)(t) << 60)
#define T_LOAD 0x01UL
#define T_STORE 0x02UL
#define T_EXEC 0x04UL
#define T_U 0x08UL
#define T_S 0x10UL
#define T_M 0x40UL
#define T_CHAIN (1UL << 11)
#define T_MATCH(m) ((uint64_t)(m) << 7)
#define T2_HIT (1UL << 20)
#define T6_HIT0 (1UL << 22)
#define T6_SIZE(s) ((uint64_t)(s) << 16)
#define CAUSE_BREAKPOINT 3

#define T6_HIT1 (1UL << 25)
#define CAUSE_FETCH_ACCESS 1
#define CAUSE_ILLEGAL_INSTR 2
#define MSTATUS_FS_INITIAL (1UL << 13)
#define MSTATUS_FS_DIRTY (3UL << 13)

/* The trigger CSRs by number: tselect 0x7a0, tdata1 0x7a1, tdata2 0x7a2, tinfo 0x7a4. */
#define CSRR(num) ({ uint64_t v_; asm volatile("csrr %0, " #num : "=r"(v_)); v_; })
#define CSRW(num, val) asm volatile("csrw " #num ", %0" :: "r"((uint64_t)(val)) : "memory")

static volatile uint32_t data1, data2;
static volatile uint64_t area[8] __attribute__((aligned(64)));

/* An instruction at a known address to break on. */
extern char trig_site[];
__attribute__((noinline)) static uint64_t exec_site(uint64_t arg)
{
  uint64_t r = arg;
  asm volatile(".option push\n.option norvc\n.globl trig_site\ntrig_site: addi %0, %0, 1\n"
               ".option pop" : "+r"(r));
  return r;
}
__attribute__((noinline)) static uint64_t load32(uint64_t addr)
{
  return *(volatile uint32_t *)(uintptr_t)addr;
}
__attribute__((noinline)) static uint64_t load8(uint64_t addr)
{
  return *(volatile uint8_t *)(uintptr_t)addr;
}
__attribute__((noinline)) static uint64_t store32(uint64_t addr)
{
  *(volatile uint32_t *)(uintptr_t)addr = 7;
  return 0;
}
__attribute__((noinline)) static uint64_t amo32(uint64_t addr)
{
  uint32_t old;
  asm volatile("amoadd.w %0, %2, (%1)" : "=r"(old) : "r"(addr), "r"(1) : "memory");
  return old;
}
/* FP loads and stores, assembled for D although this firmware is built without it. */
__attribute__((noinline)) static uint64_t fld_at(uint64_t addr)
{
  asm volatile(".option push\n.option arch, +d\nfld ft0, 0(%0)\n.option pop" ::"r"(addr)
               : "memory");
  return 0;
}
__attribute__((noinline)) static uint64_t fsw_at(uint64_t addr)
{
  asm volatile(".option push\n.option arch, +d\nfsw ft0, 0(%0)\n.option pop" ::"r"(addr)
               : "memory");
  return 0;
}
static uint64_t addr_of(volatile void *p) { return (uint64_t)(uintptr_t)p; }

static void select_trigger(unsigned i, uint64_t tdata1, uint64_t tdata2)
{
  CSRW(0x7a0, i);
  CSRW(0x7a1, TYPE(2)); /* quiet while tdata2 changes */
  CSRW(0x7a2, tdata2);
  CSRW(0x7a1, tdata1);
}

/* Every trigger back to a type-2 trigger with nothing enabled (QEMU ignores a written 0). */
static void quiet_all(void)
{
  for (unsigned i = 0; i < 2; i++) {
    CSRW(0x7a0, i);
    CSRW(0x7a1, TYPE(2));
  }
  CSRW(0x7a0, 0);
}

static void check_break(const char *name, uint64_t epc)
{
  check_trap(name, CAUSE_BREAKPOINT, epc, TVAL_ANY);
}

static void test_enumeration(void)
{
  for (uint64_t i = 0; i < 2; i++) {
    CSRW(0x7a0, i);
    CHECK("tselect.readback", CSRR(0x7a0), i);
    CHECK("tdata1.reset", CSRR(0x7a1), TYPE(2));
    CHECK("tinfo.types.2.6", CSRR(0x7a4) & 0x44, 0x44);
  }
  CSRW(0x7a0, 2);
  CHECK("tselect.past.last", CSRR(0x7a0), 1);
  CSRW(0x7a0, 0);
  check_illegal("tcontrol.absent", PROBE("csrr t0, 0x7a5", 0));
  check_illegal("mcontext.absent", PROBE("csrr t0, 0x7a8", 0));
  /* What a standard breakpoint test writes reads back unchanged. */
  CSRW(0x7a1, TYPE(2) | T_M | T_EXEC);
  CHECK("mcontrol.readback", CSRR(0x7a1), TYPE(2) | T_M | T_EXEC);
  CSRW(0x7a1, TYPE(6) | T_M | T_S | T_U | T_LOAD | T_STORE);
  CHECK("mcontrol6.readback", CSRR(0x7a1), TYPE(6) | T_M | T_S | T_U | T_LOAD | T_STORE);
  CSRW(0x7a2, 0x123456789abcdef0UL);
  CHECK("tdata2.readback", CSRR(0x7a2), 0x123456789abcdef0UL);
  quiet_all();
}

static void test_m_mode(void)
{
  set_csr(mstatus, MSTATUS_MIE); /* native M-mode triggers need it (debug spec 5.4) */
  select_trigger(0, TYPE(2) | T_M | T_EXEC, addr_of(trig_site));
  trap_clear();
  exec_site(1);
  check_break("m.exec", addr_of(trig_site));

  select_trigger(0, TYPE(2) | T_M | T_LOAD, addr_of(&data1));
  data1 = 5;
  trap_clear();
  load32(addr_of(&data2));
  check_no_trap("m.load.other");
  trap_clear();
  load32(addr_of(&data1));
  CHECK("m.load.count", g_trap.count, 1);
  CHECK("m.load.cause", g_trap.cause, CAUSE_BREAKPOINT);
  trap_clear();
  store32(addr_of(&data1));
  check_no_trap("m.load.not.store");

  data1 = 0;
  select_trigger(0, TYPE(6) | T_M | T_STORE, addr_of(&data1));
  trap_clear();
  store32(addr_of(&data1));
  CHECK("m.store6.count", g_trap.count, 1);
  CHECK("m.store6.cause", g_trap.cause, CAUSE_BREAKPOINT);
  CHECK("m.store6.not.done", data1, 0);

  /* A second trigger alongside the first: both fire. */
  select_trigger(1, TYPE(6) | T_M | T_LOAD, addr_of(&data2));
  trap_clear();
  load32(addr_of(&data2));
  CHECK("m.second.count", g_trap.count, 1);
  trap_clear();
  store32(addr_of(&data1));
  CHECK("m.first.still.count", g_trap.count, 1);
  clear_csr(mstatus, MSTATUS_MIE);
  quiet_all();
}

/* FP loads and stores are loads and stores for a trigger. With mstatus.FS Off they are
 * illegal instructions instead, which outrank an address breakpoint (privileged 3.1.15). */
static void test_fp(void)
{
  if ((CSRR(0x301) & (1UL << ('d' - 'a'))) == 0)
    return;  /* no D: nothing to test (the output is the same as QEMU's either way) */
  set_csr(mstatus, MSTATUS_MIE);
  select_trigger(0, TYPE(6) | T_M | T_LOAD | T_STORE, addr_of(&area[2]));
  set_csr(mstatus, MSTATUS_FS_INITIAL);
  trap_clear();
  fld_at(addr_of(&area[2]));
  CHECK("fp.load.count", g_trap.count, 1);
  CHECK("fp.load.cause", g_trap.cause, CAUSE_BREAKPOINT);
  trap_clear();
  fsw_at(addr_of(&area[2]));
  CHECK("fp.store.cause", g_trap.cause, CAUSE_BREAKPOINT);
  trap_clear();
  fld_at(addr_of(&area[3]));
  check_no_trap("fp.load.other");
  clear_csr(mstatus, MSTATUS_FS_DIRTY);
  trap_clear();
  fld_at(addr_of(&area[2]));
  CHECK("fp.off.count", g_trap.count, 1);
  CHECK("fp.off.illegal", g_trap.cause, CAUSE_ILLEGAL_INSTR);
  clear_csr(mstatus, MSTATUS_MIE);
  quiet_all();
}

static void test_lower_modes(void)
{
  select_trigger(0, TYPE(2) | T_S | T_EXEC, addr_of(trig_site));
  trap_clear();
  run_in_mode(PRIV_S, exec_site, 1);
  check_break("s.exec", addr_of(trig_site));
  CHECK("s.exec.from", g_trap.from, PRIV_S);
  trap_clear();
  run_in_mode(PRIV_U, exec_site, 1);
  check_no_trap("s.exec.not.in.u");

  select_trigger(0, TYPE(2) | T_M | T_EXEC, addr_of(trig_site));
  trap_clear();
  run_in_mode(PRIV_S, exec_site, 1);
  check_no_trap("m.exec.not.in.s");

  select_trigger(0, TYPE(6) | T_U | T_LOAD, addr_of(&data2));
  trap_clear();
  run_in_mode(PRIV_U, load32, addr_of(&data2));
  CHECK("u.load6.count", g_trap.count, 1);
  CHECK("u.load6.cause", g_trap.cause, CAUSE_BREAKPOINT);
  CHECK("u.load6.from", g_trap.from, PRIV_U);
  quiet_all();
}

/* vmplat only: what QEMU 7.2 leaves out or does differently. */
static void test_spec(void)
{
  CHECK("tinfo", CSRR(0x7a4), (1UL << 24) | 0x8044);
  CSRW(0x7a1, 0);
  CHECK("tdata1.zero.disables", CSRR(0x7a1), TYPE(15));
  CSRW(0x7a1, TYPE(3) | T_M);
  CHECK("tdata1.unsupported.type", CSRR(0x7a1), TYPE(15));
  CSRW(0x7a1, TYPE(2) | T_M | T_LOAD | T_MATCH(1) | (1UL << 18) | (1UL << 12));
  CHECK("mcontrol.warl", CSRR(0x7a1), TYPE(2) | T_M | T_LOAD);  /* no napot, timing, action */
  CSRW(0x7a0, 1);
  CSRW(0x7a1, TYPE(6) | T_M | T_LOAD | T_CHAIN);
  CHECK("chain.last.trigger", CSRR(0x7a1), TYPE(6) | T_M | T_LOAD);
  quiet_all();

  /* Re-entrancy (5.4): M mode with MIE = 0 never matches. */
  select_trigger(0, TYPE(2) | T_M | T_EXEC, addr_of(trig_site));
  trap_clear();
  exec_site(1);
  check_no_trap("m.mie0.quiet");
  set_csr(mstatus, MSTATUS_MIE);
  trap_clear();
  exec_site(1);
  check_break("m.mie1.fires", addr_of(trig_site));
  CHECK("hit.mcontrol", CSRR(0x7a1) & T2_HIT, T2_HIT);
  CHECK("tval.exec", g_trap.tval, addr_of(trig_site));

  /* Load and store address triggers: xtval is the address; an AMO is both. */
  select_trigger(0, TYPE(6) | T_M | T_LOAD, addr_of(&area[1]));
  trap_clear();
  amo32(addr_of(&area[1]));
  CHECK("amo.is.load.count", g_trap.count, 1);
  CHECK("amo.tval", g_trap.tval, addr_of(&area[1]));
  CHECK("hit0.mcontrol6", CSRR(0x7a1) & (T6_HIT0 | T6_HIT1), T6_HIT0);
  /* Every byte of an access is a compare value. */
  select_trigger(0, TYPE(6) | T_M | T_STORE, addr_of(&area[2]) + 3);
  trap_clear();
  store32(addr_of(&area[2]));
  CHECK("byte.inside.count", g_trap.count, 1);
  trap_clear();
  store32(addr_of(&area[2]) + 4);
  check_no_trap("byte.outside");
  /* Sizes: a 32-bit load trigger ignores a byte load of the same address. */
  select_trigger(0, TYPE(6) | T_M | T_LOAD | T6_SIZE(3), addr_of(&area[3]));
  trap_clear();
  load8(addr_of(&area[3]));
  check_no_trap("size32.byte");
  trap_clear();
  load32(addr_of(&area[3]));
  CHECK("size32.word.count", g_trap.count, 1);
  /* NAPOT: a 16-byte region. */
  select_trigger(0, TYPE(6) | T_M | T_LOAD | T_MATCH(1), addr_of(&area[4]) | 7);
  trap_clear();
  load32(addr_of(&area[5]) + 4);
  CHECK("napot.inside.count", g_trap.count, 1);
  trap_clear();
  load32(addr_of(&area[6]));
  check_no_trap("napot.outside");
  /* A chain: trigger 0 (address >= area[2]) with trigger 1 (address < area[4]). */
  select_trigger(0, TYPE(6) | T_M | T_LOAD | T_MATCH(2) | T_CHAIN, addr_of(&area[2]));
  select_trigger(1, TYPE(6) | T_M | T_LOAD | T_MATCH(3), addr_of(&area[4]));
  trap_clear();
  load32(addr_of(&area[3]));
  CHECK("chain.inside.count", g_trap.count, 1);
  trap_clear();
  load32(addr_of(&area[1]));
  check_no_trap("chain.below");
  trap_clear();
  load32(addr_of(&area[4]));
  check_no_trap("chain.above");
  clear_csr(mstatus, MSTATUS_MIE);
  quiet_all();

  /* An execute trigger outranks a fetch fault: S mode calls code that PMP does not let it
   * execute. The breakpoint comes first (the handler resumes after the instruction), then
   * the fetch fault there (resumed at ra): two traps, where a fault first would be one. */
  area[0] = 0x0000806700008067UL; /* jalr x0, 0(ra), twice */
  asm volatile("fence.i" ::: "memory");
  write_csr(pmpaddr0, (addr_of(area) >> 2) | 7); /* NAPOT 64 bytes, RW */
  write_csr(pmpaddr1, -1UL >> 10);
  write_csr(pmpcfg0, (0x1fUL << 8) | 0x1b);
  select_trigger(0, TYPE(6) | T_S | T_EXEC, addr_of(area));
  trap_clear();
  run_in_mode(PRIV_S, (uint64_t(*)(uint64_t))(uintptr_t)addr_of(area), 0);
  CHECK("exec.before.fetch.fault.count", g_trap.count, 2);
  CHECK("exec.before.fetch.fault.last", g_trap.cause, CAUSE_FETCH_ACCESS);
  write_csr(pmpaddr0, -1UL >> 10);
  write_csr(pmpcfg0, 0x1fUL);
  quiet_all();

  /* S mode with breakpoints delegated: no match while SIE = 0. */
  write_csr(medeleg, 1UL << CAUSE_BREAKPOINT);
  select_trigger(0, TYPE(2) | T_S | T_EXEC, addr_of(trig_site));
  trap_clear();
  run_in_mode(PRIV_S, exec_site, 1);
  check_no_trap("s.sie0.quiet");
  write_csr(medeleg, 0);
  quiet_all();
}

int main(unsigned long hartid, const void *dtb)
{
  (void)hartid;
  trap_install();
  test_enumeration();
  test_m_mode();
  test_fp();
  test_lower_modes();
  if (t_bootarg(dtb, "check-spec"))
    test_spec();
  return t_done("triggers");
}
