/* Multi-hart litmus tests: every hart runs this firmware (smp_start.S gives each its stack),
 * with as many harts as check in (vmplat --smp N, QEMU -smp N).
 *
 * The harts go through the phases below together, each phase between two barriers; after
 * each phase hart 0 alone checks what all harts recorded and prints it, in test.h's format
 * (PASS/FAIL lines, DONE smp: N checks, F failures; the exit code is F). Only results the
 * architecture defines are printed (totals, values read back, which hart woke), never
 * timing or retry counts: the console must be identical on vmplat and on QEMU, whose harts
 * run in parallel host threads.
 *
 *   harts    every hart checks in with an AMO (hart 0 waits for as many as the device
 *            tree's /cpus lists, and 2 ms more): that many; a0 == mhartid; same a1
 *   amo      amoadd.w/.d, amoor.d, amomaxu.d on shared words: exact totals, and the old
 *            values amoadd.w returned are 0..T-1 each once (their sum)
 *   lrsc     counters incremented with lr/sc retry loops (.w and .d): exact totals; then
 *            each hart h >= 1 in turn takes a reservation and waits while hart 0 stores to
 *            it: its sc.d must fail and leave hart 0's value. Or hart 0 does not store, and
 *            the sc.d succeeds: the spec lets any SC fail, but vmplat and QEMU agree here,
 *            and it shows the first result does not come from an SC that always fails.
 *   lock     an amoswap spinlock around a plain read-modify-write of a counter and an
 *            array (released with amoswap.w.rl or fence + sw), then a token ring in which
 *            the lock passes to every hart in turn
 *   mp       message passing: data, fence w,w, flag / flag, fence r,r, data, for every
 *            ordered pair of harts, 16 rounds each
 *   clint    each hart's mtimecmp and msip, written by one hart, read by all; MTIP and MSIP
 *            land on the right hart; PLIC enables and thresholds of every context
 *   ipi      harts 1.. sleep in WFI with only MSIE enabled; hart 0 writes msip[h] for
 *            each in turn: exactly that hart wakes, once per IPI, mcause = interrupt 3
 *   code     hart 0 rewrites a function in RAM that the others keep calling; after
 *            fence.i on the executing hart the new constant is returned
 *
 * --append check-spec (vmplat only) adds what QEMU 7.2 does differently from the spec: a
 * store of the value a reservation's LR read must still make the SC fail (QEMU's SC
 * compares values).
 *
 * Hart 0 gives up on any wait after g_timeout of mtime (0.1 s on vmplat, 5 s on QEMU) with
 * a FAIL line naming it and ends the run; the other harts wait for ever.
 */
#include <stdio.h>

#include "platform.h"
#include "test.h"

#define MAX_HARTS 8
#define LINE __attribute__((aligned(64)))
#define MSTATUS_MIE (1UL << 3)
#define MIP_MSIP (1UL << 3)
#define MIP_MTIP (1UL << 7)
#define CAUSE_MSI ((1UL << 63) | 3)

#define AMO_ITER 10000
#define LRSC_ITER 10000
#define LOCK_ITER 2000
#define LOCK_TURNS 32
#define LOCK_SLOTS 16
#define MP_ROUNDS_PER_PEER 16
#define MP_WORDS 4
#define IPI_ROUNDS 4
#define CODE_ROUNDS 8

/* Hart 0's bound on any wait, in mtime ticks: simulated time on vmplat, where a phase takes
 * milliseconds whatever the quantum; host time on QEMU, where a hand-over between harts
 * costs a host scheduling slice when the harts outnumber the host's cores. */
static uint64_t g_timeout;
static const uint64_t kGrace = VP_TIMEBASE_HZ / 500; /* 2 ms for harts to check in */

#define CLINT_MSIP(h) VP_MMIO32(VP_CLINT_MSIP + 4 * (h))
#define CLINT_MTIMECMP(h) VP_MMIO64(VP_CLINT_MTIMECMP + 8 * (h))
#define PLIC_ENABLE(ctx) VP_MMIO32(VP_PLIC_BASE + 0x2000 + 0x80 * (ctx))
#define PLIC_THRESHOLD(ctx) VP_MMIO32(VP_PLIC_BASE + 0x200000 + 0x1000 * (ctx))

#define FENCE(pred, succ) asm volatile("fence " #pred ", " #succ ::: "memory")

/* From smp_start.S: what each hart found in a0 and a1 at the entry, indexed by mhartid. */
extern volatile uint64_t smp_boot_a0[MAX_HARTS], smp_boot_a1[MAX_HARTS];

