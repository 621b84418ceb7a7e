/* Zicntr: cycle, time and instret readable in every mode the counter-enable registers
 * allow, illegal instruction where they do not (privileged spec 3.1.11, 4.1.5); time
 * follows the CLINT's mtime. Values are timing, so only orderings are printed. */
#include <stdio.h>

#include "test.h"
#include "trap.h"

#define COUNTER_FN(name, csr)                                                             \
  static uint64_t name(uint64_t unused)                                                   \
  {                                                                                       \
    (void)unused;                                                                         \
    uint64_t v;                                                                           \
    asm volatile("csrr %0, " #csr : "=r"(v));                                             \
    return v;                                                                             \
  }
COUNTER_FN(rd_cycle, cycle)
COUNTER_FN(rd_time, time)
COUNTER_FN(rd_instret, instret)

static void test_m_mode(void)
{
  uint64_t c0 = read_csr(cycle), i0 = read_csr(instret);
  for (volatile int k = 0; k < 100; ++k) {
  }
  uint64_t c1 = read_csr(cycle), i1 = read_csr(instret);
  CHECK("cycle.increases", c1 > c0, 1);
  CHECK("instret.increases", i1 > i0, 1);
  CHECK("mcycle.alias", read_csr(mcycle) >= c1, 1);
  CHECK("minstret.alias", read_csr(minstret) >= i1, 1);

  uint64_t t0 = read_csr(time);
  uint64_t mmio = VP_MMIO64(VP_CLINT_MTIME);
  uint64_t t1 = read_csr(time);
  CHECK("time.follows_mtime", t0 <= mmio && mmio <= t1, 1);
  uint64_t start = read_csr(time);
  while (read_csr(time) - start < 100) {
  }
  CHECK("time.advances", read_csr(time) - start >= 100, 1);

  /* The counters go on from the value written. The bound is loose because QEMU counts
   * host clock ticks, and a loaded host can deschedule it between the two instructions. */
  write_csr(minstret, 1000000);
  uint64_t i2 = read_csr(minstret);
  CHECK("minstret.write", i2 >= 1000000 && i2 - 1000000 < (1UL << 32), 1);
  write_csr(mcycle, 5000000);
  uint64_t c2 = read_csr(mcycle);
  CHECK("mcycle.write", c2 >= 5000000 && c2 - 5000000 < (1UL << 32), 1);
}

static void expect_gate(const char *name, int priv, uint64_t (*fn)(uint64_t), int allowed)
{
  char label[64];
  trap_clear();
  run_in_mode(priv, fn, 0);
  if (allowed) {
    snprintf(label, sizeof label, "%s.allowed", name);
    check_no_trap(label);
    return;
  }
  snprintf(label, sizeof label, "%s.denied", name);
  check_trap(label, 2, g_trap.epc, insn_at(g_trap.epc));
  snprintf(label, sizeof label, "%s.denied.from", name);
  CHECK(label, g_trap.from, priv);
}

static void test_gating(void)
{
  write_csr(mcounteren, 0);
  write_csr(scounteren, 0);
  expect_gate("s.cycle.men0", PRIV_S, rd_cycle, 0);
  expect_gate("s.time.men0", PRIV_S, rd_time, 0);
  expect_gate("s.instret.men0", PRIV_S, rd_instret, 0);
  expect_gate("u.cycle.men0", PRIV_U, rd_cycle, 0);

  write_csr(mcounteren, 1);
  expect_gate("s.cycle.men1", PRIV_S, rd_cycle, 1);
  expect_gate("s.time.men1", PRIV_S, rd_time, 0);
  expect_gate("u.cycle.men1.sen0", PRIV_U, rd_cycle, 0);

  write_csr(mcounteren, 7);
  expect_gate("s.time.men7", PRIV_S, rd_time, 1);
  expect_gate("s.instret.men7", PRIV_S, rd_instret, 1);
  expect_gate("u.instret.men7.sen0", PRIV_U, rd_instret, 0);
  write_csr(scounteren, 4);
  expect_gate("u.instret.men7.sen4", PRIV_U, rd_instret, 1);
  expect_gate("u.cycle.men7.sen4", PRIV_U, rd_cycle, 0);
  write_csr(scounteren, 7);
  expect_gate("u.cycle.men7.sen7", PRIV_U, rd_cycle, 1);
  expect_gate("u.time.men7.sen7", PRIV_U, rd_time, 1);

  write_csr(mcounteren, 6);
  expect_gate("u.cycle.men6.sen7", PRIV_U, rd_cycle, 0);
  write_csr(mcounteren, 0);
  write_csr(scounteren, 0);
}

int main(void)
{
  trap_install();
  test_m_mode();
  test_gating();
  return t_done("zicntr");
}
