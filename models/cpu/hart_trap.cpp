// The hart's trap and interrupt unit: pending interrupts and their priority, trap entry
// with delegation, xRET, and privilege changes (privileged spec 3.1.6-3.1.9, 3.3, 4.1.1).
#include <cinttypes>
#include <cstdio>
#include <string>

#include "models/common/sim.h"

#include "models/cpu/hart.h"
#include "models/cpu/hart_internal.h"

namespace vmplat::cpu {

namespace {

// The repeat fast path's counter where only PMP applies (Hart::XlateMemo): the identity
// translation never changes.
constexpr uint64_t kNoTlbGeneration = 0;

}  // namespace

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

uint64_t Hart::read_mip() const { return mip_at(now_mtime()); }

uint64_t Hart::mip_at(uint64_t now) const
{
  uint64_t mip = m_mip_sw | m_mip_lines;
  if (now >= m_mtimecmp)
    mip |= 1ull << irq::kMTI;
  if (m_menvcfg & menvcfg::kSTCE) {
    // Sstc: STIP reflects stimecmp and is not writable (Sstc spec 2.1).
    mip &= ~(1ull << irq::kSTI);
    if (now >= m_stimecmp)
      mip |= 1ull << irq::kSTI;
  }
  return mip;
}

uint64_t Hart::pending_interrupts() const { return m_mie ? read_mip() & m_mie : 0; }

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
  if (m_trace)
    std::fprintf(m_trace, "core %3u: interrupt %s, epc 0x%016" PRIx64 "\n", m_id,
                 cause_name(irq, true), m_pc);
  const bool to_s = m_priv != Priv::kM && ((m_mideleg >> irq) & 1);
  enter_trap(to_s, (1ull << 63) | irq, 0, 4 * irq);
  // A software interrupt is how one hart asks another for a remote fence: the MMU counts
  // the fences executed until its handler returns (mmu.shootdown.*).
  if ((irq == irq::kMSI || irq == irq::kSSI) && m_translator) {
    m_in_ipi = true;
    m_ipi_handler = to_s ? Priv::kS : Priv::kM;
    m_translator->set_ipi_handler(true);
  }
}

void Hart::raise(uint8_t cause, uint64_t tval)
{
  ++m_exceptions[cause & 15];
  if (m_trace)
    std::fprintf(m_trace, "core %3u: exception %s, epc 0x%016" PRIx64 ", tval 0x%016" PRIx64 "\n",
                 m_id, cause_name(cause, false), m_pc, tval);
  const bool to_s = m_priv != Priv::kM && ((m_medeleg >> cause) & 1);
  enter_trap(to_s, cause, tval, 0);
}

void Hart::enter_trap(bool to_s, uint64_t cause, uint64_t tval, uint64_t vector_offset)
{
  // vector_offset applies in vectored mode (xtvec.MODE = 1): 4 * cause for interrupts,
  // 0 for exceptions.
  const uint64_t tvec = to_s ? m_stvec : m_mtvec;
  const uint64_t vector = (tvec & ~3ull) + ((tvec & 1) ? vector_offset : 0);
  ++m_traps;
  if (m_trap_loop_limit)
    note_trap_streak(to_s, cause, tval, vector);
  m_reservation_valid = false;
  m_cycles += m_cost[size_t(InsnClass::kSystem)];
  if (to_s) {
    m_scause = cause;
    m_sepc = m_pc;
    m_stval = tval;
    m_mstatus = (m_mstatus & ~(mstatus::kSPP | mstatus::kSPIE | mstatus::kSIE)) |
                (m_priv == Priv::kS ? mstatus::kSPP : 0) |
                ((m_mstatus & mstatus::kSIE) ? mstatus::kSPIE : 0);
    m_pc = vector;
    set_priv(Priv::kS);
  } else {
    m_mcause = cause;
    m_mepc = m_pc;
    m_mtval = tval;
    m_mstatus = (m_mstatus & ~(mstatus::kMPP | mstatus::kMPIE | mstatus::kMIE)) |
                (uint64_t(m_priv) << mstatus::kMPPShift) |
                ((m_mstatus & mstatus::kMIE) ? mstatus::kMPIE : 0);
    m_pc = vector;
    set_priv(Priv::kM);
  }
}

