/* Physical memory protection (privileged spec 3.7) as S, U and M mode see it: loads,
 * stores, AMOs, LR/SC and fetches against TOR, NA4 and NAPOT entries with R/W/X, no match
 * below M, priority by entry number, partial matches, MPRV, and locked entries (last, as
 * only a reset unlocks them). Every fault is an access fault (1, 5, 7) with the address in
 * xtval; the output is the same on vmplat and on QEMU.
 *
 * Layout: buf is four 4 KiB pages the tests protect. Entries 12 and 14 (TOR; 13 is off and
 * only holds 14's lower bound) give RWX to everything below and above buf, so code and
 * stack stay reachable and no entry matches buf unless a test programs one of 0..11. */
#include <stdio.h>

#include "test.h"
#include "trap.h"

#define PAGE 4096UL
#define CFG_R 0x01UL
#define CFG_W 0x02UL
#define CFG_X 0x04UL
#define CFG_TOR 0x08UL
#define CFG_NA4 0x10UL
#define CFG_NAPOT 0x18UL
#define CFG_L 0x80UL

#define CAUSE_FETCH_ACCESS 1
#define CAUSE_LOAD_ACCESS 5
#define CAUSE_STORE_ACCESS 7

static uint8_t buf[4 * PAGE] __attribute__((aligned(4 * PAGE)));
#define PAGE_ADDR(i) ((uint64_t)(uintptr_t)buf + (i) * PAGE)

static uint64_t do_ld(uint64_t addr) { return *(volatile uint64_t *)(uintptr_t)addr; }
static uint64_t do_lw(uint64_t addr) { return *(volatile uint32_t *)(uintptr_t)addr; }
static uint64_t do_sd(uint64_t addr)
{
  *(volatile uint64_t *)(uintptr_t)addr = 0x1234;
  return 0;
}
static uint64_t do_amo(uint64_t addr)
{
  uint64_t old;
  asm volatile("amoadd.d %0, %2, (%1)" : "=r"(old) : "r"(addr), "r"(1UL) : "memory");
  return old;
}
static uint64_t do_lr_sc(uint64_t addr)
{
  uint64_t v, fail;
  asm volatile("lr.d %0, (%2)\n sc.d %1, %0, (%2)" : "=&r"(v), "=&r"(fail) : "r"(addr) : "memory");
  return fail;
}
static uint64_t do_call(uint64_t addr) { return ((uint64_t(*)(void))(uintptr_t)addr)(); }

/* pmpcfg<n> holds entries 8n/2 .. 8n/2+7; set one entry's byte. */
static void set_cfg(unsigned i, uint64_t cfg)
{
  uint64_t shift = 8 * (i % 8), v;
  if (i < 8) {
    v = read_csr(pmpcfg0);
    write_csr(pmpcfg0, (v & ~(0xffUL << shift)) | (cfg << shift));
  } else {
    v = read_csr(pmpcfg2);
    write_csr(pmpcfg2, (v & ~(0xffUL << shift)) | (cfg << shift));
  }
}

static void set_addr(unsigned i, uint64_t a)
{
  switch (i) {
  case 0: write_csr(pmpaddr0, a); break;
  case 1: write_csr(pmpaddr1, a); break;
  case 2: write_csr(pmpaddr2, a); break;
  case 3: write_csr(pmpaddr3, a); break;
  case 11: write_csr(pmpaddr11, a); break;
  case 12: write_csr(pmpaddr12, a); break;
  case 13: write_csr(pmpaddr13, a); break;
  case 14: write_csr(pmpaddr14, a); break;
  }
}

static uint64_t napot(uint64_t base, uint64_t size) { return (base >> 2) | ((size >> 3) - 1); }

