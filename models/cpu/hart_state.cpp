// The hart's saved state for checkpoints (docs/checkpoints.md): every architectural register
// and CSR, the privilege, the LR reservation, WFI, the interrupt lines as the devices drive
// them, and the hart's clock (cycles, the quantum's phase, retired instructions and traps),
// so a restored hart goes on exactly where the saved one was. What is only a cache of that
// state (decoded code, translation memos, DMI) is rebuilt; statistics start from zero.
#include <algorithm>
#include <stdexcept>

#include "models/cpu/hart.h"
#include "models/cpu/hart_internal.h"

namespace vmplat::cpu {

const std::vector<std::pair<const char*, uint64_t Hart::*>>& Hart::csr_members()
{
  static const std::vector<std::pair<const char*, uint64_t Hart::*>> kMembers = {
      {"mstatus", &Hart::m_mstatus},   {"medeleg", &Hart::m_medeleg},
      {"mideleg", &Hart::m_mideleg},   {"mie", &Hart::m_mie},
      {"mip_sw", &Hart::m_mip_sw},     {"mtvec", &Hart::m_mtvec},
      {"stvec", &Hart::m_stvec},       {"mepc", &Hart::m_mepc},
      {"sepc", &Hart::m_sepc},         {"mcause", &Hart::m_mcause},
      {"scause", &Hart::m_scause},     {"mtval", &Hart::m_mtval},
      {"stval", &Hart::m_stval},       {"mscratch", &Hart::m_mscratch},
      {"sscratch", &Hart::m_sscratch}, {"satp", &Hart::m_satp},
      {"mcounteren", &Hart::m_mcounteren}, {"scounteren", &Hart::m_scounteren},
      {"menvcfg", &Hart::m_menvcfg},   {"senvcfg", &Hart::m_senvcfg},
      {"stimecmp", &Hart::m_stimecmp}, {"mtimecmp", &Hart::m_mtimecmp}};
  return kMembers;
}

void Hart::save_state(nlohmann::json& j) const
{
  j["pc"] = m_pc;
  j["priv"] = unsigned(m_priv);
  j["x"] = std::vector<uint64_t>(std::begin(m_x), std::end(m_x));
  j["f"] = std::vector<uint64_t>(std::begin(m_f), std::end(m_f));
  j["fcsr"] = m_fcsr;
  j["misa"] = m_misa;
  for (const auto& [name, member] : csr_members())
    j["csr"][name] = this->*member;
  j["mip_lines"] = m_mip_lines;
  j["reservation"] = {{"valid", m_reservation_valid}, {"pa", m_reservation_pa}};
  j["wfi"] = m_wfi;
  j["cycles"] = m_cycles;
  j["quantum_left"] = m_quantum_end - m_cycles;
  j["retired"] = m_retired;
  // Microarchitecture that timing depends on: the fetch buffer's line, and the DMI region
  // (without it the first access after a restore would take the bus at another latency).
  // A hart restored and saved again before it ran holds them still to be taken over.
  j["fetch_line"] = m_restored ? m_restore_fetch_line : m_fetch_line;
  j["dmi_base"] = m_restored ? m_restore_dmi_base : m_dmi_ptr ? m_dmi_base : ~uint64_t{0};
  j["traps"] = m_traps;
  j["trap_streak"] = {{"count", m_trap_streak},     {"retired", m_streak_retired},
                      {"cause", m_streak_first.cause}, {"pc", m_streak_first.pc},
                      {"tval", m_streak_first.tval}};
  m_pmp.save_state(j["pmp"]);
  m_triggers.save_state(j["triggers"]);
  nlohmann::json& hpm = j["hpm"];
  hpm["inhibit"] = m_hpm.inhibit();
  hpm["mcycle"] = m_hpm.cycle(m_cycles);
  hpm["minstret"] = m_hpm.instret(m_retired);
  for (unsigned i = Hpm::kFirst; i <= Hpm::kLast; ++i) {
    hpm["event"].push_back(m_hpm.event(i));
    hpm["counter"].push_back(m_hpm.counter(i));
  }
}

void Hart::check_restored_csrs(const common::StateIn& csr)
{
  // Each CSR, written from zero through its own WARL write, must read back as restored; a
  // checkpoint cannot put the hart in a state software could not reach (an unsupported
  // satp mode, MPP = 2, a reserved xtvec mode, bits a register does not implement).
  for (const auto& [name, member] : csr_members()) {
    const uint64_t v = this->*member;
    bool legal = true;
    if (member == &Hart::m_satp) {
      // A satp write with an unsupported mode is ignored, and a write tells the MMU.
      legal = satp_mode_supported(satp::mode(v));
    } else if (member == &Hart::m_mip_sw) {
      // mip's software-written bits (SSIP, SEIP, and STIP, which menvcfg.STCE may since
      // have made read-only).
      legal = (v & ~kSInterrupts) == 0;
    } else if (member != &Hart::m_mtimecmp) {  // the CLINT's register: any value
      const auto& table = csr_table();
      const auto d = std::find_if(table.begin(), table.end(),
                                  [name = name](const CsrDesc& c) { return c.name == name; });
      if (d == table.end() || !(d->field || d->write))
        throw std::logic_error(std::string("hart state: no CSR named ") + name);
      this->*member = 0;
      csr_store(*d, v);
      legal = this->*member == v;
      this->*member = v;
    }
    if (!legal)
      csr.bad(name, "holds a value the hart's " + std::string(name) +
                        " cannot hold (a WARL field set to a value no write leaves)");
  }
}

void Hart::restore_state(const common::StateIn& in)
{
  if (in.get<uint64_t>("misa") != m_misa)
    in.bad("misa", "differs from this hart's (cpu.isa): a checkpoint cannot change the ISA");
  m_pc = in.get<uint64_t>("pc");
  const bool compressed = (m_misa >> ('C' - 'A')) & 1;
  if (m_pc & (compressed ? 1 : 3))
    in.bad("pc", compressed ? "is odd" : "is not a multiple of 4 (this hart has no C)");
  const unsigned priv = in.get<unsigned>("priv");
  if (priv != 0 && priv != 1 && priv != 3)
    in.bad("priv", "is not 0 (U), 1 (S) or 3 (M)");
  m_priv = Priv(priv);
  in.get_array("x", m_x, 32);
  in.get_array("f", m_f, 32);
  if (m_x[0] != 0)
    in.bad("x", "holds a non-zero x0");
  m_fcsr = in.get<uint32_t>("fcsr");
  if (m_fcsr > 0xff)
    in.bad("fcsr", "has bits above frm and fflags (bits 7:0)");
  const common::StateIn csr = in.child("csr");
  for (const auto& [name, member] : csr_members())
    this->*member = csr.get<uint64_t>(name);
  check_restored_csrs(csr);
  m_mip_lines = in.get<uint64_t>("mip_lines");
  const common::StateIn res = in.child("reservation");
  m_reservation_valid = res.get<bool>("valid");
  m_reservation_pa = res.get<uint64_t>("pa");
  m_wfi = in.get<bool>("wfi");
  m_cycles = m_sync_cycles = m_quantum_sync_cycles = in.get<uint64_t>("cycles");
  m_quantum_end = m_cycles + in.get<uint64_t>("quantum_left");
  m_retired = in.get<uint64_t>("retired");
  m_traps = in.get<uint64_t>("traps");
  const common::StateIn streak = in.child("trap_streak");
  m_trap_streak = streak.get<uint64_t>("count");
  m_streak_retired = streak.get<uint64_t>("retired");
  m_streak_first = {streak.get<uint64_t>("cause"), streak.get<uint64_t>("pc"),
                    streak.get<uint64_t>("tval")};
  m_pmp.restore_state(in.child("pmp"));
  m_triggers.restore_state(in.child("triggers"));
  // The performance counters: their events, then their values as software would read them,
  // counted on from the sources as they are now (the MMU's counts start from zero).
  const common::StateIn hpm = in.child("hpm");
  m_hpm.reset();
  uint64_t events[Hpm::kLast - Hpm::kFirst + 1], counters[Hpm::kLast - Hpm::kFirst + 1];
  hpm.get_array("event", events, std::size(events));
  hpm.get_array("counter", counters, std::size(counters));
  for (unsigned i = Hpm::kFirst; i <= Hpm::kLast; ++i) {
    if (events[i - Hpm::kFirst] != 0 && !Hpm::supported(events[i - Hpm::kFirst]))
      hpm.bad("event", "holds an event this hart does not count");
    m_hpm.restore_counter(i, events[i - Hpm::kFirst], counters[i - Hpm::kFirst]);
  }
  m_hpm.restore_clock(hpm.get<uint64_t>("inhibit"), m_cycles, hpm.get<uint64_t>("mcycle"),
                      m_retired, hpm.get<uint64_t>("minstret"));

  m_stats_retired0 = m_retired;
  m_stats_cycles0 = m_cycles;
  m_restored = true;
  flush_decode_cache();
  m_restore_fetch_line = in.get<uint64_t>("fetch_line");
  m_restore_dmi_base = in.get<uint64_t>("dmi_base");
  forget_memos();
  update_xlate_flags();
  update_debug_mode();
  m_stop_cycle = 0;
  if (m_waves)
    wave_update();
}

}  // namespace vmplat::cpu
