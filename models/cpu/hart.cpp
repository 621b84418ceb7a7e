#include "models/cpu/hart.h"

#include <algorithm>
#include <cinttypes>
#include <cstring>

#include "models/common/config.h"
#include "models/common/sim.h"
#include "models/common/time.h"

namespace vmplat::cpu {

using sc_core::sc_time;

namespace {

constexpr uint64_t kPageSize = 4096;
constexpr unsigned kDebugPollPeriod = 64;
// mstatus: what M-mode may write, and the sstatus view (privileged spec 3.1.6, 4.1.1).
constexpr uint64_t kMstatusWritable = mstatus::kSIE | mstatus::kMIE | mstatus::kSPIE |
                                      mstatus::kMPIE | mstatus::kSPP | mstatus::kMPP |
                                      mstatus::kMPRV | mstatus::kSUM | mstatus::kMXR |
                                      mstatus::kTVM | mstatus::kTW | mstatus::kTSR;
constexpr uint64_t kUxlSxl64 = (2ull << 32) | (2ull << 34);
constexpr uint64_t kSstatusReadable = mstatus::kSIE | mstatus::kSPIE | mstatus::kUBE |
                                      mstatus::kSPP | mstatus::kSUM | mstatus::kMXR |
                                      (3ull << 32);
constexpr uint64_t kSstatusWritable = mstatus::kSIE | mstatus::kSPIE | mstatus::kSPP |
                                      mstatus::kSUM | mstatus::kMXR;
constexpr uint64_t kMisa = (2ull << 62) | (1u << ('A' - 'A')) | (1u << ('C' - 'A')) |
                           (1u << ('I' - 'A')) | (1u << ('M' - 'A')) | (1u << ('S' - 'A')) |
                           (1u << ('U' - 'A'));
// Exceptions S-mode may take: all but ecall from M (11), and the reserved 10 and 14.
constexpr uint64_t kMedelegWritable = 0xb3ff;
constexpr uint64_t kSInterrupts = (1u << irq::kSSI) | (1u << irq::kSTI) | (1u << irq::kSEI);
constexpr uint64_t kAllInterrupts = kSInterrupts | (1u << irq::kMSI) | (1u << irq::kMTI) |
                                    (1u << irq::kMEI);
constexpr uint64_t kMenvcfgSTCE = 1ull << 63;
constexpr uint64_t kMenvcfgWritable = 1 | kMenvcfgSTCE;  // FIOM, STCE
constexpr uint64_t kCounterenTM = 1u << 1;
// Interrupt priority, highest first (privileged spec 3.1.9).
constexpr unsigned kIrqPriority[] = {irq::kMEI, irq::kMSI, irq::kMTI,
                                     irq::kSEI, irq::kSSI, irq::kSTI};

inline int64_t sext32(uint64_t v) { return int64_t(int32_t(uint32_t(v))); }

// The mip bits the waves show, and their names (cpu.mip.<name>).
constexpr unsigned kWaveMip[] = {irq::kMSI, irq::kMTI, irq::kMEI, irq::kSSI, irq::kSTI, irq::kSEI};
constexpr const char* kWaveMipNames[] = {"msip", "mtip", "meip", "ssip", "stip", "seip"};
constexpr size_t kWaveMtip = 1, kWaveStip = 4;  // the timer bits' places in kWaveMip
static_assert(kWaveMip[kWaveMtip] == irq::kMTI && kWaveMip[kWaveStip] == irq::kSTI);

// The instant at which mtime (10 MHz) reaches `ticks`; false beyond what sc_time holds.
bool mtime_instant(uint64_t ticks, sc_time& at)
{
  static const uint64_t tick = sc_time(100, sc_core::SC_NS).value();
  if (ticks > UINT64_MAX / tick)
    return false;
  at = sc_time::from_value(ticks * tick);
  return true;
}

bool writes_rd(Op op)
{
  switch (op) {
    case Op::kBeq: case Op::kBne: case Op::kBlt: case Op::kBge: case Op::kBltu: case Op::kBgeu:
    case Op::kSb: case Op::kSh: case Op::kSw: case Op::kSd: case Op::kFence: case Op::kFenceI:
    case Op::kEcall: case Op::kEbreak: case Op::kMret: case Op::kSret: case Op::kWfi:
    case Op::kSfenceVma: case Op::kIllegal: case Op::kUndecoded:
      return false;
    default:
      return true;
  }
}

const char* cause_name(unsigned cause, bool interrupt)
{
  static const char* const exc_names[16] = {
      "instr_misaligned", "instr_access_fault", "illegal_instr", "breakpoint",
      "load_misaligned", "load_access_fault", "store_misaligned", "store_access_fault",
      "ecall_u", "ecall_s", "reserved10", "ecall_m",
      "instr_page_fault", "load_page_fault", "reserved14", "store_page_fault"};
  static const char* const irq_names[16] = {
      "irq0", "ssi", "irq2", "msi", "irq4", "sti", "irq6", "mti",
      "irq8", "sei", "irq10", "mei", "irq12", "irq13", "irq14", "irq15"};
  return interrupt ? irq_names[cause & 15] : exc_names[cause & 15];
}

}  // namespace

Hart::Hart(sc_core::sc_module_name name) : sc_module(name), isock("isock")
{
  auto& cfg = common::config();
  const std::string p = std::string(this->name()) + ".";
  const uint64_t mhz = cfg.u64(p + "freq_mhz", 1000, "MHz", "hart clock frequency", 1, 10000);
  m_period_ps = 1000000 / mhz;
  m_period = sc_time(double(m_period_ps), sc_core::SC_PS);
  const uint64_t quantum_ns = cfg.u64(p + "quantum_ns", 1000, "ns",
                                      "temporal decoupling quantum: how far the hart runs ahead "
                                      "of SystemC time before it yields",
                                      1, 1000000);
  m_quantum_cycles = std::max<uint64_t>(1, quantum_ns * 1000 / m_period_ps);
  m_max_instructions = cfg.u64(p + "max_instructions", 0, "instructions",
                               "stop after this many retired instructions (0: no limit)");
  m_misaligned_trap = cfg.choice(p + "misaligned", "perform", {"perform", "trap"},
                                 "misaligned loads/stores: performed by the hart (as QEMU and "
                                 "Spike do) or trapping with an address-misaligned exception") ==
                      "trap";
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
  };
  for (const auto& c : costs)
    m_cost[size_t(c.cls)] =
        cfg.u64(p + "cycles." + c.key, c.def, "cycles", std::string("cost of ") + c.doc, 0, 1000);
  const std::string trace = cfg.text(p + "trace", "",
                                     "file for an instruction trace in Spike's commit-log "
                                     "format (empty: none)");
  if (!trace.empty()) {
    m_trace = std::fopen(trace.c_str(), "w");
    if (!m_trace)
      throw common::UserError(p + "trace: cannot open '" + trace + "' for writing");
  }

  auto& st = common::stats();
  auto& instret = st.counter(p + "instret", "instructions retired", true);
  auto& cycles = st.counter(p + "cycles", "hart cycles since reset", true);
  st.derived(p + "ipc", "instructions per cycle",
             [this] { return m_cycles ? double(m_retired) / double(m_cycles) : 0.0; });
  auto& wfi = st.counter(p + "wfi_cycles", "cycles spent waiting in WFI");
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
  st.on_collect(this, [this, &instret, &cycles, &wfi, &pages, &inval, traps] {
    for (unsigned k = 0; k < 3; ++k) {
      if (m_memo[k].reused) {
        m_translator->count_reuse(AccessKind(k), m_memo[k].reused);
        m_memo[k].reused = 0;
      }
    }
    instret.set(m_retired);
    cycles.set(m_cycles);
    wfi.set(m_wfi_cycles);
    pages.set(m_decoded.size());
    inval.set(m_code_invalidations);
    for (const auto& [counter, value] : traps)
      counter->set(*value);
  });

  isock.register_invalidate_direct_mem_ptr(this, &Hart::invalidate_direct_mem_ptr);
  SC_THREAD(thread);
  m_thread = sc_core::sc_get_current_process_handle();
  reset(0x80000000);
}

Hart::~Hart()
{
  common::stats().forget(this);
  if (m_trace)
    std::fclose(m_trace);
}

void Hart::reset(uint64_t pc, uint64_t a0, uint64_t a1)
{
  std::fill(std::begin(m_x), std::end(m_x), 0);
  m_x[10] = a0;
  m_x[11] = a1;
  m_pc = pc;
  m_priv = Priv::kM;
  m_mstatus = kUxlSxl64;
  m_medeleg = m_mideleg = m_mie = m_mip_sw = 0;
  m_satp = 0;
  m_menvcfg = m_senvcfg = 0;
  m_mcounteren = m_scounteren = 0;
  m_reservation_valid = false;
  m_wfi = false;
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
  const uint64_t now = now_mtime();
  uint64_t deadline = UINT64_MAX;
  if ((m_mie >> irq::kMTI) & 1 && m_mtimecmp > now)
    deadline = std::min(deadline, cycle_of(m_mtimecmp));
  if ((m_menvcfg & kMenvcfgSTCE) && ((m_mie >> irq::kSTI) & 1) && m_stimecmp > now)
    deadline = std::min(deadline, cycle_of(m_stimecmp));
  return deadline;
}