/* What each hart records for hart 0 to check, one cache line each. */
struct hart_result {
  uint64_t amo_oldsum;
  uint64_t sc_failures; /* retries of the lr/sc loops: differ between machines, not printed */
  uint64_t lock_turns;
  uint64_t mp_reads, mp_stale;
  uint64_t mtimecmp_bad, mtip, mtip_after, msip_bad, msip_mip, msip_after;
  uint64_t plic_bad;
  uint64_t ipi_cause;
  uint64_t code_bad;
} LINE;

static struct hart_result g_res[MAX_HARTS];
static volatile unsigned g_n;         /* harts taking part, set by hart 0 */
static volatile unsigned g_go LINE;   /* hart 0 has counted them */
static volatile uint32_t g_checkin LINE;
static volatile unsigned g_spec;      /* --append check-spec */
static volatile unsigned g_no_code;   /* --append no-code: skip the code phase (QEMU diff) */
static volatile unsigned g_dtb_cpus;  /* cpu nodes in the device tree */

static volatile uint32_t g_bar_count LINE;
static volatile uint32_t g_bar_gen LINE;

static inline uint64_t mtime(void)
{
  return VP_MMIO64(VP_CLINT_MTIME);
}

static inline uint64_t amoadd_w(volatile uint32_t *p, uint32_t v)
{
  uint64_t old;
  asm volatile("amoadd.w %0, %2, (%1)" : "=r"(old) : "r"(p), "r"(v) : "memory");
  return (uint32_t)old;
}

static inline uint64_t amoadd_d(volatile uint64_t *p, uint64_t v)
{
  uint64_t old;
  asm volatile("amoadd.d %0, %2, (%1)" : "=r"(old) : "r"(p), "r"(v) : "memory");
  return old;
}

static inline void amoor_d(volatile uint64_t *p, uint64_t v)
{
  asm volatile("amoor.d zero, %1, (%0)" ::"r"(p), "r"(v) : "memory");
}

static inline void amomaxu_d(volatile uint64_t *p, uint64_t v)
{
  asm volatile("amomaxu.d zero, %1, (%0)" ::"r"(p), "r"(v) : "memory");
}

static inline void delay(unsigned loops)
{
  for (unsigned j = loops; j; --j)
    asm volatile("" ::: "memory");
}

/* A short delay that varies with the iteration and the hart, so that the points where a
 * hart's quantum ends on vmplat (a fixed number of cycles) fall everywhere in the loops:
 * between an LR and its SC, inside a critical section, between data and flag. */
static inline void jitter(unsigned i, unsigned me)
{
  delay((i * 7 + me * 5) % 11);
}

/* Ends the run from hart 0 with what has been counted so far. */
__attribute__((noreturn)) static void finish(void)
{
  vp_exit(t_done("smp"));
}

/* Hart 0's bound on a wait: past it, a FAIL line naming the wait ends the run. */
static void check_deadline(uint64_t deadline, const char *what)
{
  if (mtime() <= deadline)
    return;
  char name[64];
  snprintf(name, sizeof name, "%s.timeout", what);
  CHECK(name, 1, 0);
  finish();
}

#define WAIT_UNTIL(me, cond, what)                            \
  do {                                                        \
    const uint64_t dl_ = (me) == 0 ? mtime() + g_timeout : 0; \
    while (!(cond))                                           \
      if ((me) == 0)                                          \
        check_deadline(dl_, (what));                          \
    FENCE(r, rw);                                             \
  } while (0)

/* All g_n harts arrive before any leaves; full fences on both sides. */
static void barrier(unsigned me, const char *what)
{
  const uint32_t gen = g_bar_gen;
  FENCE(rw, rw);
  if (amoadd_w(&g_bar_count, 1) == g_n - 1) {
    g_bar_count = 0;
    FENCE(rw, w);
    g_bar_gen = gen + 1;
    return;
  }
  WAIT_UNTIL(me, g_bar_gen != gen, what);
}

static void check_h(const char *fmt, unsigned h, uint64_t got, uint64_t expected)
{
  char name[64];
  snprintf(name, sizeof name, fmt, h);
  CHECK(name, got, expected);
}