void Hart::note_trap_streak(bool to_s, uint64_t cause, uint64_t tval, uint64_t vector)
{
  const auto describe = [](uint64_t cause, uint64_t pc, uint64_t tval) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "%s at pc 0x%" PRIx64 " (tval 0x%" PRIx64 ")",
                  cause_name(unsigned(cause & 63), (cause >> 63) != 0), pc, tval);
    return std::string(buf);
  };
  if (m_retired != m_streak_retired) {
    m_trap_streak = 0;
    m_streak_first = {cause, m_pc, tval};
  }
  m_streak_retired = m_retired;
  ++m_trap_streak;
  const char* mode = to_s ? "S" : "M";
  const uint64_t tvec = to_s ? m_stvec : m_mtvec;
  char where[96];
  std::snprintf(where, sizeof where, "the %s-mode trap vector 0x%" PRIx64 " (%stvec = 0x%" PRIx64 ")",
                mode, vector, to_s ? "s" : "m", tvec);
  const bool fetch_fault = cause == exc::kInstrAccessFault || cause == exc::kInstrPageFault ||
                           cause == exc::kInstrMisaligned;
  std::string why;
  // A fetch fault at the M-mode vector that leads back to the same vector repeats forever:
  // nothing is retired, M mode takes no interrupt with MIE = 0, and the state written is
  // the same each time.
  if (m_trap_streak > 1 && !to_s && fetch_fault && m_pc == vector) {
    why = "trap loop: " + std::string(where) + " cannot be fetched (" +
          describe(cause, m_pc, tval) + ", again and again); it began with " +
          describe(m_streak_first.cause, m_streak_first.pc, m_streak_first.tval);
  } else if (m_trap_streak >= m_trap_loop_limit) {
    why = "trap loop: " + std::to_string(m_trap_streak) +
          " traps in a row with no instruction retired (cpu.trap_loop_limit); the last, " +
          describe(cause, m_pc, tval) + ", went to " + where + "; the first was " +
          describe(m_streak_first.cause, m_streak_first.pc, m_streak_first.tval);
  } else {
    return;
  }
  common::sim().request_stop(kTrapLoopExitCode, why);
  m_stop_cycle = 0;
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
  if (m_in_ipi && m_ipi_handler == Priv::kM)
    end_ipi_handler();
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
  if (m_in_ipi && m_ipi_handler == Priv::kS)
    end_ipi_handler();
  set_priv(spp);
}

void Hart::end_ipi_handler()
{
  m_in_ipi = false;
  m_translator->set_ipi_handler(false);
}

void Hart::set_priv(Priv p)
{
  m_priv = p;
  update_xlate_flags();
  m_stop_cycle = 0;  // interrupt enables depend on the privilege level
  if (m_waves)
    wave_update();
}

void Hart::interrupt_state_changed()
{
  m_stop_cycle = 0;  // end the run: the loop re-checks interrupts and timer deadlines
  if (m_waves)
    wave_update();
}

void Hart::update_xlate_flags()
{
  const bool on = m_translator && satp::mode(m_satp) != satp::kModeBare;
  m_data_priv = data_priv();
  m_mmu_fetch = on && m_priv != Priv::kM;
  m_mmu_data = on && m_data_priv != Priv::kM;
  m_pmp_fetch = m_pmp.applies(m_priv);
  m_pmp_data = m_pmp.applies(m_data_priv);
  m_xlate_fetch = m_mmu_fetch || m_pmp_fetch;
  m_xlate_data = m_mmu_data || m_pmp_data;
  // Where only PMP applies, translation is the identity and its "TLB" never changes; the
  // repeats counted so far go to the translator if they were its hits.
  for (unsigned k = 0; k < 3; ++k) {
    XlateMemo& m = m_memo[k];
    const bool mmu = k == unsigned(AccessKind::kFetch) ? m_mmu_fetch : m_mmu_data;
    if (m.tlb != mmu) {
      if (m.tlb && m.reused)
        m_translator->count_reuse(AccessKind(k), m.reused);
      m.reused = 0;
      m.tlb = mmu;
    }
    m.generation = mmu ? m_tlb_generation[k] : &kNoTlbGeneration;
  }
  forget_memos();
}

}  // namespace vmplat::cpu