/* Entries 0..11 off; 12 and 14 open everything but buf. */
static void reset_pmp(void)
{
  write_csr(pmpcfg0, 0);
  set_addr(11, 0);
  set_addr(12, PAGE_ADDR(0) >> 2);
  set_addr(13, PAGE_ADDR(4) >> 2);
  set_addr(14, (1UL << 54) - 1);
  write_csr(pmpcfg2, ((CFG_TOR | CFG_R | CFG_W | CFG_X) << 32) |
                         ((CFG_TOR | CFG_R | CFG_W | CFG_X) << 48));
}

static void expect_ok(const char *name, int priv, uint64_t (*fn)(uint64_t), uint64_t addr)
{
  trap_clear();
  run_in_mode(priv, fn, addr);
  check_no_trap(name);
}

static void expect_fault(const char *name, int priv, uint64_t (*fn)(uint64_t), uint64_t addr,
                         uint64_t cause)
{
  trap_clear();
  run_in_mode(priv, fn, addr);
  check_fault(name, cause, addr);
}

/* A function that returns 42, copied into buf's page 3 for fetch tests. */
static void place_code(void)
{
  static const uint32_t code[] = {0x02a00513 /* li a0, 42 */, 0x00008067 /* ret */};
  volatile uint32_t *dst = (volatile uint32_t *)(uintptr_t)PAGE_ADDR(3);
  dst[0] = code[0];
  dst[1] = code[1];
  asm volatile("fence.i" ::: "memory");
}

static void test_no_match(void)
{
  reset_pmp();
  expect_fault("nomatch.s.load", PRIV_S, do_ld, PAGE_ADDR(0), CAUSE_LOAD_ACCESS);
  expect_fault("nomatch.u.store", PRIV_U, do_sd, PAGE_ADDR(1) + 8, CAUSE_STORE_ACCESS);
  expect_fault("nomatch.s.fetch", PRIV_S, do_call, PAGE_ADDR(3), CAUSE_FETCH_ACCESS);
  trap_clear();
  CHECK("nomatch.m.load", do_ld(PAGE_ADDR(0) + 16), 0);
  check_no_trap("nomatch.m");
}

static void test_permissions(void)
{
  reset_pmp();
  set_addr(0, napot(PAGE_ADDR(0), PAGE));
  set_cfg(0, CFG_NAPOT | CFG_R);
  expect_ok("r.s.load", PRIV_S, do_ld, PAGE_ADDR(0) + 8);
  expect_ok("r.u.load", PRIV_U, do_ld, PAGE_ADDR(0) + 8);
  expect_fault("r.s.store", PRIV_S, do_sd, PAGE_ADDR(0) + 8, CAUSE_STORE_ACCESS);
  expect_fault("r.s.amo", PRIV_S, do_amo, PAGE_ADDR(0) + 8, CAUSE_STORE_ACCESS);
  expect_fault("r.s.lrsc", PRIV_S, do_lr_sc, PAGE_ADDR(0) + 8, CAUSE_STORE_ACCESS);
  trap_clear();
  do_sd(PAGE_ADDR(0) + 8);  /* M mode: the entry is not locked */
  check_no_trap("r.m.store");

  set_cfg(0, CFG_NAPOT | CFG_R | CFG_W);
  expect_ok("rw.s.store", PRIV_S, do_sd, PAGE_ADDR(0) + 8);
  expect_ok("rw.s.amo", PRIV_S, do_amo, PAGE_ADDR(0) + 8);
  CHECK("rw.amo.value", do_ld(PAGE_ADDR(0) + 8), 0x1235);
  expect_ok("rw.s.lrsc", PRIV_S, do_lr_sc, PAGE_ADDR(0) + 8);

  place_code();
  set_addr(1, napot(PAGE_ADDR(3), PAGE));
  set_cfg(1, CFG_NAPOT | CFG_R | CFG_W);
  expect_fault("rw.s.fetch", PRIV_S, do_call, PAGE_ADDR(3), CAUSE_FETCH_ACCESS);
  set_cfg(1, CFG_NAPOT | CFG_X);
  trap_clear();
  CHECK("x.s.fetch", run_in_mode(PRIV_S, do_call, PAGE_ADDR(3)), 42);
  check_no_trap("x.s.fetch");
  trap_clear();
  CHECK("x.u.fetch", run_in_mode(PRIV_U, do_call, PAGE_ADDR(3)), 42);
  expect_fault("x.s.load", PRIV_S, do_lw, PAGE_ADDR(3), CAUSE_LOAD_ACCESS);
}