void Hart::recompute_limits() { m_stop_cycle = std::min(m_quantum_end, timer_deadline_cycle()); }

void Hart::sync()
{
  const sc_time lt = local_time();
  wait(lt);
  // A target may have waited inside b_transport: never let SystemC time pass the hart.
  m_cycles = std::max(m_cycles, common::to_cycles(sc_core::sc_time_stamp(), m_period));
  m_sync_cycles = m_cycles;
}

void Hart::thread()
{
  m_quantum_end = m_cycles + m_quantum_cycles;
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
    if (m_max_instructions && m_retired >= m_max_instructions) {
      m_limit_hit = true;
      common::sim().request_stop(124, "instruction limit of " +
                                          std::to_string(m_max_instructions) + " reached");
      return;
    }
    recompute_limits();
    const uint64_t budget = m_max_instructions ? m_max_instructions - m_retired : UINT64_MAX;
    if (m_trace)
      execute_dispatch<true>(budget);
    else
      execute_dispatch<false>(budget);
    if (m_cycles >= m_quantum_end) {
      sync();
      m_quantum_end = m_cycles + m_quantum_cycles;
    }
  }
}

void Hart::wait_for_interrupt()
{
  if (m_waves)
    wave_update();
  sync();
  const uint64_t start = m_cycles;
  while (!(read_mip() & m_mie) && !common::sim().stop_requested()) {
    const uint64_t deadline = timer_deadline_cycle();
    if (deadline == UINT64_MAX) {
      wait(m_irq_event);
    } else {
      const sc_time at = sc_time::from_value(deadline * m_period.value());
      const sc_time now = sc_core::sc_time_stamp();
      wait(at > now ? at - now : sc_core::SC_ZERO_TIME, m_irq_event);
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

// ---------------------------------------------------------------------------------------
// Traps

uint64_t Hart::read_mip() const { return mip_at(now_mtime()); }

uint64_t Hart::mip_at(uint64_t now) const
{
  uint64_t mip = m_mip_sw | m_mip_lines;
  if (now >= m_mtimecmp)
    mip |= 1ull << irq::kMTI;
  if (m_menvcfg & kMenvcfgSTCE) {
    // Sstc: STIP reflects stimecmp and is not writable (Sstc spec 2.1).
    mip &= ~(1ull << irq::kSTI);
    if (now >= m_stimecmp)
      mip |= 1ull << irq::kSTI;
  }
  return mip;
}

uint64_t Hart::pending_interrupts() const { return read_mip() & m_mie; }

bool Hart::check_interrupts()
{
  const uint64_t pending = pending_interrupts();
  if (!pending)
    return false;
  m_wfi = false;  // WFI resumes on any pending enabled interrupt, even if globally masked
  const uint64_t m_level = pending & ~m_mideleg;
  const uint64_t s_level = pending & m_mideleg;
  const bool m_enabled = m_priv != Priv::kM || (m_mstatus & mstatus::kMIE);
  const bool s_enabled =
      m_priv == Priv::kU || (m_priv == Priv::kS && (m_mstatus & mstatus::kSIE));
  uint64_t take = 0;
  if (m_enabled && m_level)
    take = m_level;
  else if (s_enabled && s_level)
    take = s_level;
  if (!take)
    return false;
  for (unsigned i : kIrqPriority) {
    if ((take >> i) & 1) {
      take_interrupt(i);
      return true;
    }
  }
  return false;
}

void Hart::take_interrupt(unsigned irq)
{
  ++m_interrupts[irq];
  const uint64_t cause = (1ull << 63) | irq;
  const bool to_s = m_priv != Priv::kM && ((m_mideleg >> irq) & 1);
  if (m_trace)
    std::fprintf(m_trace, "core   0: interrupt %s, epc 0x%016" PRIx64 "\n", cause_name(irq, true),
                 m_pc);
  m_reservation_valid = false;
  m_cycles += m_cost[size_t(InsnClass::kSystem)];
  if (to_s) {
    m_scause = cause;
    m_sepc = m_pc;
    m_stval = 0;
    m_mstatus = (m_mstatus & ~(mstatus::kSPP | mstatus::kSPIE | mstatus::kSIE)) |
                (m_priv == Priv::kS ? mstatus::kSPP : 0) |
                ((m_mstatus & mstatus::kSIE) ? mstatus::kSPIE : 0);
    m_pc = (m_stvec & ~3ull) + ((m_stvec & 1) ? 4 * irq : 0);
    set_priv(Priv::kS);
  } else {
    m_mcause = cause;
    m_mepc = m_pc;
    m_mtval = 0;
    m_mstatus = (m_mstatus & ~(mstatus::kMPP | mstatus::kMPIE | mstatus::kMIE)) |
                (uint64_t(m_priv) << mstatus::kMPPShift) |
                ((m_mstatus & mstatus::kMIE) ? mstatus::kMPIE : 0);
    m_pc = (m_mtvec & ~3ull) + ((m_mtvec & 1) ? 4 * irq : 0);
    set_priv(Priv::kM);
  }
}

void Hart::raise(uint8_t cause, uint64_t tval)
{
  ++m_exceptions[cause & 15];
  if (m_trace)
    std::fprintf(m_trace, "core   0: exception %s, epc 0x%016" PRIx64 ", tval 0x%016" PRIx64 "\n",
                 cause_name(cause, false), m_pc, tval);
  m_reservation_valid = false;
  m_cycles += m_cost[size_t(InsnClass::kSystem)];
  const bool to_s = m_priv != Priv::kM && ((m_medeleg >> cause) & 1);
  if (to_s) {
    m_scause = cause;
    m_sepc = m_pc;
    m_stval = tval;
    m_mstatus = (m_mstatus & ~(mstatus::kSPP | mstatus::kSPIE | mstatus::kSIE)) |
                (m_priv == Priv::kS ? mstatus::kSPP : 0) |
                ((m_mstatus & mstatus::kSIE) ? mstatus::kSPIE : 0);
    m_pc = m_stvec & ~3ull;
    set_priv(Priv::kS);
  } else {
    m_mcause = cause;
    m_mepc = m_pc;
    m_mtval = tval;
    m_mstatus = (m_mstatus & ~(mstatus::kMPP | mstatus::kMPIE | mstatus::kMIE)) |
                (uint64_t(m_priv) << mstatus::kMPPShift) |
                ((m_mstatus & mstatus::kMIE) ? mstatus::kMPIE : 0);
    m_pc = m_mtvec & ~3ull;
    set_priv(Priv::kM);
  }
}

void Hart::do_mret()
{
  const Priv mpp = Priv((m_mstatus & mstatus::kMPP) >> mstatus::kMPPShift);
  uint64_t s = m_mstatus & ~(mstatus::kMIE | mstatus::kMPP);
  if (m_mstatus & mstatus::kMPIE)
    s |= mstatus::kMIE;
  s |= mstatus::kMPIE;
  if (mpp != Priv::kM)
    s &= ~mstatus::kMPRV;
  m_mstatus = s;
  m_pc = m_mepc;
  m_reservation_valid = false;
  set_priv(mpp);
}

void Hart::do_sret()
{
  const Priv spp = (m_mstatus & mstatus::kSPP) ? Priv::kS : Priv::kU;
  uint64_t s = m_mstatus & ~(mstatus::kSIE | mstatus::kSPP | mstatus::kMPRV);
  if (m_mstatus & mstatus::kSPIE)
    s |= mstatus::kSIE;
  s |= mstatus::kSPIE;
  m_mstatus = s;
  m_pc = m_sepc;
  m_reservation_valid = false;
  set_priv(spp);
}

void Hart::set_priv(Priv p)
{
  m_priv = p;
  update_xlate_flags();
  m_stop_cycle = 0;  // interrupt enables depend on the privilege level
  if (m_waves)
    wave_update();
}

void Hart::update_xlate_flags()
{
  const bool on = m_translator && satp::mode(m_satp) != satp::kModeBare;
  const Priv data_priv = (m_mstatus & mstatus::kMPRV)
                             ? Priv((m_mstatus & mstatus::kMPP) >> mstatus::kMPPShift)
                             : m_priv;
  m_xlate_fetch = on && m_priv != Priv::kM;
  m_xlate_data = on && data_priv != Priv::kM;
  forget_memos();
}

// ---------------------------------------------------------------------------------------
// Memory

bool Hart::translate(uint64_t va, unsigned size, AccessKind kind, uint64_t& pa)
{
  XlateResult r;
  const XlateContext ctx{m_priv, m_mstatus, m_satp, m_cycles - m_sync_cycles};
  const bool ok = m_translator->translate(va, size, kind, ctx, r);
  m_cycles += r.cycles;
  if (!ok) {
    raise(r.cause, r.tval);
    return false;
  }
  pa = r.pa;
  return true;
}

void Hart::try_dmi(uint64_t pa)
{
  tlm::tlm_generic_payload t;
  tlm::tlm_dmi dmi;
  t.set_address(pa);
  t.set_command(tlm::TLM_READ_COMMAND);
  if (!isock->get_direct_mem_ptr(t, dmi))
    return;
  if (!dmi.is_read_write_allowed() || pa < dmi.get_start_address() || pa > dmi.get_end_address())
    return;
  m_dmi_ptr = dmi.get_dmi_ptr();
  m_dmi_base = dmi.get_start_address();
  m_dmi_size = dmi.get_end_address() - dmi.get_start_address() + 1;
  m_dmi_fast_limit = m_dmi_size >= 8 ? m_dmi_size - 7 : 0;
  m_dmi_read_cycles = common::to_cycles(dmi.get_read_latency(), m_period);
  m_dmi_write_cycles = common::to_cycles(dmi.get_write_latency(), m_period);
  m_code_page.assign((m_dmi_size + kPageSize - 1) / kPageSize, 0);
  flush_decode_cache();
}

void Hart::invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end)
{
  if (!m_dmi_ptr || end < m_dmi_base || start > m_dmi_base + m_dmi_size - 1)
    return;
  m_dmi_ptr = nullptr;
  m_dmi_base = m_dmi_size = m_dmi_fast_limit = 0;
  m_code_page.clear();
  flush_decode_cache();
}

bool Hart::phys_access(uint64_t pa, uint8_t* buf, unsigned len, bool write, bool debug)
{
  const uint64_t off = pa - m_dmi_base;
  if (m_dmi_ptr && off < m_dmi_size && m_dmi_size - off >= len) {
    if (write) {
      std::memcpy(m_dmi_ptr + off, buf, len);
      note_code_write(pa, len);
    } else {
      std::memcpy(buf, m_dmi_ptr + off, len);
    }
    if (!debug)
      m_cycles += write ? m_dmi_write_cycles : m_dmi_read_cycles;
    return true;
  }
  m_trans.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
  m_trans.set_address(pa);
  m_trans.set_data_ptr(buf);
  m_trans.set_data_length(len);
  m_trans.set_streaming_width(len);
  m_trans.set_byte_enable_ptr(nullptr);
  m_trans.set_byte_enable_length(0);
  m_trans.set_dmi_allowed(false);
  m_trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  if (debug) {
    if (isock->transport_dbg(m_trans) != len || !m_trans.is_response_ok())
      return false;
    if (write)
      note_code_write(pa, len);  // a debugger's write over decoded code
    return true;
  }
  sc_time delay = local_time();
  isock->b_transport(m_trans, delay);
  const uint64_t done = common::to_cycles(sc_core::sc_time_stamp() + delay, m_period);
  m_cycles = std::max(m_cycles, done);
  if (common::sim().stop_requested())
    m_stop_cycle = 0;
  if (!m_trans.is_response_ok())
    return false;
  if (write)
    note_code_write(pa, len);
  if (m_trans.is_dmi_allowed() && !m_dmi_ptr)
    try_dmi(pa);
  return true;
}

void Hart::note_code_write(uint64_t pa, unsigned len)
{
  // Called for every store that hits a page holding decoded code (or any store off the
  // DMI path): drop the decoded instructions of the 64-byte lines written, plus the last
  // slot before them (a 32-bit instruction there may reach into the first line).
  const uint64_t last = pa + len - 1;
  for (uint64_t ppn = pa / kPageSize; ppn <= last / kPageSize; ++ppn) {
    auto it = m_decoded.find(ppn);
    if (it == m_decoded.end())
      continue;
    DecodedPage& page = *it->second;
    const uint64_t lo = std::max(pa, ppn * kPageSize) % kPageSize;
    const uint64_t hi = std::min(last, ppn * kPageSize + kPageSize - 1) % kPageSize;
    for (uint64_t line = lo / 64; line <= hi / 64; ++line) {
      if (!((page.line_mask >> line) & 1))
        continue;
      page.line_mask &= ~(1ull << line);
      std::fill_n(&page.slot[line * 32], 32, Insn{});
      if (line > 0)
        page.slot[line * 32 - 1] = Insn{};
      ++m_code_invalidations;
    }
  }
}

void Hart::flush_decode_cache()
{
  if (!m_decoded.empty())
    ++m_code_invalidations;
  m_decoded.clear();
  std::fill(m_code_page.begin(), m_code_page.end(), 0);
  m_fetch_page = nullptr;
  m_fetch_ppn = ~uint64_t{0};
  m_fetch_line = ~uint64_t{0};
  m_fetch_vkey = ~uint64_t{0};
}

bool Hart::read_code(uint64_t pa, void* buf, unsigned len)
{
  return phys_access(pa, static_cast<uint8_t*>(buf), len, false, true);
}

void Hart::fetch_page(uint64_t pa)
{
  if (!m_dmi_ptr)
    try_dmi(pa);  // before taking a page: a new DMI region starts an empty decode cache
  const uint64_t ppn = pa / kPageSize;
  auto& page = m_decoded[ppn];
  if (!page)
    page = std::make_unique<DecodedPage>();
  const uint64_t off = pa - m_dmi_base;
  m_fetch_page_dmi = m_dmi_ptr && off < m_dmi_size;
  if (m_fetch_page_dmi)
    m_code_page[off / kPageSize] = 1;
  m_fetch_page = page.get();
  m_fetch_ppn = ppn;
}

uint64_t Hart::fetch_line_cycles(uint64_t pa)
{
  // Instruction fetch is modelled as a 64-byte line buffer: each new line costs one memory
  // read (the DMI latency, or a timed read through the bus); fetches inside it are free.
  const uint64_t off = pa - m_dmi_base;
  if (m_dmi_ptr && off < m_dmi_size)
    return m_dmi_read_cycles;
  uint8_t line[64];
  const uint64_t before = m_cycles;
  phys_access(pa & ~63ull, line, 64, false);
  return m_cycles - before;
}

bool Hart::fetch_cross_page(uint64_t pa_lo, Insn& out)
{
  // A 32-bit instruction whose upper half lies on the next page: translate that page
  // separately; never cached, since either page may change on its own.
  uint16_t lo = 0, hi = 0;
  if (!read_code(pa_lo, &lo, 2)) {
    raise(exc::kInstrAccessFault, m_pc);
    return false;
  }
  uint64_t pa_hi = m_pc + 2;
  if (m_xlate_fetch && !translate(m_pc + 2, 2, AccessKind::kFetch, pa_hi))
    return false;
  if (!read_code(pa_hi, &hi, 2)) {
    raise(exc::kInstrAccessFault, m_pc + 2);
    return false;
  }
  out = decode(uint32_t(lo) | (uint32_t(hi) << 16));
  return true;
}

const Insn* Hart::fetch_slow(uint64_t pa)
{
  if (pa / kPageSize != m_fetch_ppn)
    fetch_page(pa);
  Insn* in = &m_fetch_page->slot[(pa % kPageSize) / 2];
  if (in->op == Op::kUndecoded) {
    uint16_t lo = 0;
    if (!read_code(pa, &lo, 2)) {
      raise(exc::kInstrAccessFault, m_pc);
      return nullptr;
    }
    if ((lo & 3) == 3) {
      if (pa % kPageSize == kPageSize - 2) {
        if (!fetch_cross_page(pa, m_cross_insn))
          return nullptr;
        in = &m_cross_insn;
      } else {
        uint32_t w = 0;
        if (!read_code(pa, &w, 4)) {
          raise(exc::kInstrAccessFault, m_pc);
          return nullptr;
        }
        *in = decode(w);
      }
    } else {
      *in = decode(lo);
    }
    if (in != &m_cross_insn) {
      const uint64_t off = pa % kPageSize;
      m_fetch_page->line_mask |= (1ull << (off / 64)) | (1ull << ((off + in->len - 1) / 64));
    }
  }
  if (pa / 64 != m_fetch_line) {
    m_fetch_line = pa / 64;
    m_cycles += fetch_line_cycles(pa);
  }
  return in;
}

bool Hart::translate_memo(uint64_t va, unsigned size, AccessKind kind, uint64_t& pa)
{
  XlateMemo& m = m_memo[unsigned(kind)];
  const uint64_t gen_before = m.generation ? *m.generation : 0;
  const uint64_t cycles_before = m_cycles;
  m.vpage = ~uint64_t{0};
  if (!translate(va, size, kind, pa))
    return false;
  // A call that left the TLB's counter alone repeated the last hit: from now on the hart
  // can repeat it itself (Translator::tlb_generation).
  if (m.generation && *m.generation == gen_before) {
    m.vpage = va / kPageSize;
    m.pbase = pa - va % kPageSize;
    m.gen = gen_before;
    m.cycles = m_cycles - cycles_before;
  }
  return true;
}

void Hart::forget_memos()
{
  for (XlateMemo& m : m_memo)
    m.vpage = ~uint64_t{0};
  m_fetch_vkey = ~uint64_t{0};
}

// A translation through the repeat fast path when it applies (see XlateMemo).
__attribute__((always_inline)) inline bool Hart::translate_fast(uint64_t va, unsigned size,
                                                                AccessKind kind, uint64_t& pa)
{
  XlateMemo& m = m_memo[unsigned(kind)];
  if (va / kPageSize == m.vpage && *m.generation == m.gen) {
    pa = m.pbase + va % kPageSize;
    m_cycles += m.cycles;
    ++m.reused;
    return true;
  }
  return translate_memo(va, size, kind, pa);
}

const Insn* Hart::fetch_general()
{
  uint64_t pa = m_pc;
  if (m_xlate_fetch && !translate_fast(m_pc, 2, AccessKind::kFetch, pa))
    return nullptr;
  const Insn* in = fetch_slow(pa);
  // May the next fetches from this virtual page skip translation? Without translation,
  // always; with it, while the last fetch translation repeats (see XlateMemo) at no cost.
  // The ITLB only changes on the hart's own calls (fetch translations, SFENCE.VMA, satp
  // writes), and each of those resets m_fetch_vkey.
  m_fetch_vkey = ~uint64_t{0};
  if (!in || in == &m_cross_insn)
    return in;
  const uint64_t vpage = m_pc / kPageSize;
  XlateMemo& memo = m_memo[unsigned(AccessKind::kFetch)];
  if (!m_xlate_fetch) {
    m_fetch_vkey = vpage;
    m_fetch_hits = &m_untranslated_fetches;
  } else if (memo.vpage == vpage && memo.cycles == 0) {
    m_fetch_vkey = vpage;
    m_fetch_hits = &memo.reused;
  }
  m_fetch_pbase = pa - m_pc % kPageSize;
  return in;
}

__attribute__((always_inline)) inline const Insn* Hart::fetch()
{
  // Fast path: the same virtual page as the last fetch (see fetch_general), instruction
  // already decoded, and either the same line or a new line of a DMI page (whose cost is
  // the DMI read latency).
  if (__builtin_expect(m_pc / kPageSize == m_fetch_vkey, 1)) {
    const uint64_t pa = m_fetch_pbase + m_pc % kPageSize;
    const Insn* in = &m_fetch_page->slot[(pa % kPageSize) / 2];
    if (__builtin_expect(in->op != Op::kUndecoded, 1)) {
      if (__builtin_expect(pa / 64 == m_fetch_line, 1)) {
        ++*m_fetch_hits;
        return in;
      }
      if (m_fetch_page_dmi) {
        m_fetch_line = pa / 64;
        m_cycles += m_dmi_read_cycles;
        ++*m_fetch_hits;
        return in;
      }
    }
  }
  return fetch_general();
}

bool Hart::access_slow(uint64_t va, uint8_t* buf, unsigned len, AccessKind kind)
{
  // Misaligned accesses (and anything the fast path declines): a misaligned access that
  // crosses a page translates both pages, and a fault names the part that faulted
  // (privileged spec 3.7: xtval holds the address of the portion that faulted).
  const bool write = kind == AccessKind::kStore;
  const uint8_t access_fault = write ? exc::kStoreAccessFault : exc::kLoadAccessFault;
  const unsigned n0 = unsigned(std::min<uint64_t>(len, kPageSize - va % kPageSize));
  const unsigned n1 = len - n0;
  uint64_t pa0 = va, pa1 = va + n0;
  if (m_xlate_data) {
    if (!translate(va, n0, kind, pa0))
      return false;
    if (n1 && !translate(va + n0, n1, kind, pa1))
      return false;
  }
  if (!phys_access(pa0, buf, n0, write)) {
    raise(access_fault, va);
    return false;
  }
  if (n1 && !phys_access(pa1, buf + n0, n1, write)) {
    raise(access_fault, va + n0);
    return false;
  }
  if (m_trace) {
    m_trace_mem_addr = va;
    m_trace_mem_size = len;
    m_trace_mem_write = write;
    m_trace_mem_value = 0;
    std::memcpy(&m_trace_mem_value, buf, std::min<unsigned>(len, 8));
  }
  return true;
}

template <typename T>
inline bool Hart::load(uint64_t va, T& out)
{
  if (sizeof(T) > 1 && (va & (sizeof(T) - 1))) {
    if (m_misaligned_trap) {
      raise(exc::kLoadMisaligned, va);
      return false;
    }
    return access_slow(va, reinterpret_cast<uint8_t*>(&out), sizeof(T), AccessKind::kLoad);
  }
  uint64_t pa = va;
  if (m_xlate_data && !translate_fast(va, sizeof(T), AccessKind::kLoad, pa))
    return false;
  const uint64_t off = pa - m_dmi_base;
  if (off < m_dmi_fast_limit) {
    std::memcpy(&out, m_dmi_ptr + off, sizeof(T));
    m_cycles += m_dmi_read_cycles;
  } else if (!phys_access(pa, reinterpret_cast<uint8_t*>(&out), sizeof(T), false)) {
    raise(exc::kLoadAccessFault, va);
    return false;
  }
  if (m_trace) {
    m_trace_mem_addr = va;
    m_trace_mem_size = sizeof(T);
    m_trace_mem_write = false;
    m_trace_mem_value = uint64_t(out);
  }
  return true;
}

template <typename T>
inline bool Hart::store(uint64_t va, T value)
{
  if (sizeof(T) > 1 && (va & (sizeof(T) - 1))) {
    if (m_misaligned_trap) {
      raise(exc::kStoreMisaligned, va);
      return false;
    }
    return access_slow(va, reinterpret_cast<uint8_t*>(&value), sizeof(T), AccessKind::kStore);
  }
  uint64_t pa = va;
  if (m_xlate_data && !translate_fast(va, sizeof(T), AccessKind::kStore, pa))
    return false;
  const uint64_t off = pa - m_dmi_base;
  if (off < m_dmi_fast_limit) {
    std::memcpy(m_dmi_ptr + off, &value, sizeof(T));
    m_cycles += m_dmi_write_cycles;
    if (m_code_page[off / kPageSize])
      note_code_write(pa, sizeof(T));
  } else if (!phys_access(pa, reinterpret_cast<uint8_t*>(&value), sizeof(T), true)) {
    raise(exc::kStoreAccessFault, va);
    return false;
  }
  if (m_trace) {
    m_trace_mem_addr = va;
    m_trace_mem_size = sizeof(T);
    m_trace_mem_write = true;
    m_trace_mem_value = uint64_t(value);
  }
  return true;
}

template <typename T>
bool Hart::amo(uint64_t va, Op op, uint64_t operand, uint64_t& old)
{
  // AMOs need natural alignment (A extension 8.4); they fault as stores (privileged 3.7).
  if (va & (sizeof(T) - 1)) {
    raise(exc::kStoreMisaligned, va);
    return false;
  }
  uint64_t pa = va;
  if (m_xlate_data && !translate(va, sizeof(T), AccessKind::kStore, pa))
    return false;
  T cur;
  if (!phys_access(pa, reinterpret_cast<uint8_t*>(&cur), sizeof(T), false)) {
    raise(exc::kStoreAccessFault, va);
    return false;
  }
  using S = std::make_signed_t<T>;
  const T b = T(operand);
  T next = cur;
  const unsigned base = (op >= Op::kLrD) ? unsigned(Op::kLrD) : unsigned(Op::kLrW);
  switch (unsigned(op) - base) {
    case 2: next = b; break;                                  // swap
    case 3: next = T(cur + b); break;                         // add
    case 4: next = cur ^ b; break;                            // xor
    case 5: next = cur & b; break;                            // and
    case 6: next = cur | b; break;                            // or
    case 7: next = S(cur) < S(b) ? cur : b; break;            // min
    case 8: next = S(cur) > S(b) ? cur : b; break;            // max
    case 9: next = cur < b ? cur : b; break;                  // minu
    case 10: next = cur > b ? cur : b; break;                 // maxu
  }
  if (!phys_access(pa, reinterpret_cast<uint8_t*>(&next), sizeof(T), true)) {
    raise(exc::kStoreAccessFault, va);
    return false;
  }
  old = uint64_t(int64_t(S(cur)));
  if (m_trace) {
    m_trace_mem_addr = va;
    m_trace_mem_size = sizeof(T);
    m_trace_mem_write = true;
    m_trace_mem_value = uint64_t(next);
  }
  return true;
}

// ---------------------------------------------------------------------------------------
// Execution

template <bool kTrace>
void Hart::execute_dispatch(uint64_t budget)
{
  if (m_debug_mode)
    execute<kTrace, true>(budget);
  else
    execute<kTrace, false>(budget);
}

template <bool kTrace, bool kDebug>
void Hart::execute(uint64_t budget)
{
  uint64_t* const x = m_x;
  while (budget && m_cycles < m_stop_cycle) {
    // Debug mode stops before an instruction at a breakpoint, and after each step, except
    // on the attempt a resume starts with (the debugger resumes from where it stopped).
    [[maybe_unused]] bool resumed = false;
    if constexpr (kDebug) {
      resumed = m_dbg_resumed;
      m_dbg_resumed = false;
      if (!resumed) {
        StopEvent ev;
        const auto bp = std::find_if(m_breakpoints.begin(), m_breakpoints.end(),
                                     [this](const Breakpoint& b) { return b.pc == m_pc; });
        if (bp != m_breakpoints.end()) {
          ev.cause = StopEvent::Cause::kBreakpoint;
          ev.hardware = bp->hardware;
        } else if (m_dbg_step) {
          ev.cause = StopEvent::Cause::kStep;
        }
        if (bp != m_breakpoints.end() || m_dbg_step) {
          debug_stop(ev);
          continue;
        }
      }
    }
    const Insn* ip = fetch();
    if (!ip)
      continue;  // the fetch trapped; m_pc is the handler
    if constexpr (kDebug) {
      // A watchpoint stops before the access (GDB's RISC-V watchpoints are nonsteppable:
      // it steps over the access itself). The fetch is done and stays counted once.
      StopEvent ev;
      if (!resumed && !m_watchpoints.empty() && watch_hit(*ip, x[ip->rs1], ev)) {
        const uint64_t at = m_pc;
        debug_stop(ev);
        if (m_pc != at || ip->op == Op::kUndecoded)
          continue;  // the debugger moved pc or rewrote this instruction: fetch again
        m_dbg_resumed = false;  // the resumed attempt is this one
      }
    }
    // A store to this very code clears the slot `ip` points to: every field the cases
    // need is read before their memory access (the trace keeps a copy for its line).
    const Insn& in = kTrace ? (m_trace_insn = *ip) : *ip;
    const uint64_t pc = m_pc;
    [[maybe_unused]] const Priv priv_before = m_priv;
    uint64_t npc = pc + in.len;
    m_cycles += m_cost[size_t(in.cls)];
    const uint64_t a = x[in.rs1], b = x[in.rs2];
    const int64_t imm = in.imm;
    uint64_t& rd = x[in.rd];
    switch (in.op) {
      case Op::kLui: rd = uint64_t(imm); break;
      case Op::kAuipc: rd = pc + uint64_t(imm); break;
      case Op::kJal: rd = npc; npc = pc + uint64_t(imm); break;
      case Op::kJalr: npc = (a + uint64_t(imm)) & ~1ull; rd = pc + in.len; break;
      case Op::kBeq: if (a == b) npc = pc + uint64_t(imm); break;
      case Op::kBne: if (a != b) npc = pc + uint64_t(imm); break;
      case Op::kBlt: if (int64_t(a) < int64_t(b)) npc = pc + uint64_t(imm); break;
      case Op::kBge: if (int64_t(a) >= int64_t(b)) npc = pc + uint64_t(imm); break;
      case Op::kBltu: if (a < b) npc = pc + uint64_t(imm); break;
      case Op::kBgeu: if (a >= b) npc = pc + uint64_t(imm); break;
      case Op::kLb: { uint8_t v; if (!load(a + imm, v)) goto trapped; rd = uint64_t(int64_t(int8_t(v))); break; }
      case Op::kLh: { uint16_t v; if (!load(a + imm, v)) goto trapped; rd = uint64_t(int64_t(int16_t(v))); break; }
      case Op::kLw: { uint32_t v; if (!load(a + imm, v)) goto trapped; rd = uint64_t(sext32(v)); break; }
      case Op::kLd: { uint64_t v; if (!load(a + imm, v)) goto trapped; rd = v; break; }
      case Op::kLbu: { uint8_t v; if (!load(a + imm, v)) goto trapped; rd = v; break; }
      case Op::kLhu: { uint16_t v; if (!load(a + imm, v)) goto trapped; rd = v; break; }
      case Op::kLwu: { uint32_t v; if (!load(a + imm, v)) goto trapped; rd = v; break; }
      case Op::kSb: if (!store(a + imm, uint8_t(b))) goto trapped; break;
      case Op::kSh: if (!store(a + imm, uint16_t(b))) goto trapped; break;
      case Op::kSw: if (!store(a + imm, uint32_t(b))) goto trapped; break;
      case Op::kSd: if (!store(a + imm, uint64_t(b))) goto trapped; break;
      case Op::kAddi: rd = a + uint64_t(imm); break;
      case Op::kSlti: rd = int64_t(a) < imm; break;
      case Op::kSltiu: rd = a < uint64_t(imm); break;
      case Op::kXori: rd = a ^ uint64_t(imm); break;
      case Op::kOri: rd = a | uint64_t(imm); break;
      case Op::kAndi: rd = a & uint64_t(imm); break;
      case Op::kSlli: rd = a << imm; break;
      case Op::kSrli: rd = a >> imm; break;
      case Op::kSrai: rd = uint64_t(int64_t(a) >> imm); break;
      case Op::kAdd: rd = a + b; break;
      case Op::kSub: rd = a - b; break;
      case Op::kSll: rd = a << (b & 63); break;
      case Op::kSlt: rd = int64_t(a) < int64_t(b); break;
      case Op::kSltu: rd = a < b; break;
      case Op::kXor: rd = a ^ b; break;
      case Op::kSrl: rd = a >> (b & 63); break;
      case Op::kSra: rd = uint64_t(int64_t(a) >> (b & 63)); break;
      case Op::kOr: rd = a | b; break;
      case Op::kAnd: rd = a & b; break;
      case Op::kAddiw: rd = uint64_t(sext32(a + uint64_t(imm))); break;
      case Op::kSlliw: rd = uint64_t(sext32(uint32_t(a) << imm)); break;
      case Op::kSrliw: rd = uint64_t(sext32(uint32_t(a) >> imm)); break;
      case Op::kSraiw: rd = uint64_t(int64_t(int32_t(a) >> imm)); break;
      case Op::kAddw: rd = uint64_t(sext32(a + b)); break;
      case Op::kSubw: rd = uint64_t(sext32(a - b)); break;
      case Op::kSllw: rd = uint64_t(sext32(uint32_t(a) << (b & 31))); break;
      case Op::kSrlw: rd = uint64_t(sext32(uint32_t(a) >> (b & 31))); break;
      case Op::kSraw: rd = uint64_t(int64_t(int32_t(a) >> (b & 31))); break;
      case Op::kMul: rd = a * b; break;
      case Op::kMulh: rd = uint64_t((__int128(int64_t(a)) * __int128(int64_t(b))) >> 64); break;
      case Op::kMulhsu:
        rd = uint64_t((__int128(int64_t(a)) * __int128((unsigned __int128)b)) >> 64);
        break;
      case Op::kMulhu: rd = uint64_t(((unsigned __int128)a * b) >> 64); break;
      case Op::kDiv:
        rd = b == 0 ? ~0ull
             : (int64_t(a) == INT64_MIN && int64_t(b) == -1) ? a
                                                             : uint64_t(int64_t(a) / int64_t(b));
        break;
      case Op::kDivu: rd = b == 0 ? ~0ull : a / b; break;
      case Op::kRem:
        rd = b == 0 ? a
             : (int64_t(a) == INT64_MIN && int64_t(b) == -1) ? 0
                                                             : uint64_t(int64_t(a) % int64_t(b));
        break;
      case Op::kRemu: rd = b == 0 ? a : a % b; break;
      case Op::kMulw: rd = uint64_t(sext32(uint32_t(a) * uint32_t(b))); break;
      case Op::kDivw: {
        const int32_t s1 = int32_t(a), s2 = int32_t(b);
        rd = uint64_t(int64_t(s2 == 0 ? -1 : (s1 == INT32_MIN && s2 == -1) ? s1 : s1 / s2));
        break;
      }
      case Op::kDivuw: {
        const uint32_t u1 = uint32_t(a), u2 = uint32_t(b);
        rd = uint64_t(sext32(u2 == 0 ? ~0u : u1 / u2));
        break;
      }
      case Op::kRemw: {
        const int32_t s1 = int32_t(a), s2 = int32_t(b);
        rd = uint64_t(int64_t(s2 == 0 ? s1 : (s1 == INT32_MIN && s2 == -1) ? 0 : s1 % s2));
        break;
      }
      case Op::kRemuw: {
        const uint32_t u1 = uint32_t(a), u2 = uint32_t(b);
        rd = uint64_t(sext32(u2 == 0 ? u1 : u1 % u2));
        break;
      }
      case Op::kLrW:
      case Op::kLrD: {
        const unsigned size = in.op == Op::kLrW ? 4 : 8;
        if (a & (size - 1)) {
          raise(exc::kLoadMisaligned, a);
          goto trapped;
        }
        uint64_t pa = a;
        if (m_xlate_data && !translate(a, size, AccessKind::kLoad, pa))
          goto trapped;
        uint64_t v = 0;
        if (!phys_access(pa, reinterpret_cast<uint8_t*>(&v), size, false)) {
          raise(exc::kLoadAccessFault, a);
          goto trapped;
        }
        rd = size == 4 ? uint64_t(sext32(v)) : v;
        m_reservation_valid = true;
        m_reservation_pa = pa;
        break;
      }
      case Op::kScW:
      case Op::kScD: {
        const unsigned size = in.op == Op::kScW ? 4 : 8;
        if (a & (size - 1)) {
          raise(exc::kStoreMisaligned, a);
          goto trapped;
        }
        // Without a reservation the SC fails with no memory access at all (as QEMU does).
        if (!m_reservation_valid) {
          rd = 1;
          break;
        }
        uint64_t pa = a;
        if (m_xlate_data && !translate(a, size, AccessKind::kStore, pa))
          goto trapped;
        const bool ok = pa == m_reservation_pa;
        m_reservation_valid = false;
        if (ok) {
          uint64_t v = b;
          if (!phys_access(pa, reinterpret_cast<uint8_t*>(&v), size, true)) {
            raise(exc::kStoreAccessFault, a);
            goto trapped;
          }
        }
        rd = ok ? 0 : 1;
        break;
      }
      case Op::kAmoswapW: case Op::kAmoaddW: case Op::kAmoxorW: case Op::kAmoandW:
      case Op::kAmoorW: case Op::kAmominW: case Op::kAmomaxW: case Op::kAmominuW:
      case Op::kAmomaxuW: {
        uint64_t old;
        if (!amo<uint32_t>(a, in.op, b, old))
          goto trapped;
        rd = old;
        break;
      }
      case Op::kAmoswapD: case Op::kAmoaddD: case Op::kAmoxorD: case Op::kAmoandD:
      case Op::kAmoorD: case Op::kAmominD: case Op::kAmomaxD: case Op::kAmominuD:
      case Op::kAmomaxuD: {
        uint64_t old;
        if (!amo<uint64_t>(a, in.op, b, old))
          goto trapped;
        rd = old;
        break;
      }
      case Op::kFence: break;
      case Op::kFenceI:
        flush_decode_cache();
        break;
      case Op::kEcall:
        raise(m_priv == Priv::kU ? exc::kEcallU : m_priv == Priv::kS ? exc::kEcallS : exc::kEcallM,
              0);
        goto trapped;
      case Op::kEbreak:
        raise(exc::kBreakpoint, pc);
        goto trapped;
      case Op::kMret:
        if (m_priv != Priv::kM) {
          raise(exc::kIllegalInstr, in.raw);
          goto trapped;
        }
        do_mret();
        ++m_retired;
        if constexpr (kTrace)
          trace_insn(Priv::kM, pc, in);
        --budget;
        continue;
      case Op::kSret:
        if (m_priv == Priv::kU || (m_priv == Priv::kS && (m_mstatus & mstatus::kTSR))) {
          raise(exc::kIllegalInstr, in.raw);
          goto trapped;
        }
        do_sret();
        ++m_retired;
        if constexpr (kTrace)
          trace_insn(priv_before, pc, in);
        --budget;
        continue;
      case Op::kWfi:
        // U-mode WFI, and S-mode WFI with mstatus.TW, trap at once (privileged 3.1.6.5).
        if (m_priv == Priv::kU || (m_priv == Priv::kS && (m_mstatus & mstatus::kTW))) {
          raise(exc::kIllegalInstr, in.raw);
          goto trapped;
        }
        m_wfi = true;
        m_stop_cycle = 0;
        break;
      case Op::kSfenceVma:
        if (m_priv == Priv::kU || (m_priv == Priv::kS && (m_mstatus & mstatus::kTVM))) {
          raise(exc::kIllegalInstr, in.raw);
          goto trapped;
        }
        if (m_translator)
          m_translator->sfence_vma(in.rs1 != 0, a, in.rs2 != 0, uint16_t(b));
        forget_memos();
        break;
      case Op::kCsrrw: case Op::kCsrrs: case Op::kCsrrc:
      case Op::kCsrrwi: case Op::kCsrrsi: case Op::kCsrrci: {
        const bool imm_form = in.op >= Op::kCsrrwi;
        const uint64_t src = imm_form ? uint64_t(in.rs1) : a;
        const bool is_write_op = in.op == Op::kCsrrw || in.op == Op::kCsrrwi;
        // CSRRS/CSRRC with rs1 = x0 (or uimm 0) do not write (Zicsr 9.1).
        const bool writes = is_write_op || in.rs1 != 0;
        if (writes && (in.csr >> 10) == 3) {
          raise(exc::kIllegalInstr, in.raw);
          goto trapped;
        }
        uint64_t old = 0;
        if (csr_read(in.csr, old) != CsrStatus::kOk) {
          raise(exc::kIllegalInstr, in.raw);
          goto trapped;
        }
        if (writes) {
          const uint64_t next = is_write_op ? src
                                : (in.op == Op::kCsrrs || in.op == Op::kCsrrsi) ? (old | src)
                                                                                : (old & ~src);
          if (csr_write(in.csr, next) != CsrStatus::kOk) {
            raise(exc::kIllegalInstr, in.raw);
            goto trapped;
          }
        }
        rd = old;
        break;
      }
      case Op::kIllegal:
      case Op::kUndecoded:
      case Op::kCount:
        raise(exc::kIllegalInstr, in.raw);
        goto trapped;
    }
    x[0] = 0;
    m_pc = npc;
    ++m_retired;
    --budget;
    if constexpr (kTrace)
      trace_insn(priv_before, pc, in);
    continue;
  trapped:
    x[0] = 0;
    m_trace_mem_size = 0;
  }
}

template void Hart::execute_dispatch<false>(uint64_t);
template void Hart::execute_dispatch<true>(uint64_t);

// ---------------------------------------------------------------------------------------
// Debugging

void Hart::set_debugger(Debugger* debugger, bool halt_at_reset)
{
  m_debugger = debugger;
  m_debug_halt_at_reset = debugger && halt_at_reset;
  update_debug_mode();
}

void Hart::update_debug_mode()
{
  m_debug_mode =
      m_debugger && (m_dbg_step || !m_breakpoints.empty() || !m_watchpoints.empty());
}

void Hart::debug_stop(const StopEvent& event)
{
  const Resume how = m_debugger->stopped(event);
  m_dbg_step = how == Resume::kStep;
  m_dbg_resumed = true;
  update_debug_mode();
  if (common::sim().stop_requested())
    m_stop_cycle = 0;  // killed by the debugger
}

void Hart::debug_breakpoint(uint64_t pc, bool hardware, bool insert)
{
  const auto same = [&](const Breakpoint& b) { return b.pc == pc && b.hardware == hardware; };
  const auto it = std::find_if(m_breakpoints.begin(), m_breakpoints.end(), same);
  if (insert && it == m_breakpoints.end())
    m_breakpoints.push_back({pc, hardware});
  else if (!insert && it != m_breakpoints.end())
    m_breakpoints.erase(it);
  update_debug_mode();
}

void Hart::debug_watchpoint(uint64_t addr, uint64_t len, WatchKind kind, bool insert)
{
  const auto same = [&](const Watchpoint& w) {
    return w.addr == addr && w.len == len && w.kind == kind;
  };
  const auto it = std::find_if(m_watchpoints.begin(), m_watchpoints.end(), same);
  if (insert && it == m_watchpoints.end())
    m_watchpoints.push_back({addr, len, kind});
  else if (!insert && it != m_watchpoints.end())
    m_watchpoints.erase(it);
  update_debug_mode();
}

void Hart::debug_clear()
{
  m_breakpoints.clear();
  m_watchpoints.clear();
  m_dbg_step = false;
  update_debug_mode();
}

bool Hart::watch_hit(const Insn& in, uint64_t rs1_value, StopEvent& event) const
{
  unsigned size = 0;
  bool reads = false, writes = false;
  switch (in.op) {
    case Op::kLb: case Op::kLbu: size = 1; reads = true; break;
    case Op::kLh: case Op::kLhu: size = 2; reads = true; break;
    case Op::kLw: case Op::kLwu: size = 4; reads = true; break;
    case Op::kLd: size = 8; reads = true; break;
    case Op::kSb: size = 1; writes = true; break;
    case Op::kSh: size = 2; writes = true; break;
    case Op::kSw: size = 4; writes = true; break;
    case Op::kSd: size = 8; writes = true; break;
    case Op::kLrW: size = 4; reads = true; break;
    case Op::kLrD: size = 8; reads = true; break;
    case Op::kScW: size = 4; writes = true; break;
    case Op::kScD: size = 8; writes = true; break;
    default:
      if (in.op > Op::kScW && in.op <= Op::kAmomaxuW)
        size = 4;
      else if (in.op > Op::kScD && in.op <= Op::kAmomaxuD)
        size = 8;
      else
        return false;
      reads = writes = true;
  }
  const uint64_t lo = rs1_value + uint64_t(int64_t(in.imm));
  for (const Watchpoint& w : m_watchpoints) {
    const bool kind = w.kind == WatchKind::kAccess || (w.kind == WatchKind::kWrite ? writes : reads);
    if (kind && lo < w.addr + w.len && w.addr < lo + size) {
      event.cause = StopEvent::Cause::kWatchpoint;
      event.watch = w.kind;
      event.data_addr = std::max(lo, w.addr);
      return true;
    }
  }
  return false;
}

bool Hart::poke_csr(uint16_t csr, uint64_t value)
{
  if ((csr >> 10) == 3)
    return false;  // read-only
  return csr_write(csr, value) == CsrStatus::kOk;
}

void Hart::trace_insn(Priv priv, uint64_t pc, const Insn& in)
{
  // Spike's --log-commits format: privilege, pc, instruction bits, then what it wrote.
  std::fprintf(m_trace, in.len == 2 ? "core   0: %u 0x%016" PRIx64 " (0x%04x)"
                                    : "core   0: %u 0x%016" PRIx64 " (0x%08x)",
               unsigned(priv), pc, in.raw);
  if (writes_rd(in.op) && in.rd != 0)
    std::fprintf(m_trace, " x%-2u 0x%016" PRIx64, unsigned(in.rd), m_x[in.rd]);
  if (m_trace_mem_size) {
    if (m_trace_mem_write)
      std::fprintf(m_trace, " mem 0x%016" PRIx64 " 0x%0*" PRIx64, m_trace_mem_addr,
                   int(m_trace_mem_size * 2), m_trace_mem_value);
    else
      std::fprintf(m_trace, " mem 0x%016" PRIx64, m_trace_mem_addr);
    m_trace_mem_size = 0;
  }
  std::fputc('\n', m_trace);
}

// ---------------------------------------------------------------------------------------
// CSRs (privileged spec chapter 2 for the address map; Zicntr, Sstc)

bool Hart::counter_enabled(unsigned bit) const
{
  // cycle/time/instret/hpmcounterN from S need mcounteren; from U also scounteren.
  if (m_priv == Priv::kM)
    return true;
  if (!((m_mcounteren >> bit) & 1))
    return false;
  return m_priv == Priv::kS || ((m_scounteren >> bit) & 1);
}

Hart::CsrStatus Hart::csr_read(uint16_t csr, uint64_t& v) const
{
  if (((csr >> 8) & 3) > unsigned(m_priv))
    return CsrStatus::kIllegal;
  switch (csr) {
    // Unprivileged counters (Zicntr) and the hpmcounters, which read as zero.
    case 0xc00:
      if (!counter_enabled(0)) return CsrStatus::kIllegal;
      v = m_cycles + m_mcycle_offset;
      return CsrStatus::kOk;
    case 0xc01:
      if (!counter_enabled(1)) return CsrStatus::kIllegal;
      v = now_mtime();
      return CsrStatus::kOk;
    case 0xc02:
      if (!counter_enabled(2)) return CsrStatus::kIllegal;
      v = m_retired + m_minstret_offset;
      return CsrStatus::kOk;
    // Supervisor
    case 0x100: v = m_mstatus & kSstatusReadable; return CsrStatus::kOk;
    case 0x104: v = m_mie & m_mideleg; return CsrStatus::kOk;
    case 0x105: v = m_stvec; return CsrStatus::kOk;
    case 0x106: v = m_scounteren; return CsrStatus::kOk;
    case 0x10a: v = m_senvcfg; return CsrStatus::kOk;
    case 0x140: v = m_sscratch; return CsrStatus::kOk;
    case 0x141: v = m_sepc; return CsrStatus::kOk;
    case 0x142: v = m_scause; return CsrStatus::kOk;
    case 0x143: v = m_stval; return CsrStatus::kOk;
    case 0x144: v = read_mip() & m_mideleg; return CsrStatus::kOk;
    case 0x14d:
      // Sstc: below M, stimecmp needs menvcfg.STCE, and from S also mcounteren.TM.
      if (m_priv != Priv::kM &&
          (!(m_menvcfg & kMenvcfgSTCE) || !(m_mcounteren & kCounterenTM)))
        return CsrStatus::kIllegal;
      v = m_stimecmp;
      return CsrStatus::kOk;
    case 0x180:
      if (m_priv == Priv::kS && (m_mstatus & mstatus::kTVM))
        return CsrStatus::kIllegal;
      v = m_satp;
      return CsrStatus::kOk;
    // Machine information
    case 0xf11: v = 0; return CsrStatus::kOk;  // mvendorid: non-commercial
    case 0xf12: v = 0; return CsrStatus::kOk;  // marchid
    case 0xf13: v = 1; return CsrStatus::kOk;  // mimpid: vmplat hart, version 1
    case 0xf14: v = 0; return CsrStatus::kOk;  // mhartid
    case 0xf15: v = 0; return CsrStatus::kOk;  // mconfigptr: no configuration structure
    // Machine trap setup and handling
    case 0x300: v = m_mstatus; return CsrStatus::kOk;
    case 0x301: v = kMisa; return CsrStatus::kOk;
    case 0x302: v = m_medeleg; return CsrStatus::kOk;
    case 0x303: v = m_mideleg; return CsrStatus::kOk;
    case 0x304: v = m_mie; return CsrStatus::kOk;
    case 0x305: v = m_mtvec; return CsrStatus::kOk;
    case 0x306: v = m_mcounteren; return CsrStatus::kOk;
    case 0x30a: v = m_menvcfg; return CsrStatus::kOk;
    case 0x320: v = 0; return CsrStatus::kOk;  // mcountinhibit: counters always run
    case 0x340: v = m_mscratch; return CsrStatus::kOk;
    case 0x341: v = m_mepc; return CsrStatus::kOk;
    case 0x342: v = m_mcause; return CsrStatus::kOk;
    case 0x343: v = m_mtval; return CsrStatus::kOk;
    case 0x344: v = read_mip(); return CsrStatus::kOk;
    case 0xb00: v = m_cycles + m_mcycle_offset; return CsrStatus::kOk;
    case 0xb02: v = m_retired + m_minstret_offset; return CsrStatus::kOk;
  }
  if (csr >= 0xc03 && csr <= 0xc1f) {
    if (!counter_enabled(csr - 0xc00))
      return CsrStatus::kIllegal;
    v = 0;
    return CsrStatus::kOk;
  }
  // mhpmcounter3..31 and mhpmevent3..31: implemented as read-only zero (privileged 3.1.10).
  if ((csr >= 0xb03 && csr <= 0xb1f) || (csr >= 0x323 && csr <= 0x33f)) {
    v = 0;
    return CsrStatus::kOk;
  }
  // PMP: 16 entries; pmpcfg0 and pmpcfg2 on RV64 (odd numbers do not exist), and the
  // remaining entries up to 63 read as zero.
  if (csr >= 0x3a0 && csr <= 0x3af) {
    if (csr & 1)
      return CsrStatus::kIllegal;
    v = 0;
    const unsigned first = (csr - 0x3a0) * 4;
    for (unsigned i = 0; i < 8; ++i)
      if (first + i < m_pmpcfg.size())
        v |= uint64_t(m_pmpcfg[first + i]) << (8 * i);
    return CsrStatus::kOk;
  }
  if (csr >= 0x3b0 && csr <= 0x3ef) {
    const unsigned i = csr - 0x3b0;
    v = i < m_pmpaddr.size() ? m_pmpaddr[i] : 0;
    return CsrStatus::kOk;
  }
  return CsrStatus::kIllegal;
}

Hart::CsrStatus Hart::csr_write(uint16_t csr, uint64_t v)
{
  switch (csr) {
    case 0x100:
      m_mstatus = (m_mstatus & ~kSstatusWritable) | (v & kSstatusWritable);
      update_xlate_flags();
      m_stop_cycle = 0;
      return CsrStatus::kOk;
    case 0x104:
      m_mie = (m_mie & ~m_mideleg) | (v & m_mideleg & kSInterrupts);
      m_stop_cycle = 0;
      if (m_waves)
        wave_update();
      return CsrStatus::kOk;
    case 0x105:
      if ((v & 3) < 2)
        m_stvec = v;
      return CsrStatus::kOk;
    case 0x106: m_scounteren = v & 0xffffffff; return CsrStatus::kOk;
    case 0x10a: m_senvcfg = v & 1; return CsrStatus::kOk;
    case 0x140: m_sscratch = v; return CsrStatus::kOk;
    case 0x141: m_sepc = v & ~1ull; return CsrStatus::kOk;
    case 0x142: m_scause = v; return CsrStatus::kOk;
    case 0x143: m_stval = v; return CsrStatus::kOk;
    case 0x144: {
      // Only SSIP is writable through sip, and only when delegated.
      const uint64_t mask = m_mideleg & (1ull << irq::kSSI);
      m_mip_sw = (m_mip_sw & ~mask) | (v & mask);
      m_stop_cycle = 0;
      if (m_waves)
        wave_update();
      return CsrStatus::kOk;
    }
    case 0x14d:
      m_stimecmp = v;
      m_stop_cycle = 0;
      if (m_waves)
        wave_update();
      return CsrStatus::kOk;
    case 0x180: {
      // satp is WARL: a write with an unsupported MODE has no effect at all (privileged
      // 4.1.11). The ASID field keeps all 16 bits; the MMU decides how many it uses.
      const unsigned mode = satp::mode(v);
      const bool supported =
          mode == satp::kModeBare || (m_translator && m_translator->supports_satp_mode(mode));
      if (!supported)
        return CsrStatus::kOk;
      const uint64_t old = m_satp;
      m_satp = v;
      if (m_translator)
        m_translator->satp_written(old, m_satp);
      update_xlate_flags();
      return CsrStatus::kOk;
    }
    case 0x300: {
      uint64_t next = (m_mstatus & ~kMstatusWritable) | (v & kMstatusWritable);
      // MPP is WARL over the implemented modes: the reserved value 2 keeps the old one.
      if (((next & mstatus::kMPP) >> mstatus::kMPPShift) == 2)
        next = (next & ~mstatus::kMPP) | (m_mstatus & mstatus::kMPP);
      m_mstatus = next | kUxlSxl64;
      update_xlate_flags();
      m_stop_cycle = 0;
      return CsrStatus::kOk;
    }
    case 0x301: return CsrStatus::kOk;  // misa: WARL, the extensions cannot be turned off
    case 0x302: m_medeleg = v & kMedelegWritable; return CsrStatus::kOk;
    case 0x303:
      m_mideleg = v & kSInterrupts;
      m_stop_cycle = 0;
      return CsrStatus::kOk;
    case 0x304:
      m_mie = v & kAllInterrupts;
      m_stop_cycle = 0;
      if (m_waves)
        wave_update();
      return CsrStatus::kOk;
    case 0x305:
      if ((v & 3) < 2)
        m_mtvec = v;
      return CsrStatus::kOk;
    case 0x306: m_mcounteren = v & 0xffffffff; return CsrStatus::kOk;
    case 0x30a:
      m_menvcfg = v & kMenvcfgWritable;
      m_stop_cycle = 0;
      if (m_waves)
        wave_update();
      return CsrStatus::kOk;
    case 0x320: return CsrStatus::kOk;
    case 0x340: m_mscratch = v; return CsrStatus::kOk;
    case 0x341: m_mepc = v & ~1ull; return CsrStatus::kOk;
    case 0x342: m_mcause = v; return CsrStatus::kOk;
    case 0x343: m_mtval = v; return CsrStatus::kOk;
    case 0x344: {
      // SSIP, SEIP and (without Sstc) STIP are software-writable; SEIP as read is the OR
      // of this bit and the PLIC's line.
      uint64_t mask = (1ull << irq::kSSI) | (1ull << irq::kSEI);
      if (!(m_menvcfg & kMenvcfgSTCE))
        mask |= 1ull << irq::kSTI;
      m_mip_sw = (m_mip_sw & ~mask) | (v & mask);
      m_stop_cycle = 0;
      if (m_waves)
        wave_update();
      return CsrStatus::kOk;
    }
    case 0xb00: m_mcycle_offset = v - m_cycles; return CsrStatus::kOk;
    // The write takes effect after this instruction retires (Zicntr): compensate the +1.
    case 0xb02: m_minstret_offset = v - m_retired - 1; return CsrStatus::kOk;
  }
  if ((csr >= 0xb03 && csr <= 0xb1f) || (csr >= 0x323 && csr <= 0x33f))
    return CsrStatus::kOk;
  if (csr >= 0x3a0 && csr <= 0x3af) {
    const unsigned first = (csr - 0x3a0) * 4;
    for (unsigned i = 0; i < 8; ++i) {
      const unsigned e = first + i;
      if (e >= m_pmpcfg.size() || (m_pmpcfg[e] & 0x80))
        continue;  // absent or locked (L bit)
      m_pmpcfg[e] = uint8_t(v >> (8 * i)) & 0x9f;
    }
    return CsrStatus::kOk;
  }
  if (csr >= 0x3b0 && csr <= 0x3ef) {
    const unsigned i = csr - 0x3b0;
    if (i >= m_pmpaddr.size() || (m_pmpcfg[i] & 0x80))
      return CsrStatus::kOk;
    // A locked TOR entry also locks the address below it.
    if (i + 1 < m_pmpcfg.size() && (m_pmpcfg[i + 1] & 0x80) && ((m_pmpcfg[i + 1] >> 3) & 3) == 1)
      return CsrStatus::kOk;
    m_pmpaddr[i] = v & ((1ull << 54) - 1);
    return CsrStatus::kOk;
  }
  return CsrStatus::kIllegal;
}

// ---------------------------------------------------------------------------------------
// Waveform (docs/debugging.md, "Waveforms")

void Hart::set_waves(common::WaveRecorder& waves)
{
  m_waves = &waves;
  const uint64_t mip = read_mip();
  m_wave_priv = waves.add("cpu.priv", 2, unsigned(m_priv));
  m_wave_wfi = waves.add("cpu.wfi", 1, m_wfi);
  for (size_t i = 0; i < m_wave_mip.size(); ++i)
    m_wave_mip[i] = waves.add(std::string("cpu.mip.") + kWaveMipNames[i], 1,
                              (mip >> kWaveMip[i]) & 1);
  m_wave_mie = waves.add("cpu.mie", 12, m_mie);
  m_wave_stimecmp = waves.add("cpu.stimecmp", 64, m_stimecmp);
  m_wave_timer[0] = {m_wave_mip[kWaveMtip], true, m_mtimecmp};
  m_wave_timer[1] = {m_wave_mip[kWaveStip], bool(m_menvcfg & kMenvcfgSTCE), m_stimecmp};
  m_wave_look = now();
}

void Hart::wave_update()
{
  // Called after any change the waves show; the recorder drops values that did not change.
  common::WaveRecorder& w = *m_waves;
  const sc_time t = now();
  w.set(m_wave_priv, unsigned(m_priv), t);
  w.set(m_wave_wfi, m_wfi, t);
  w.set(m_wave_mie, m_mie, t);
  w.set(m_wave_stimecmp, m_stimecmp, t);
  // Timer levels depend on the time they are read at: read them at the latest look, which
  // is the hart's own time when a device process calls while the hart has run ahead.
  m_wave_look = std::max(m_wave_look, t);
  const uint64_t mip = mip_at(common::mtime_at(m_wave_look));
  for (size_t i = 0; i < m_wave_mip.size(); ++i)
    if (i != kWaveMtip && i != kWaveStip)
      w.set(m_wave_mip[i], (mip >> kWaveMip[i]) & 1, t);
  const bool stce = m_menvcfg & kMenvcfgSTCE;
  wave_timer(m_wave_timer[0], true, m_mtimecmp, (m_mie >> irq::kMTI) & 1, (mip >> irq::kMTI) & 1);
  wave_timer(m_wave_timer[1], stce, m_stimecmp, stce && ((m_mie >> irq::kSTI) & 1),
             (mip >> irq::kSTI) & 1);
}

void Hart::wave_timer(WaveTimer& timer, bool timed, uint64_t cmp, bool enabled, bool level)
{
  common::WaveRecorder& w = *m_waves;
  sc_time edge;
  // A rising edge that time alone made under the compare of the last look happened at
  // compare * 100 ns; the recorder draws it no earlier than SystemC time, so an edge seen
  // only after SystemC passed it is late (docs/debugging.md).
  if (timer.timed && !w.value(timer.signal) && common::mtime_at(m_wave_look) >= timer.cmp &&
      mtime_instant(timer.cmp, edge))
    w.set(timer.signal, 1, edge);
  w.set(timer.signal, level, m_wave_look);
  // While the interrupt is enabled the hart stops at the deadline or sleeps until it
  // (timer_deadline_cycle), so SystemC time gets there anyway: only then may the recorder
  // hold a notification for it.
  if (timed && enabled && !level && mtime_instant(cmp, edge))
    w.predict(timer.signal, 1, edge);
  else
    w.retract(timer.signal);
  timer.timed = timed;
  timer.cmp = cmp;
}

bool Hart::peek_csr(uint16_t csr, uint64_t& value) const
{
  // As M-mode would read it, without side effects.
  Hart& self = const_cast<Hart&>(*this);
  const Priv saved = self.m_priv;
  self.m_priv = Priv::kM;
  const bool ok = csr_read(csr, value) == CsrStatus::kOk;
  self.m_priv = saved;
  return ok;
}

}  // namespace vmplat::cpu
