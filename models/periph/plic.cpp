#include "models/periph/plic.h"

#include <algorithm>
#include <stdexcept>

#include "models/common/config.h"
#include "models/cpu/riscv.h"
#include "models/periph/mmio.h"

namespace vmplat::periph {

namespace {

constexpr uint32_t kPrioMask = 7;

// The mip bit a context drives: even contexts are M mode, odd ones S mode (QEMU's virt).
constexpr unsigned context_bit(unsigned ctx)
{
  return ctx % 2 ? cpu::irq::kSEI : cpu::irq::kMEI;
}

std::string harts_text(size_t n)
{
  return std::to_string(n) + (n == 1 ? " hart" : " harts");
}

}  // namespace

Plic::Plic(sc_core::sc_module_name name)
    : sc_core::sc_module(name),
      tsock("tsock"),
      m_claims_none(common::stats().counter(std::string(this->name()) + ".claims.none",
                                            "claims that returned 0: nothing to serve"))
{
  const std::string gateway = common::config().choice(
      std::string(this->name()) + ".gateway", "qemu", {"qemu", "level"},
      "interrupt gateways: \"qemu\" (QEMU's sifive_plic: each high signal from a device sets "
      "pending, also in service; completion does not re-sample the line) or \"level\" (PLIC "
      "spec: completion re-pends a line still high; signals in service are dropped)");
  m_gateway = gateway == "level" ? Gateway::kLevel : Gateway::kQemu;
  tsock.register_b_transport(this, &Plic::b_transport);
  tsock.register_transport_dbg(this, &Plic::transport_dbg);
}

void Plic::bind_hart(cpu::IrqTarget& hart)
{
  // A hart bound again (a test bench's reset) keeps its number and gets its lines again.
  const auto bound = m_hart.begin() + m_harts;
  const unsigned h = unsigned(std::find(m_hart.begin(), bound, &hart) - m_hart.begin());
  if (h == m_harts) {
    if (m_harts == kMaxHarts)
      throw std::logic_error(std::string(name()) + ": more than " + std::to_string(kMaxHarts) +
                             " harts bound");
    m_hart[m_harts++] = &hart;
    if (m_waves && m_wave_context[2 * h] == kNoWave)
      add_waves(h);
  }
  for (unsigned ctx = 2 * h; ctx < 2 * h + 2; ++ctx)
    hart.set_irq_line(context_bit(ctx), m_out[ctx]);
}

void Plic::name_sources(const std::vector<std::pair<unsigned, std::string>>& sources)
{
  for (const auto& [source, name] : sources)
    m_claims.at(source) = &common::stats().counter(
        std::string(this->name()) + ".claims." + name,
        "claims that returned source " + std::to_string(source) + " (" + name + ")");
}

void Plic::set_waves(common::WaveRecorder& waves,
                     const std::vector<std::pair<unsigned, std::string>>& sources)
{
  m_waves = &waves;
  m_wave_source.fill(kNoWave);
  for (const auto& [source, name] : sources)
    m_wave_source.at(source) = waves.add("plic.source." + name, 1, (m_level >> source) & 1);
  m_wave_context.fill(kNoWave);
  for (unsigned h = 0; h < contexts() / 2; ++h) add_waves(h);
}

// Hart 0's names have no number, so a one-hart machine's waves keep their names.
void Plic::add_waves(unsigned hart)
{
  const std::string number = hart ? std::to_string(hart) : std::string();
  m_wave_context[2 * hart] = m_waves->add("plic.context.m" + number, 1, m_out[2 * hart]);
  m_wave_context[2 * hart + 1] = m_waves->add("plic.context.s" + number, 1, m_out[2 * hart + 1]);
}

void Plic::set_irq(unsigned source, bool level)
{
  if (source == 0 || source >= kSources)
    return;  // not wired: such a source does not exist on this PLIC
  if (m_waves && m_wave_source[source] != kNoWave)
    m_waves->set(m_wave_source[source], level);
  const uint32_t bit = 1u << source;
  if (!level) {
    m_level &= ~bit;
    return;  // the outputs follow the pending bits, which a low line leaves alone
  }
  m_level |= bit;
  if ((m_pending & bit) || (m_gateway == Gateway::kLevel && (m_claimed & bit)))
    return;  // nothing new: a signal repeating a request, or dropped in service
  m_pending |= bit;
  update();
}

void Plic::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time&)
{
  access(trans, false);
}

unsigned Plic::transport_dbg(tlm::tlm_generic_payload& trans)
{
  access(trans, true);
  return trans.is_response_ok() ? trans.get_data_length() : 0;
}

// A debug read of claim/complete shows what a claim would return without claiming.
void Plic::access(tlm::tlm_generic_payload& trans, bool debug)
{
  auto status = check_mmio(trans, kWidth4);
  uint64_t addr = trans.get_address();
  if (status == tlm::TLM_OK_RESPONSE && addr >= kSize)
    status = tlm::TLM_ADDRESS_ERROR_RESPONSE;
  trans.set_response_status(status);
  if (status != tlm::TLM_OK_RESPONSE)
    return;
  if (trans.is_read())
    store_le(trans.get_data_ptr(), 4, read_reg(addr, !debug));
  else
    write_reg(addr, uint32_t(load_le(trans.get_data_ptr(), 4)));
}