static void test_modes(void)
{
  /* TOR: [page 1, page 2) readable. */
  reset_pmp();
  set_addr(0, PAGE_ADDR(1) >> 2);
  set_addr(1, PAGE_ADDR(2) >> 2);
  set_cfg(1, CFG_TOR | CFG_R);
  expect_ok("tor.first", PRIV_S, do_ld, PAGE_ADDR(1));
  expect_ok("tor.last", PRIV_S, do_ld, PAGE_ADDR(2) - 8);
  expect_fault("tor.below", PRIV_S, do_ld, PAGE_ADDR(1) - 8, CAUSE_LOAD_ACCESS);
  expect_fault("tor.top", PRIV_S, do_ld, PAGE_ADDR(2), CAUSE_LOAD_ACCESS);

  /* NA4 at page 0 + 8. */
  reset_pmp();
  set_addr(0, (PAGE_ADDR(0) + 8) >> 2);
  set_cfg(0, CFG_NA4 | CFG_R);
  expect_ok("na4.word", PRIV_S, do_lw, PAGE_ADDR(0) + 8);
  expect_fault("na4.next", PRIV_S, do_lw, PAGE_ADDR(0) + 12, CAUSE_LOAD_ACCESS);
  /* An 8-byte load of which the entry matches 4 bytes: a partial match fails. */
  expect_fault("na4.partial", PRIV_S, do_ld, PAGE_ADDR(0) + 8, CAUSE_LOAD_ACCESS);
  set_addr(1, napot(PAGE_ADDR(0), 4 * PAGE));
  set_cfg(1, CFG_NAPOT | CFG_R);
  expect_fault("na4.partial.beats.later", PRIV_S, do_ld, PAGE_ADDR(0) + 8, CAUSE_LOAD_ACCESS);
  trap_clear();
  do_ld(PAGE_ADDR(0) + 8);
  CHECK("na4.partial.m.count", g_trap.count, 1);  /* partial matches fail in M mode too */
  CHECK("na4.partial.m.cause", g_trap.cause, CAUSE_LOAD_ACCESS);

  /* NAPOT of 8 bytes and of the whole buffer. */
  reset_pmp();
  set_addr(0, napot(PAGE_ADDR(2) + 64, 8));
  set_cfg(0, CFG_NAPOT | CFG_R | CFG_W);
  expect_ok("napot8", PRIV_S, do_sd, PAGE_ADDR(2) + 64);
  expect_fault("napot8.next", PRIV_S, do_sd, PAGE_ADDR(2) + 72, CAUSE_STORE_ACCESS);
  set_addr(0, napot(PAGE_ADDR(0), 4 * PAGE));
  expect_ok("napot16k.first", PRIV_S, do_sd, PAGE_ADDR(0));
  expect_ok("napot16k.last", PRIV_S, do_sd, PAGE_ADDR(4) - 8);
}

static void test_priority(void)
{
  reset_pmp();
  set_addr(0, napot(PAGE_ADDR(0), PAGE));
  set_cfg(0, CFG_NAPOT | CFG_R);
  set_addr(1, napot(PAGE_ADDR(0), 4 * PAGE));
  set_cfg(1, CFG_NAPOT | CFG_R | CFG_W);
  expect_fault("prio.lower.wins", PRIV_S, do_sd, PAGE_ADDR(0) + 32, CAUSE_STORE_ACCESS);
  expect_ok("prio.outside.lower", PRIV_S, do_sd, PAGE_ADDR(1) + 32);
  set_cfg(0, 0);
  expect_ok("prio.off.skipped", PRIV_S, do_sd, PAGE_ADDR(0) + 32);
}