static uint32_t be32(const uint8_t *p)
{
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The number of cpu@... nodes under /cpus in the flattened device tree (0 if none). */
static unsigned dtb_cpus(const uint8_t *dtb)
{
  if (!dtb || be32(dtb) != 0xd00dfeed)
    return 0;
  const uint8_t *p = dtb + be32(dtb + 8), *end = dtb + be32(dtb + 4);
  unsigned depth = 0, cpus = 0, in_cpus = 0;
  while (p + 4 <= end) {
    const uint32_t token = be32(p);
    p += 4;
    if (token == 1) { /* FDT_BEGIN_NODE: name, NUL, padding */
      const char *name = (const char *)p;
      unsigned len = 0;
      while (name[len])
        ++len;
      ++depth;
      if (depth == 2 && len == 4 && name[0] == 'c' && name[1] == 'p' && name[2] == 'u' &&
          name[3] == 's')
        in_cpus = 1;
      if (depth == 3 && in_cpus && len > 4 && name[0] == 'c' && name[1] == 'p' &&
          name[2] == 'u' && name[3] == '@')
        ++cpus;
      p += (len + 1 + 3) & ~3u;
    } else if (token == 2) { /* FDT_END_NODE */
      if (depth == 2)
        in_cpus = 0;
      --depth;
    } else if (token == 3) { /* FDT_PROP: len, nameoff, value */
      p += 8 + ((be32(p) + 3) & ~3u);
    } else if (token == 9) { /* FDT_END */
      break;
    } else if (token != 4) { /* FDT_NOP */
      return 0;
    }
  }
  return cpus;
}

/* ---- harts ------------------------------------------------------------------------ */

static void report_harts(unsigned n)
{
  SHOW("harts", n);
  CHECK("harts.dtb_cpus", g_dtb_cpus, n);
  for (unsigned h = 0; h < n; ++h)
    check_h("hart%u.a0_is_mhartid", h, smp_boot_a0[h], h);
  unsigned same = 0;
  for (unsigned h = 0; h < n; ++h)
    same += smp_boot_a1[h] == smp_boot_a1[0];
  CHECK("harts.same_a1", same, n);
}

/* ---- amo -------------------------------------------------------------------------- */

static volatile uint32_t g_amo_w LINE;
static volatile uint64_t g_amo_d LINE;
static volatile uint64_t g_amo_or LINE;
static volatile uint64_t g_amo_max LINE;

static void phase_amo(unsigned me)
{
  uint64_t oldsum = 0;
  for (uint64_t i = 0; i < AMO_ITER; ++i) {
    oldsum += amoadd_w(&g_amo_w, 1);
    amoadd_d(&g_amo_d, 0x100000001UL);
    amoor_d(&g_amo_or, 1UL << (me * 8 + (i & 7)));
    amomaxu_d(&g_amo_max, me * AMO_ITER + i);
    jitter(i, me);
  }
  g_res[me].amo_oldsum = oldsum;
}

static void report_amo(unsigned n)
{
  const uint64_t total = (uint64_t)n * AMO_ITER;
  uint64_t oldsum = 0;
  for (unsigned h = 0; h < n; ++h)
    oldsum += g_res[h].amo_oldsum;
  CHECK("amo.add_w.total", g_amo_w, total);
  CHECK("amo.add_w.old_values", oldsum, total * (total - 1) / 2);
  CHECK("amo.add_d.total", g_amo_d, total * 0x100000001UL);
  CHECK("amo.or_d", g_amo_or, n == 8 ? ~0UL : (1UL << (8 * n)) - 1);
  CHECK("amo.maxu_d", g_amo_max, total - 1);
}

/* ---- lrsc ------------------------------------------------------------------------- */

static volatile uint32_t g_lrsc_w LINE;
static volatile uint64_t g_lrsc_d LINE;

/* Adds v with an lr/sc retry loop (a constrained loop, spec 8.3); returns the retries. */
static inline uint64_t lrsc_add_w(volatile uint32_t *p, uint64_t v)
{
  uint64_t t, r, fails = 0;
  asm volatile("1: lr.w %0, (%3)\n"
               "   add %0, %0, %4\n"
               "   sc.w %1, %0, (%3)\n"
               "   beqz %1, 2f\n"
               "   addi %2, %2, 1\n"
               "   j 1b\n"
               "2:"
               : "=&r"(t), "=&r"(r), "+r"(fails)
               : "r"(p), "r"(v)
               : "memory");
  return fails;
}

static inline uint64_t lrsc_add_d(volatile uint64_t *p, uint64_t v)
{
  uint64_t t, r, fails = 0;
  asm volatile("1: lr.d %0, (%3)\n"
               "   add %0, %0, %4\n"
               "   sc.d %1, %0, (%3)\n"
               "   beqz %1, 2f\n"
               "   addi %2, %2, 1\n"
               "   j 1b\n"
               "2:"
               : "=&r"(t), "=&r"(r), "+r"(fails)
               : "r"(p), "r"(v)
               : "memory");
  return fails;
}

static void phase_lrsc(unsigned me)
{
  uint64_t fails = 0;
  for (unsigned i = 0; i < LRSC_ITER; ++i) {
    fails += lrsc_add_w(&g_lrsc_w, 1);
    fails += lrsc_add_d(&g_lrsc_d, 0x100000001UL);
    jitter(i, me);
  }
  g_res[me].sc_failures = fails;
}

static void report_lrsc(unsigned n)
{
  const uint64_t total = (uint64_t)n * LRSC_ITER;
  CHECK("lrsc.w.total", g_lrsc_w, total);
  CHECK("lrsc.d.total", g_lrsc_d, total * 0x100000001UL);
}

/* One reservation at a time: hart h takes it with lr.d and says so; hart 0 then stores to
 * the reserved doubleword (or not) and says so; hart h tries sc.d. */
enum { RSV_STORE, RSV_NO_STORE, RSV_SAME_VALUE, RSV_KINDS };
static volatile uint64_t g_rsv[8] LINE;
static volatile uint32_t g_rsv_turn LINE;  /* (h << 4 | kind) + 1: whose turn, which kind */
static volatile uint32_t g_rsv_taken LINE; /* hart h holds the reservation */
static volatile uint32_t g_rsv_stored LINE;
static volatile uint32_t g_rsv_done LINE;
static volatile uint64_t g_rsv_sc LINE; /* sc.d's rd */

static const uint64_t kRsvValue = 0x5a5a000012340000UL;

static void rsv_hart(unsigned me, unsigned kind)
{
  WAIT_UNTIL(me, g_rsv_turn == ((me << 4 | kind) + 1), "lrsc.reservation");
  uint64_t v, rd;
  asm volatile("lr.d %0, (%1)" : "=r"(v) : "r"(&g_rsv[0]) : "memory");
  g_rsv_taken = 1;
  while (!g_rsv_stored) {
  }
  asm volatile("sc.d %0, %2, (%1)" : "=&r"(rd) : "r"(&g_rsv[0]), "r"(v + 1) : "memory");
  g_rsv_sc = rd;
  FENCE(rw, w);
  g_rsv_done = 1;
}

static void rsv_hart0(unsigned h, unsigned kind)
{
  g_rsv[0] = kRsvValue + h;
  g_rsv_taken = g_rsv_stored = g_rsv_done = 0;
  g_rsv_sc = ~0UL;
  FENCE(rw, w);
  g_rsv_turn = (h << 4 | kind) + 1;
  WAIT_UNTIL(0, g_rsv_taken, "lrsc.reservation.taken");
  if (kind == RSV_STORE) {
    g_rsv[0] = kRsvValue + 0x55;
  } else if (kind == RSV_SAME_VALUE) {
    g_rsv[0] = kRsvValue + 0x55;
    FENCE(w, w);
    g_rsv[0] = kRsvValue + h;
  }
  FENCE(rw, w);
  g_rsv_stored = 1;
  WAIT_UNTIL(0, g_rsv_done, "lrsc.reservation.done");
  const uint64_t after = g_rsv[0];
  if (kind == RSV_STORE) {
    check_h("lrsc.hart%u.store_breaks_reservation", h, g_rsv_sc != 0, 1);
    check_h("lrsc.hart%u.store_breaks_reservation.memory", h, after, kRsvValue + 0x55);
  } else if (kind == RSV_NO_STORE) {
    check_h("lrsc.hart%u.reservation_kept", h, g_rsv_sc, 0);
    check_h("lrsc.hart%u.reservation_kept.memory", h, after, kRsvValue + h + 1);
  } else {
    check_h("lrsc.hart%u.same_value_store_breaks_reservation", h, g_rsv_sc != 0, 1);
    check_h("lrsc.hart%u.same_value_store_breaks_reservation.memory", h, after,
            kRsvValue + h);
  }
}

static void phase_reservation(unsigned me, unsigned n)
{
  const unsigned kinds = g_spec ? RSV_KINDS : RSV_SAME_VALUE;
  for (unsigned h = 1; h < n; ++h)
    for (unsigned kind = 0; kind < kinds; ++kind)
      if (me == 0)
        rsv_hart0(h, kind);
      else if (me == h)
        rsv_hart(me, kind);
}

/* ---- lock ------------------------------------------------------------------------- */

static volatile uint32_t g_lock LINE;
static volatile uint64_t g_lock_count LINE;
static volatile uint64_t g_lock_slots[LOCK_SLOTS];
static volatile uint32_t g_lock_turn;
static volatile uint32_t g_lock_seq_len;
static volatile uint8_t g_lock_seq[MAX_HARTS * LOCK_TURNS];

static inline void lock(volatile uint32_t *l)
{
  asm volatile("1: lw t0, (%0)\n"
               "   bnez t0, 1b\n"
               "   li t0, 1\n"
               "   amoswap.w.aq t0, t0, (%0)\n"
               "   bnez t0, 1b"
               :
               : "r"(l)
               : "t0", "memory");
}

static inline void unlock(volatile uint32_t *l, unsigned how)
{
  if (how & 1)
    asm volatile("amoswap.w.rl zero, zero, (%0)" ::"r"(l) : "memory");
  else
    asm volatile("fence rw, w\n sw zero, (%0)" ::"r"(l) : "memory");
}

/* The critical section: a plain read-modify-write of the counter, with the slot update in
 * the middle so that two harts inside at once lose counts. */
static void locked_work(unsigned i, unsigned me)
{
  const uint64_t c = g_lock_count;
  g_lock_slots[c % LOCK_SLOTS] = g_lock_slots[c % LOCK_SLOTS] + 1;
  jitter(i, me);
  g_lock_count = c + 1;
}

static void phase_lock(unsigned me, unsigned n)
{
  for (unsigned i = 0; i < LOCK_ITER; ++i) {
    lock(&g_lock);
    locked_work(i, me);
    unlock(&g_lock, i + me);
  }
  /* The token ring: a hart waits for its turn, takes the lock, works, passes the turn on
   * and releases the lock. (Trying the lock until it is one's turn would let the hart that
   * just released it win again and again: QEMU's host threads starve that way.) */
  uint64_t turns = 0;
  for (unsigned i = 0; i < LOCK_TURNS; ++i) {
    WAIT_UNTIL(me, g_lock_turn == me, "lock.turn");
    lock(&g_lock);
    g_lock_seq[g_lock_seq_len] = (uint8_t)me;
    g_lock_seq_len = g_lock_seq_len + 1;
    turns += g_lock_turn == me;
    g_lock_turn = (me + 1) % n;
    locked_work(i, me);
    unlock(&g_lock, i);
  }
  g_res[me].lock_turns = turns;
}

static void report_lock(unsigned n)
{
  const uint64_t total = (uint64_t)n * (LOCK_ITER + LOCK_TURNS);
  CHECK("lock.count", g_lock_count, total);
  unsigned bad = 0;
  uint64_t sum = 0;
  for (unsigned s = 0; s < LOCK_SLOTS; ++s) {
    sum += g_lock_slots[s];
    bad += g_lock_slots[s] != total / LOCK_SLOTS + (s < total % LOCK_SLOTS);
  }
  CHECK("lock.slots.sum", sum, total);
  CHECK("lock.slots.bad", bad, 0);
  CHECK("lock.ring.length", g_lock_seq_len, n * LOCK_TURNS);
  unsigned order = 0;
  for (unsigned j = 0; j < n * LOCK_TURNS; ++j)
    order += g_lock_seq[j] != j % n;
  CHECK("lock.ring.out_of_order", order, 0);
  for (unsigned h = 0; h < n; ++h)
    check_h("lock.hart%u.turns", h, g_res[h].lock_turns, LOCK_TURNS);
}

/* ---- mp --------------------------------------------------------------------------- */

struct mailbox {
  uint64_t data[MP_WORDS] LINE;
  uint64_t flag LINE; /* round + 1 of the data */
  uint64_t ack LINE;  /* round + 1 its reader has consumed */
};
static volatile struct mailbox g_mail[MAX_HARTS];

static uint64_t mp_value(unsigned writer, unsigned round, unsigned word)
{
  return (uint64_t)(writer + 1) << 56 | (uint64_t)round << 16 | (uint64_t)word << 8 | 0xa5;
}

/* In round k hart i writes its own mailbox and reads that of hart i - d (mod n), with d
 * going through 1..n-1: every ordered pair, MP_ROUNDS_PER_PEER times. */
static void phase_mp(unsigned me, unsigned n)
{
  volatile struct mailbox *mine = &g_mail[me];
  uint64_t reads = 0, stale = 0;
  for (unsigned k = 0; k < MP_ROUNDS_PER_PEER * (n - 1); ++k) {
    WAIT_UNTIL(me, mine->ack == k, "mp.ack");
    /* Writing at a point that varies from round to round puts vmplat's quantum ends
     * between the data and the flag in some rounds (the hand-over aligns them otherwise). */
    delay((k * 37 + me * 101) % 512);
    for (unsigned j = 0; j < MP_WORDS; ++j)
      mine->data[j] = mp_value(me, k, j);
    FENCE(w, w);
    jitter(k, me);
    mine->flag = k + 1;

    const unsigned writer = (me + n - (1 + k % (n - 1))) % n;
    volatile struct mailbox *theirs = &g_mail[writer];
    const uint64_t dl = me == 0 ? mtime() + g_timeout : 0;
    while (theirs->flag != k + 1)
      if (me == 0)
        check_deadline(dl, "mp.flag");
    FENCE(r, r);
    for (unsigned j = 0; j < MP_WORDS; ++j) {
      stale += theirs->data[j] != mp_value(writer, k, j);
      ++reads;
    }
    FENCE(r, w);
    theirs->ack = k + 1;
  }
  g_res[me].mp_reads = reads;
  g_res[me].mp_stale = stale;
}

static void report_mp(unsigned n)
{
  uint64_t reads = 0, stale = 0;
  for (unsigned h = 0; h < n; ++h) {
    reads += g_res[h].mp_reads;
    stale += g_res[h].mp_stale;
  }
  CHECK("mp.reads", reads, (uint64_t)n * (n - 1) * MP_ROUNDS_PER_PEER * MP_WORDS);
  CHECK("mp.stale", stale, 0);
}

/* ---- clint and plic --------------------------------------------------------------- */

static uint64_t cmp_value(unsigned h)
{
  return 0x7000000000000000UL | (uint64_t)(h + 1) << 40 | 0x1234UL * (h + 1);
}

static uint32_t enable_value(unsigned ctx)
{
  return 0xa5000000u | ctx << 16 | 1u << (ctx + 1);
}

/* Within 0..7 (the PLIC's priorities), different for the 8 contexts of 4 harts. */
static uint32_t threshold_value(unsigned ctx)
{
  return (ctx * 5 + 3) & 7;
}

static void phase_clint(unsigned me, unsigned n)
{
  struct hart_result *r = &g_res[me];
  /* mtimecmp: each hart writes its own, every hart reads them all. */
  CLINT_MTIMECMP(me) = cmp_value(me);
  barrier(me, "clint.mtimecmp");
  for (unsigned h = 0; h < n; ++h)
    r->mtimecmp_bad += CLINT_MTIMECMP(h) != cmp_value(h);
  barrier(me, "clint.mtimecmp.read");
  /* MTIP follows each hart's own mtimecmp only: odd harts' are due, even harts' are not. */
  CLINT_MTIMECMP(me) = me & 1 ? 0 : ~0UL;
  barrier(me, "clint.mtip");
  r->mtip = (read_csr(mip) & MIP_MTIP) != 0;
  barrier(me, "clint.mtip.read");
  CLINT_MTIMECMP(me) = ~0UL;
  r->mtip_after = (read_csr(mip) & MIP_MTIP) != 0;

  /* msip: hart 0 raises the odd harts' (interrupts are off: mie = 0), all read them. */
  if (me == 0)
    for (unsigned h = 0; h < n; ++h)
      CLINT_MSIP(h) = h & 1;
  barrier(me, "clint.msip");
  for (unsigned h = 0; h < n; ++h)
    r->msip_bad += CLINT_MSIP(h) != (h & 1);
  r->msip_mip = (read_csr(mip) & MIP_MSIP) != 0;
  barrier(me, "clint.msip.read");
  if (me == 0)
    for (unsigned h = 0; h < n; ++h)
      CLINT_MSIP(h) = 0;
  barrier(me, "clint.msip.clear");
  r->msip_after = (read_csr(mip) & MIP_MSIP) != 0 || CLINT_MSIP(me) != 0;

  /* PLIC: each hart sets its M (2h) and S (2h+1) contexts, every hart reads them all. */
  for (unsigned ctx = 2 * me; ctx < 2 * me + 2; ++ctx) {
    PLIC_ENABLE(ctx) = enable_value(ctx);
    PLIC_THRESHOLD(ctx) = threshold_value(ctx);
  }
  barrier(me, "plic.contexts");
  for (unsigned ctx = 0; ctx < 2 * n; ++ctx)
    r->plic_bad += (PLIC_ENABLE(ctx) != enable_value(ctx)) +
                   (PLIC_THRESHOLD(ctx) != threshold_value(ctx));
}

static void report_clint(unsigned n)
{
  for (unsigned h = 0; h < n; ++h)
    check_h("clint.mtimecmp%u", h, CLINT_MTIMECMP(h), ~0UL);
  for (unsigned h = 0; h < n; ++h) {
    const struct hart_result *r = &g_res[h];
    check_h("clint.hart%u.reads_all_mtimecmp", h, r->mtimecmp_bad, 0);
    check_h("clint.hart%u.mtip", h, r->mtip, h & 1);
    check_h("clint.hart%u.mtip_after_rewrite", h, r->mtip_after, 0);
    check_h("clint.hart%u.reads_all_msip", h, r->msip_bad, 0);
    check_h("clint.hart%u.msip_in_mip", h, r->msip_mip, h & 1);
    check_h("clint.hart%u.msip_cleared", h, r->msip_after, 0);
  }
  for (unsigned ctx = 0; ctx < 2 * n; ++ctx) {
    check_h("plic.context%u.enable", ctx, PLIC_ENABLE(ctx), enable_value(ctx));
    check_h("plic.context%u.threshold", ctx, PLIC_THRESHOLD(ctx), threshold_value(ctx));
    PLIC_ENABLE(ctx) = 0;
    PLIC_THRESHOLD(ctx) = 0;
  }
  for (unsigned h = 0; h < n; ++h)
    check_h("plic.hart%u.reads_all_contexts", h, g_res[h].plic_bad, 0);
}

/* ---- ipi -------------------------------------------------------------------------- */

static volatile uint32_t g_ipi_ready LINE;
static volatile uint64_t g_ipi_woke[MAX_HARTS * 8]; /* hart h's count at [8 h] */

#define WOKE(h) g_ipi_woke[8 * (h)]

/* The M-mode trap handler of every hart (smp_start.S). */
void smp_trap(uint64_t cause)
{
  const unsigned me = (unsigned)read_csr(mhartid);
  if (cause != CAUSE_MSI) {
    void vp_unexpected_trap(unsigned long, unsigned long, unsigned long);
    vp_unexpected_trap(cause, read_csr(mepc), read_csr(mtval));
  }
  CLINT_MSIP(me) = 0;
  g_res[me].ipi_cause = cause;
  FENCE(rw, w);
  WOKE(me) = WOKE(me) + 1;
}

static void phase_ipi(unsigned me, unsigned n)
{
  if (me != 0) {
    /* The count is tested with mstatus.MIE clear, or an IPI taken between the test and
     * the WFI would leave the hart asleep for good after the last one; WFI wakes for an
     * interrupt enabled in mie whatever mstatus.MIE says, and the hart takes it when it
     * sets MIE (privileged spec 3.3.3). */
    write_csr(mie, MIP_MSIP);
    amoadd_w(&g_ipi_ready, 1);
    while (WOKE(me) < IPI_ROUNDS) {
      asm volatile("wfi" ::: "memory");
      set_csr(mstatus, MSTATUS_MIE);
      clear_csr(mstatus, MSTATUS_MIE);
    }
    write_csr(mie, 0);
    return;
  }
  WAIT_UNTIL(0, g_ipi_ready == n - 1, "ipi.ready");
  unsigned wrong = 0;
  for (unsigned r = 0; r < IPI_ROUNDS; ++r)
    for (unsigned h = 1; h < n; ++h) {
      CLINT_MSIP(h) = 1;
      WAIT_UNTIL(0, WOKE(h) >= r + 1, "ipi.wake");
      for (unsigned j = 1; j < n; ++j)
        wrong += WOKE(j) != (j <= h ? r + 1 : r);
    }
  CHECK("ipi.wrong_wakeups", wrong, 0);
}

static void report_ipi(unsigned n)
{
  for (unsigned h = 1; h < n; ++h) {
    check_h("ipi.hart%u.wakeups", h, WOKE(h), IPI_ROUNDS);
    check_h("ipi.hart%u.mcause", h, g_res[h].ipi_cause, CAUSE_MSI);
    check_h("ipi.hart%u.msip", h, CLINT_MSIP(h), 0);
  }
}

/* ---- code ------------------------------------------------------------------------- */

/* long f(void) { return K; } as li a0, K; ret, in RAM. */
#define LI_A0(k) ((uint32_t)((k) & 0xfff) << 20 | 0x513u)
#define RET 0x00008067u
static volatile uint32_t g_code[16] LINE = {LI_A0(99), RET};
static volatile uint32_t g_code_gen LINE;
static volatile uint32_t g_code_ack LINE;

static long code_value(unsigned round)
{
  return 100 + 37 * round;
}

static long call_code(void)
{
  long (*fn)(void) = (long (*)(void))(uintptr_t)g_code;
  return fn();
}

static void phase_code(unsigned me, unsigned n)
{
  struct hart_result *r = &g_res[me];
  asm volatile("fence.i" ::: "memory");
  r->code_bad += call_code() != 99;
  barrier(me, "code.start");
  for (unsigned k = 0; k < CODE_ROUNDS; ++k) {
    if (me == 0) {
      g_code[0] = LI_A0(code_value(k));
      FENCE(w, w);
      g_code_gen = k + 1;
      asm volatile("fence.i" ::: "memory");
      r->code_bad += call_code() != code_value(k);
      WAIT_UNTIL(0, g_code_ack == (n - 1) * (k + 1), "code.ack");
    } else {
      /* Old or new code may run until this hart's fence.i (spec: Zifencei). */
      while (g_code_gen != k + 1)
        (void)call_code();
      FENCE(r, r);
      asm volatile("fence.i" ::: "memory");
      r->code_bad += call_code() != code_value(k);
      amoadd_w(&g_code_ack, 1);
    }
  }
}

static void report_code(unsigned n)
{
  for (unsigned h = 0; h < n; ++h)
    check_h("code.hart%u.new_code_after_fence_i", h, g_res[h].code_bad, 0);
}

/* ---- main ------------------------------------------------------------------------- */

void smp_main(unsigned long hartid, const void *dtb)
{
  const unsigned me = (unsigned)hartid;
  amoadd_w(&g_checkin, 1);
  unsigned n;
  if (me == 0) {
    /* All harts start together on vmplat and on QEMU: wait for those the device tree
     * lists and a grace period for any it does not. */
    const unsigned expected = dtb_cpus(dtb);
    g_timeout = VP_TIMEBASE_HZ * (t_bootarg(dtb, "riscv-virtio,vmplat") ? 1 : 50) / 10;
    g_spec = t_bootarg(dtb, "check-spec");
    g_no_code = t_bootarg(dtb, "no-code");
    const uint64_t start = mtime();
    while ((g_checkin < expected || mtime() < start + kGrace) && mtime() <= start + g_timeout) {
    }
    n = g_checkin; /* at most MAX_HARTS: smp_start.S parks harts with higher ids */
    g_dtb_cpus = expected;
    g_n = n;
    FENCE(rw, w);
    g_go = 1;
  } else {
    while (!g_go) {
    }
    FENCE(r, rw);
    n = g_n;
    if (me >= n)
      for (;;)
        asm volatile("wfi");
  }

  barrier(me, "harts");
  if (me == 0)
    report_harts(n);
  barrier(me, "harts.reported");

  phase_amo(me);
  barrier(me, "amo");
  if (me == 0)
    report_amo(n);
  barrier(me, "amo.reported");

  phase_lrsc(me);
  barrier(me, "lrsc");
  phase_reservation(me, n);
  barrier(me, "lrsc.reservation");
  if (me == 0)
    report_lrsc(n);
  barrier(me, "lrsc.reported");

  phase_lock(me, n);
  barrier(me, "lock");
  if (me == 0)
    report_lock(n);
  barrier(me, "lock.reported");

  if (n > 1) {
    phase_mp(me, n);
    barrier(me, "mp");
    if (me == 0)
      report_mp(n);
    barrier(me, "mp.reported");
  }

  phase_clint(me, n);
  barrier(me, "clint");
  if (me == 0)
    report_clint(n);
  barrier(me, "clint.reported");

  if (n > 1) {
    phase_ipi(me, n);
    barrier(me, "ipi");
    if (me == 0)
      report_ipi(n);
    barrier(me, "ipi.reported");
  }

  /* QEMU 7.2's multi-threaded TCG now and then runs a stale translation of code another
   * hart rewrote, even after fence.i (about 1 run in 20, all harts at once), so the QEMU
   * comparison boots with no-code and the code phase is checked on vmplat only. */
  if (!g_no_code) {
    phase_code(me, n);
    barrier(me, "code");
  }
  if (me == 0) {
    if (!g_no_code)
      report_code(n);
    CHECK("harts.checked_in.at_end", g_checkin, n);
    finish();
  }
  for (;;) {
  }
}
