#include "models/cosim/rtl_tlb.h"

#include <iostream>
#include <sstream>

#include "models/common/config.h"
#include "models/common/sim.h"
#include "models/cosim/rtl_tlb_impl.h"

namespace vmplat::cosim {

std::shared_ptr<VerilatedContext> shared_verilated_context()
{
  static std::weak_ptr<VerilatedContext> shared;
  std::shared_ptr<VerilatedContext> ctx = shared.lock();
  if (!ctx) {
    ctx = std::make_shared<VerilatedContext>();
    shared = ctx;
  }
  return ctx;
}

std::string RtlGeometry::to_string() const
{
  std::string s = std::to_string(entries) + ":" + std::to_string(ways) + ":" +
                  std::to_string(asid_bits) + ":" + std::to_string(levels) + ":" + policy;
  if (defect != "none")
    s += ":" + defect;
  return s;
}

std::unique_ptr<RtlTlb> RtlTlb::create(const mmu::TlbParams& params, const RtlOptions& options)
{
  // rtl/tlb/tlb.sv keeps an entry's level in 2 bits: 4 page sizes at most (Sv48).
  if (params.levels > 4)
    throw common::UserError(params.name +
                            ".impl: the RTL TLB holds at most 4 page sizes "
                            "(Sv48), and mmu.satp_modes with sv57 needs 5; allowed with sv57: "
                            "impl model");
  if (params.napot)
    throw common::UserError(params.name +
                            ".impl: the RTL TLB does not hold 64 KiB NAPOT "
                            "entries (mmu.svnapot with mmu.napot whole); allowed with RTL: "
                            "mmu.napot split, or mmu.svnapot false");
  for (const RtlConfig& c : built_rtl_configs()) {
    const RtlGeometry& g = c.geometry;
    if (g.entries == params.entries && g.ways == params.ways &&
        g.asid_bits == params.asid_bits && g.levels == params.levels &&
        g.policy == params.policy && g.defect == options.defect)
      return c.make(params, options);
  }
  RtlGeometry want{params.entries, params.ways, params.asid_bits, params.levels,
                   params.policy, options.defect};
  std::string built;
  for (const RtlConfig& c : built_rtl_configs())
    built += (built.empty() ? "" : ", ") + c.geometry.to_string();
  throw common::UserError(params.name + ".impl: no RTL TLB was Verilated for " +
                          want.to_string() + " (entries:ways:asid_bits:levels:policy); built: " +
                          built + "; add it to VMPLAT_RTL_TLB_CONFIGS and rebuild");
}

RtlOptions RtlTlb::options_from_config(const std::string& name)
{
  RtlOptions o;
  o.wave = common::config().text(name + ".wave", "",
                                 "VCD file receiving the RTL TLB's signals (impl rtl or "
                                 "lockstep); empty: no waveform");
  o.defect = common::config().choice(
      name + ".rtl_defect", "none", {"none", "ignore_asid"},
      "test only: build the RTL TLB variant with a deliberate bug, to see lockstep catch it");
  return o;
}

RtlTlb::RtlTlb(const mmu::TlbParams& params, const RtlOptions& options)
    : m_params(params), m_options(options),
      m_cycles(common::stats().counter(params.name + ".rtl.cycles",
                                       "clock cycles the RTL TLB ran (one per operation, one "
                                       "per set swept by a flush)")),
      m_busy_total(common::stats().counter(params.name + ".rtl.busy_cycles",
                                           "cycles the RTL TLB held busy (flush sweeps), "
                                           "charged as delay"))
{
}

uint64_t RtlTlb::take_busy_cycles()
{
  const uint64_t n = m_busy_pending;
  m_busy_pending = 0;
  return n;
}

std::string RtlTlb::describe() const
{
  std::ostringstream os;
  os << m_params.name << ": rtl (rtl/tlb/tlb.sv, Verilated), " << m_params.entries
     << " entries, " << m_params.ways << "-way, " << m_params.policy << ", asid_bits "
     << m_params.asid_bits << ", page sizes " << m_params.levels;
  if (m_options.defect != "none")
    os << ", DEFECT " << m_options.defect;
  if (!m_options.wave.empty())
    os << ", wave " << m_options.wave;
  return os.str();
}

void RtlTlb::check_assertions(bool failed, const char* operation)
{
  if (!failed || m_assert_failed)
    return;
  m_assert_failed = true;
  const std::string report = m_params.name + ": RTL assertion failed during " + operation +
                             " at RTL cycle " + std::to_string(m_cycles.value()) +
                             " (Verilator's %Error line above names it)";
  std::cerr << "vmplat: " << report << "\n";
  common::sim().request_stop(kAssertExitCode, report);
}

}  // namespace vmplat::cosim