static void test_mprv(void)
{
  reset_pmp();
  set_addr(0, napot(PAGE_ADDR(0), PAGE));
  set_cfg(0, CFG_NAPOT);
  /* M mode with MPRV = 1 and MPP = S loads as S: denied; MPP = M: allowed. */
  clear_csr(mstatus, MSTATUS_MPP);
  set_csr(mstatus, 1UL << 11);
  trap_clear();
  set_csr(mstatus, MSTATUS_MPRV);
  do_ld(PAGE_ADDR(0));
  clear_csr(mstatus, MSTATUS_MPRV);
  CHECK("mprv.s.count", g_trap.count, 1);
  CHECK("mprv.s.cause", g_trap.cause, CAUSE_LOAD_ACCESS);
  set_csr(mstatus, MSTATUS_MPP);
  trap_clear();
  set_csr(mstatus, MSTATUS_MPRV);
  do_ld(PAGE_ADDR(0));
  clear_csr(mstatus, MSTATUS_MPRV);
  check_no_trap("mprv.m");

  /* Loads as S that a PMP write then denies, with no change of mode in between: the write
   * alone must end what the hart remembered of the earlier answer. */
  set_cfg(0, CFG_NAPOT | CFG_R);
  clear_csr(mstatus, MSTATUS_MPP);
  set_csr(mstatus, 1UL << 11);
  trap_clear();
  set_csr(mstatus, MSTATUS_MPRV);
  do_ld(PAGE_ADDR(0));
  do_ld(PAGE_ADDR(0) + 8);
  write_csr(pmpcfg0, CFG_NAPOT);
  do_ld(PAGE_ADDR(0) + 16);
  clear_csr(mstatus, MSTATUS_MPRV);
  CHECK("mprv.pmpwrite.count", g_trap.count, 1);
  CHECK("mprv.pmpwrite.cause", g_trap.cause, CAUSE_LOAD_ACCESS);
  CHECK("mprv.pmpwrite.tval", g_trap.tval, PAGE_ADDR(0) + 16);
}

static void test_locked(void)
{
  reset_pmp();
  set_addr(2, napot(PAGE_ADDR(2), PAGE));
  set_cfg(2, CFG_NAPOT | CFG_R | CFG_L);
  trap_clear();
  do_sd(PAGE_ADDR(2));
  CHECK("locked.m.store.count", g_trap.count, 1);
  CHECK("locked.m.store.cause", g_trap.cause, CAUSE_STORE_ACCESS);
  CHECK("locked.m.store.tval", g_trap.tval, PAGE_ADDR(2));
  trap_clear();
  do_ld(PAGE_ADDR(2));
  check_no_trap("locked.m.load");
  /* Writes to a locked entry are ignored. */
  set_cfg(2, CFG_NAPOT | CFG_R | CFG_W);
  CHECK("locked.cfg", (read_csr(pmpcfg0) >> 16) & 0xff, CFG_NAPOT | CFG_R | CFG_L);
  set_addr(2, 0);
  CHECK("locked.addr", read_csr(pmpaddr2), napot(PAGE_ADDR(2), PAGE));
  /* A locked TOR entry locks the address below it too. */
  set_addr(0, PAGE_ADDR(3) >> 2);
  set_addr(1, (PAGE_ADDR(3) + 64) >> 2);
  set_cfg(1, CFG_TOR | CFG_X | CFG_L);
  set_addr(0, 0);
  CHECK("locked.tor.below", read_csr(pmpaddr0), PAGE_ADDR(3) >> 2);
  trap_clear();
  do_ld(PAGE_ADDR(3));
  CHECK("locked.tor.m.load.cause", g_trap.cause, CAUSE_LOAD_ACCESS);
}

int main(void)
{
  trap_install();
  test_no_match();
  test_permissions();
  test_modes();
  test_priority();
  test_mprv();
  test_locked();
  return t_done("pmp");
}
