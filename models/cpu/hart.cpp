#include "models/cpu/hart.h"

#include <algorithm>
#include <cinttypes>
#include <cstring>
#include <functional>

#include "models/common/config.h"
#include "models/common/sim.h"
#include "models/common/time.h"
#include "models/cpu/hart_internal.h"

namespace vmplat::cpu {

using sc_core::sc_time;

namespace {

constexpr unsigned kDebugPollPeriod = 64;
const char* const kKindNames[3] = {"fetch", "load", "store"};

}  // namespace

Hart::Hart(sc_core::sc_module_name name, HartGroup* group)
    : sc_module(name),
      isock("isock"),
      m_own_group(group ? nullptr : std::make_unique<HartGroup>()),
      m_group(group ? group : m_own_group.get()),
      m_id(m_group->add(this)),
      m_label(common::stats().prefix())
{
  auto& cfg = common::config();
  const std::string p = "cpu.";
  const uint64_t mhz = cfg.u64(p + "freq_mhz", 1000, "MHz", "hart clock frequency", 1, 10000);
  m_period_ps = 1000000 / mhz;
  m_period = sc_time(double(m_period_ps), sc_core::SC_PS);
  const uint64_t quantum_ns = cfg.u64(p + "quantum_ns", 1000, "ns",
                                      "temporal decoupling quantum: how far the hart runs ahead "
                                      "of SystemC time before it yields",
                                      1, 1000000);
  m_quantum_cycles = std::max<uint64_t>(1, quantum_ns * 1000 / m_period_ps);
  m_lazy_quanta = cfg.flag(p + "lazy_quanta", true,
                           "pass a quantum's end without waiting when nothing else is scheduled "
                           "up to the hart's time (one hart only; the results are the same, "
                           "the run faster); false: wait at every quantum's end");
  m_max_instructions = cfg.u64(p + "max_instructions", 0, "instructions",
                               "stop after this many retired instructions, each trap taken "
                               "counting as one too (exit code 124; 0: no limit)");
  m_max_cycles = cfg.u64(p + "max_cycles", 0, "cycles",
                         "stop at the first instruction boundary at or after this many hart "
                         "cycles (exit code 124; 0: no limit)");
  m_trap_loop_limit =
      cfg.u64(p + "trap_loop_limit", 100, "traps",
              "end the run (exit code 95) after this many traps in a row with no instruction "
              "retired, or at once when a fetch fault at an M-mode trap vector repeats "
              "itself; 0: never");
  m_sstc = cfg.flag(p + "sstc", true,
                    "Sstc (stimecmp, menvcfg.STCE); false: stimecmp does not exist, STCE reads "
                    "0, and S-mode timers go through M mode (CLINT mtimecmp)");
  m_svinval = cfg.flag(p + "svinval", false,
                       "Svinval: SINVAL.VMA, SFENCE.W.INVAL and SFENCE.INVAL.IR (false: they "
                       "are illegal instructions)");
  m_has_fd = cfg.choice(p + "isa", "rv64imafdc", {"rv64imafdc", "rv64imac"},
                        "the hart's ISA: RV64GC (with the F and D extensions) or RV64IMAC "
                        "(FP instructions are illegal, misa and the device tree say so)") ==
             "rv64imafdc";
  m_misa = kMisaBase | (m_has_fd ? kMisaFD : 0);
  m_misaligned_trap = cfg.choice(p + "misaligned", "perform", {"perform", "trap"},
                                 "misaligned loads/stores: performed by the hart (as QEMU and "
                                 "Spike do) or trapping with an address-misaligned exception") ==
                      "trap";
  const std::string pmp_entries =
      cfg.choice(p + "pmp.entries", "16", {"0", "16", "64"},
                 "PMP entries (privileged 3.7); 0: no PMP, nothing is checked");
  const uint64_t pmp_granularity =
      cfg.u64(p + "pmp.granularity", 4, "bytes",
              "PMP granularity 2^(G+2): a power of two; NA4 needs 4", 4, uint64_t(1) << 56);
  if (pmp_granularity & (pmp_granularity - 1))
    throw common::UserError(p + "pmp.granularity: " + std::to_string(pmp_granularity) +
                            " is not a power of two; allowed: 4, 8, 16, ... 2^56");
  m_pmp = Pmp(unsigned(std::stoul(pmp_entries)), pmp_granularity);
  m_triggers = Triggers(unsigned(
      cfg.u64(p + "triggers", 2, "triggers",
              "Sdtrig triggers (mcontrol/mcontrol6, breakpoint exceptions); 0: no trigger "
              "module, its CSRs do not exist",
              0, Triggers::kMaxCount)));
  struct ClassCost {
    InsnClass cls;
    const char* key;
    uint64_t def;
    const char* doc;
  };
  const ClassCost costs[] = {
      {InsnClass::kAlu, "alu", 1, "integer ALU, LUI/AUIPC"},
      {InsnClass::kMul, "mul", 3, "multiplications"},
      {InsnClass::kDiv, "div", 20, "divisions and remainders"},
      {InsnClass::kLoad, "load", 1, "loads, before memory latency"},
      {InsnClass::kStore, "store", 1, "stores, before memory latency"},
      {InsnClass::kBranch, "branch", 1, "conditional branches"},
      {InsnClass::kJump, "jump", 1, "JAL/JALR"},
      {InsnClass::kCsr, "csr", 1, "CSR instructions"},
      {InsnClass::kSystem, "system", 1, "FENCE, ECALL, xRET, WFI, SFENCE.VMA, traps"},
      {InsnClass::kAmo, "amo", 2, "LR/SC and AMOs, before memory latency"},
      {InsnClass::kFp, "fp", 3, "FP arithmetic, fused multiply-add, conversions, moves, compares"},
      {InsnClass::kFdiv, "fdiv", 20, "FP division and square root"},
  };
  for (const auto& c : costs)
    m_cost[size_t(c.cls)] =
        cfg.u64(p + "cycles." + c.key, c.def, "cycles", std::string("cost of ") + c.doc, 0, 1000);
  const std::string trace = cfg.text(p + "trace", "",
                                     "file for an instruction trace in Spike's commit-log "
                                     "format (empty: none)");
  if (!trace.empty() && m_id > 0) {
    m_trace = m_group->hart(0).m_trace;  // one commit log, lines tagged with the core
  } else if (!trace.empty()) {
    m_trace = std::fopen(trace.c_str(), "w");
    if (!m_trace)
      throw common::UserError(p + "trace: cannot open '" + trace + "' for writing");
  }

  auto& st = common::stats();
  auto& instret = st.counter(p + "instret", "instructions retired (since the restore, after one)", true);
  auto& cycles = st.counter(p + "cycles", "hart cycles since reset (or the restore)", true);
  st.derived(p + "ipc", "instructions per cycle",
             [this] {
               const uint64_t c = m_cycles - m_stats_cycles0;
               return c ? double(m_retired - m_stats_retired0) / double(c) : 0.0;
             });
  auto& wfi = st.counter(p + "wfi_cycles", "cycles spent waiting in WFI");
  auto& waited = st.counter(p + "quanta.waited",
                            "quantum ends at which the hart waited for SystemC time");
  auto& passed = st.counter(p + "quanta.passed",
                            "quantum ends the hart passed without waiting, nothing else being "
                            "scheduled up to its time (cpu.lazy_quanta)");
  auto& pages = st.counter(p + "decode_cache.pages", "physical pages holding decoded code");
  auto& inval = st.counter(p + "decode_cache.invalidations",
                           "decoded lines dropped because code was written, plus FENCE.I flushes");
  std::vector<std::pair<common::Counter*, uint64_t*>> traps;
  for (unsigned i = 0; i < 16; ++i) {
    if (i == 10 || i == 14)
      continue;
    traps.push_back({&st.counter(p + "exceptions." + cause_name(i, false),
                                 "exceptions taken with this cause"),
                     &m_exceptions[i]});
  }
  for (unsigned i : kIrqPriority)
    traps.push_back({&st.counter(p + "interrupts." + cause_name(i, true),
                                 "interrupts taken with this cause"),
                     &m_interrupts[i]});
  auto& pmp_checks = st.counter(p + "pmp.checks",
                                "PMP decisions made: one per access outside the pages whose "
                                "decision the hart caches, plus each page-table walker access");
  std::vector<std::pair<common::Counter*, std::function<uint64_t()>>> pmp_faults;
  for (unsigned k = 0; k < 3; ++k)
    pmp_faults.push_back(
        {&st.counter(p + "pmp.faults." + kKindNames[k],
                     std::string(kKindNames[k]) + " accesses PMP denied (access faults)"),
         [this, k] { return m_pmp.faults(AccessKind(k)); }});
  pmp_faults.push_back({&st.counter(p + "pmp.faults.walker",
                                    "page-table walker accesses PMP denied (access faults of "
                                    "the access that walked)"),
                        [this] { return m_pmp.walker_faults(); }});
  st.on_collect(this, [this, &instret, &cycles, &wfi, &waited, &passed, &pages, &inval, traps,
                       &pmp_checks, pmp_faults] {
    for (unsigned k = 0; k < 3; ++k) {
      XlateMemo& m = m_memo[k];
      if (m.reused && m.tlb)
        m_translator->count_reuse(AccessKind(k), m.reused);
      m.reused = 0;
    }
    instret.set(m_retired - m_stats_retired0);
    cycles.set(m_cycles - m_stats_cycles0);
    wfi.set(m_wfi_cycles);
    waited.set(m_quanta_waited);
    passed.set(m_quanta_passed);
    pages.set(m_decoded.size());
    inval.set(m_code_invalidations);
    for (const auto& [counter, value] : traps)
      counter->set(*value);
    pmp_checks.set(m_pmp.checks());
    for (const auto& [counter, value] : pmp_faults)
      counter->set(value());
  });

  // The performance counters count cycles, instructions and what the translator counts.
  m_hpm.set_source([this](uint64_t event) { return hpm_event_count(event); });
  isock.register_invalidate_direct_mem_ptr(this, &Hart::invalidate_direct_mem_ptr);
  SC_THREAD(thread);
  m_thread = sc_core::sc_get_current_process_handle();
  reset(0x80000000);
}

Hart::~Hart()
{
  common::stats().forget(this);
  if (m_trace && m_id == 0)
    std::fclose(m_trace);
}

void Hart::reset(uint64_t pc, uint64_t a0, uint64_t a1)
{
  std::fill(std::begin(m_x), std::end(m_x), 0);
  std::fill(std::begin(m_f), std::end(m_f), 0);
  m_fcsr = 0;
  m_x[10] = a0;
  m_x[11] = a1;
  m_pc = pc;
  m_priv = Priv::kM;
  m_mstatus = kUxlSxl64;
  m_medeleg = m_mideleg = m_mie = m_mip_sw = 0;
  m_satp = 0;
  m_menvcfg = m_senvcfg = 0;
  m_mcounteren = m_scounteren = 0;
  m_pmp.reset();
  m_triggers.reset();
  m_hpm.reset();
  update_debug_mode();
  m_reservation_valid = false;
  m_wfi = false;
  if (m_in_ipi)
    end_ipi_handler();
  update_xlate_flags();
  if (m_waves)
    wave_update();
}

// ---------------------------------------------------------------------------------------
// Run loop and time

sc_time Hart::local_time() const
{
  const sc_time now = sc_time::from_value(m_cycles * m_period.value());
  const sc_time stamp = sc_core::sc_time_stamp();
  return now > stamp ? now - stamp : sc_core::SC_ZERO_TIME;
}

sc_time Hart::now() const
{
  const sc_time stamp = sc_core::sc_time_stamp();
  if (sc_core::sc_get_current_process_handle() != m_thread)
    return stamp;
  const sc_time own = sc_time::from_value(m_cycles * m_period.value());
  return own > stamp ? own : stamp;
}

uint64_t Hart::now_mtime() const
{
  // In 64 bits while the product fits (cycles below 1.8e16 at 1 GHz), where the division
  // by a constant is a multiplication; called at least once a quantum.
  uint64_t ps;
  if (!__builtin_mul_overflow(m_cycles, m_period_ps, &ps))
    return ps / 100000;
  return uint64_t((unsigned __int128)m_cycles * m_period_ps / 100000);
}

uint64_t Hart::timer_deadline_cycle() const
{
  // The first cycle at which an enabled timer interrupt that has not fired yet becomes
  // pending: the inner loop stops there so the interrupt is taken on time.
  auto cycle_of = [this](uint64_t cmp) -> uint64_t {
    const unsigned __int128 c = ((unsigned __int128)cmp * 100000 + m_period_ps - 1) / m_period_ps;
    return c > UINT64_MAX ? UINT64_MAX : uint64_t(c);
  };
  const bool mti = (m_mie >> irq::kMTI) & 1;
  const bool sti = (m_menvcfg & menvcfg::kSTCE) && ((m_mie >> irq::kSTI) & 1);
  if (!mti && !sti)
    return UINT64_MAX;
  const uint64_t now = now_mtime();
  uint64_t deadline = UINT64_MAX;
  if (mti && m_mtimecmp > now)
    deadline = std::min(deadline, cycle_of(m_mtimecmp));
  if (sti && m_stimecmp > now)
    deadline = std::min(deadline, cycle_of(m_stimecmp));
  return deadline;
}

void Hart::recompute_limits()
{
  m_other_stop = timer_deadline_cycle();
  if (m_max_cycles)
    m_other_stop = std::min(m_other_stop, m_max_cycles);
  m_stop_cycle = std::min(m_quantum_end, m_other_stop);
}

void Hart::yield(const sc_time& t, const sc_core::sc_event* event)
{
  // Another initiator runs only while this hart waits (hart_group.h).
  const bool parked = m_reservation_valid;
  if (parked)
    m_group->park(m_id, m_reservation_pa);
  if (!event)
    wait(t);
  else if (t == sc_core::SC_ZERO_TIME)
    wait(*event);
  else
    wait(t, *event);
  if (parked && !m_group->unpark(m_id))
    m_reservation_valid = false;
}

void Hart::sync()
{
  yield(local_time());
  // A target may have waited inside b_transport: never let SystemC time pass the hart.
  m_cycles = std::max(m_cycles, common::to_cycles(sc_core::sc_time_stamp(), m_period));
  m_sync_cycles = m_quantum_sync_cycles = m_cycles;
}

// At a quantum's end the hart waits so that the rest of the platform catches up with it.
// With one hart, when nothing else is scheduled up to the hart's time (no delta activity,
// no timed event at or before it), that wait would only move SystemC's time: the hart
// skips it and runs on further ahead. Nothing can tell: every access carries the hart's
// lead as its TLM delay (targets see sc_time_stamp() + delay, the same absolute time),
// and an event the hart's accesses schedule makes the next quantum's end wait. Several
// harts always wait (another hart woken by a delta notification would start at SystemC's
// time), and so does a run with boundary hooks (sampling, checkpoints).
void Hart::quantum_sync()
{
  if (m_lazy_quanta && m_group->size() == 1 && !common::sim().has_boundary_hooks() &&
      !sc_core::sc_pending_activity_at_current_time()) {
    // The first cycle whose time is the next activity's (or later): quantum ends before it
    // are passed, here or, until the hart calls out of line, in execute() itself (not while
    // a debugger may want the hart: it is asked once a pass of the loop in thread()).
    const sc_time next = sc_core::sc_time_stamp() + sc_core::sc_time_to_pending_activity();
    const uint64_t period = m_period.value();
    const uint64_t until = next.value() / period + (next.value() % period != 0);
    if (m_cycles < until) {
      pass_quantum_end(m_cycles);
      m_skip_until = m_debugger ? 0 : until;
      return;
    }
  }
  m_skip_until = 0;
  ++m_quanta_waited;
  sync();
}

void Hart::thread()
{
  if (m_restored) {
    sync();  // SystemC time catches up with the restored clock; the quantum goes on
    if (m_restore_dmi_base != ~uint64_t{0})
      try_dmi(m_restore_dmi_base);
    m_fetch_line = m_restore_fetch_line;
    m_restored = false;
  } else {
    m_quantum_end = m_cycles + m_quantum_cycles;
  }
  if (m_debugger && m_debug_halt_at_reset)
    debug_stop({});
  for (;;) {
    if (common::sim().stop_requested())
      return;
    // The debugger is asked whether it wants the hart (Ctrl-C, a client connecting) every
    // kDebugPollPeriod-th pass, at least once per kDebugPollPeriod quanta: often enough to
    // answer at once, rarely enough to cost nothing measurable.
    if (m_debugger && ++m_dbg_poll >= kDebugPollPeriod) {
      m_dbg_poll = 0;
      if (m_debugger->wants_stop()) {
        debug_stop({});
        continue;
      }
    }
    // An interrupt taken while stepping is the step: the next stop check stops at its
    // handler, before the handler's first instruction.
    if (check_interrupts() && m_dbg_step)
      m_dbg_resumed = false;
    if (m_wfi) {
      wait_for_interrupt();
      m_quantum_end = m_cycles + m_quantum_cycles;
      continue;
    }
    // Both limits count traps as progress, so a loop from trap to trap ends at them too
    // (every trap changes the privilege state, which ends the run of execute()).
    if (m_max_instructions && m_retired + m_traps >= m_max_instructions) {
      m_limit_hit = true;
      common::sim().request_stop(124, "instruction limit of " +
                                          std::to_string(m_max_instructions) + " reached");
      return;
    }
    if (m_max_cycles && m_cycles >= m_max_cycles) {
      m_limit_hit = true;
      common::sim().request_stop(124,
                                 "cycle limit of " + std::to_string(m_max_cycles) + " reached");
      return;
    }
    if (common::sim().timed_out())
      return;
    recompute_limits();
    const uint64_t budget =
        m_max_instructions ? m_max_instructions - (m_retired + m_traps) : UINT64_MAX;
    m_dropped_pages.clear();  // no slot of theirs is in use between two runs (exec.cpp)
    if (m_trace)
      execute_dispatch<true>(budget);
    else
      execute_dispatch<false>(budget);
    if (m_cycles >= m_quantum_end) {
      quantum_sync();
      m_quantum_end = m_cycles + m_quantum_cycles;
      auto& sim = common::sim();
      if (sim.has_boundary_hooks())
        sim.at_boundary(m_retired + m_traps);
    }
  }
}

void Hart::wait_for_interrupt()
{
  if (m_waves)
    wave_update();
  sync();
  const uint64_t start = m_cycles;
  while (!(read_mip() & m_mie) && !common::sim().stop_requested() &&
         !(m_max_cycles && m_cycles >= m_max_cycles)) {
    uint64_t deadline = timer_deadline_cycle();
    if (m_max_cycles)
      deadline = std::min(deadline, m_max_cycles);
    if (deadline == UINT64_MAX) {
      yield(sc_core::SC_ZERO_TIME, &m_irq_event);
    } else {
      const sc_time at = sc_time::from_value(deadline * m_period.value());
      const sc_time now = sc_core::sc_time_stamp();
      if (at > now)
        yield(at - now, &m_irq_event);
      else
        yield(sc_core::SC_ZERO_TIME);
    }
    m_cycles = std::max(m_cycles, common::to_cycles(sc_core::sc_time_stamp(), m_period));
    // Keep SystemC time on a cycle boundary.
    sync();
  }
  m_wfi_cycles += m_cycles - start;
  m_wfi = false;
  if (m_waves)
    wave_update();
}

void Hart::set_irq_line(unsigned bit, bool level)
{
  const uint64_t mask = 1ull << bit;
  m_mip_lines = level ? (m_mip_lines | mask) : (m_mip_lines & ~mask);
  m_stop_cycle = 0;
  m_irq_event.notify(sc_core::SC_ZERO_TIME);
  if (m_waves)
    wave_update();
}

void Hart::set_mtimecmp(uint64_t value)
{
  m_mtimecmp = value;
  m_stop_cycle = 0;
  m_irq_event.notify(sc_core::SC_ZERO_TIME);
  if (m_waves)
    wave_update();
}

}  // namespace vmplat::cpu