uint32_t Plic::read_reg(uint64_t addr, bool side_effects)
{
  if (addr < kPending) {
    uint64_t src = addr / 4;
    return src < kSources ? m_priority[src] : 0;
  }
  if (addr == kPending)
    return m_pending;
  if (addr >= kEnable && addr < kContext) {
    uint64_t ctx = (addr - kEnable) / kEnableStride;
    return ctx < contexts() && (addr - kEnable) % kEnableStride == 0 ? m_enable[ctx] : 0;
  }
  if (addr >= kContext) {
    uint64_t ctx = (addr - kContext) / kContextStride;
    uint64_t reg = (addr - kContext) % kContextStride;
    if (ctx >= contexts())
      return 0;
    if (reg == 0)
      return m_threshold[ctx];
    if (reg == 4)
      return side_effects ? claim(unsigned(ctx)) : best(unsigned(ctx));
  }
  return 0;
}

void Plic::write_reg(uint64_t addr, uint32_t value)
{
  if (addr < kPending) {
    uint64_t src = addr / 4;
    if (src != 0 && src < kSources) {
      m_priority[src] = value & kPrioMask;
      update();
    }
    return;
  }
  if (addr >= kEnable && addr < kContext) {
    uint64_t ctx = (addr - kEnable) / kEnableStride;
    if (ctx < contexts() && (addr - kEnable) % kEnableStride == 0) {
      m_enable[ctx] = value;
      update();
    }
    return;
  }
  if (addr >= kContext) {
    uint64_t ctx = (addr - kContext) / kContextStride;
    uint64_t reg = (addr - kContext) % kContextStride;
    if (ctx >= contexts())
      return;
    if (reg == 0) {
      m_threshold[ctx] = value & kPrioMask;
      update();
    } else if (reg == 4) {
      complete(unsigned(ctx), value);
    }
  }
  // The pending array is read-only.
}

unsigned Plic::best(unsigned ctx) const
{
  uint32_t candidates = m_pending & m_enable[ctx] & ~m_claimed;
  unsigned id = 0;
  uint32_t prio = m_threshold[ctx];
  for (unsigned src = 1; src < kSources; ++src) {
    if ((candidates >> src & 1) && m_priority[src] > prio) {
      id = src;
      prio = m_priority[src];
    }
  }
  return id;
}

unsigned Plic::claim(unsigned ctx)
{
  unsigned id = best(ctx);
  if (!id) {
    ++m_claims_none;
    return 0;
  }
  m_pending &= ~(1u << id);
  m_claimed |= 1u << id;
  if (m_claims[id])
    ++*m_claims[id];
  update();
  return id;
}

void Plic::complete(unsigned ctx, uint32_t id)
{
  if (id == 0 || id >= kSources)
    return;
  uint32_t bit = 1u << id;
  if (!(m_enable[ctx] & bit) || !(m_claimed & bit))
    return;
  m_claimed &= ~bit;
  // The qemu gateway latched whatever the device signalled meanwhile; it does not look at
  // the line again.
  if (m_gateway == Gateway::kLevel && (m_level & bit))
    m_pending |= bit;
  update();
}

void Plic::update()
{
  for (unsigned ctx = 0, n = contexts(); ctx < n; ++ctx) {
    bool out = best(ctx) != 0;
    if (out == m_out[ctx])
      continue;
    m_out[ctx] = out;
    if (m_waves)
      m_waves->set(m_wave_context[ctx], out);
    if (cpu::IrqTarget* hart = m_hart[ctx / 2])
      hart->set_irq_line(context_bit(ctx), out);
  }
}

void Plic::save_state(nlohmann::json& j) const
{
  const unsigned n = contexts();
  j["priority"] = m_priority;
  j["level"] = m_level;
  j["pending"] = m_pending;
  j["claimed"] = m_claimed;
  j["enable"] = std::vector<uint32_t>(m_enable.begin(), m_enable.begin() + n);
  j["threshold"] = std::vector<uint32_t>(m_threshold.begin(), m_threshold.begin() + n);
  j["out"] = std::vector<bool>(m_out.begin(), m_out.begin() + n);
}

// Restored after the devices (whose lines set m_level) and before the hart (which holds
// what the outputs drive).
void Plic::restore_state(const common::StateIn& in)
{
  // Another hart count is named as such (before anything is restored); any other bad array
  // gets get_array's message.
  const unsigned n = contexts();
  const size_t saved =
      in.has("enable") && in.json().at("enable").is_array() ? in.json().at("enable").size() : n;
  if (saved != n && saved % 2 == 0 && saved >= 2 && saved <= kContexts)
    in.bad("enable", "holds the " + std::to_string(saved) + " contexts of " +
                         harts_text(saved / 2) + ", this machine has " + std::to_string(n) + " (" +
                         harts_text(n / 2) +
                         "): restore with cpu.harts=" + std::to_string(saved / 2));
  in.get_array("priority", m_priority.data(), kSources);
  m_level = in.get<uint32_t>("level");
  m_pending = in.get<uint32_t>("pending");
  m_claimed = in.get<uint32_t>("claimed");
  in.get_array("enable", m_enable.data(), n);
  in.get_array("threshold", m_threshold.data(), n);
  in.get_array("out", m_out.data(), n);
}

}  // namespace vmplat::periph
