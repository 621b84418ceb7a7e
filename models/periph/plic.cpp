#include "models/periph/plic.h"

#include "models/common/config.h"
#include "models/cpu/riscv.h"
#include "models/periph/mmio.h"

namespace vmplat::periph {

namespace {

constexpr uint32_t kPrioMask = 7;
constexpr unsigned kContextBit[Plic::kContexts] = {cpu::irq::kMEI, cpu::irq::kSEI};

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
  m_hart = &hart;
  for (unsigned ctx = 0; ctx < kContexts; ++ctx) m_hart->set_irq_line(kContextBit[ctx], m_out[ctx]);
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
  const char* const contexts[kContexts] = {"m", "s"};
  for (unsigned ctx = 0; ctx < kContexts; ++ctx)
    m_wave_context[ctx] = waves.add(std::string("plic.context.") + contexts[ctx], 1, m_out[ctx]);
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
    return ctx < kContexts && (addr - kEnable) % kEnableStride == 0 ? m_enable[ctx] : 0;
  }
  if (addr >= kContext) {
    uint64_t ctx = (addr - kContext) / kContextStride;
    uint64_t reg = (addr - kContext) % kContextStride;
    if (ctx >= kContexts)
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
    if (ctx < kContexts && (addr - kEnable) % kEnableStride == 0) {
      m_enable[ctx] = value;
      update();
    }
    return;
  }
  if (addr >= kContext) {
    uint64_t ctx = (addr - kContext) / kContextStride;
    uint64_t reg = (addr - kContext) % kContextStride;
    if (ctx >= kContexts)
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
  for (unsigned ctx = 0; ctx < kContexts; ++ctx) {
    bool out = best(ctx) != 0;
    if (out == m_out[ctx])
      continue;
    m_out[ctx] = out;
    if (m_waves)
      m_waves->set(m_wave_context[ctx], out);
    if (m_hart)
      m_hart->set_irq_line(kContextBit[ctx], out);
  }
}

void Plic::save_state(nlohmann::json& j) const
{
  j["priority"] = m_priority;
  j["level"] = m_level;
  j["pending"] = m_pending;
  j["claimed"] = m_claimed;
  j["enable"] = m_enable;
  j["threshold"] = m_threshold;
  j["out"] = m_out;
}

// Restored after the devices (whose lines set m_level) and before the hart (which holds
// what the outputs drive).
void Plic::restore_state(const common::StateIn& in)
{
  in.get_array("priority", m_priority.data(), kSources);
  m_level = in.get<uint32_t>("level");
  m_pending = in.get<uint32_t>("pending");
  m_claimed = in.get<uint32_t>("claimed");
  in.get_array("enable", m_enable.data(), kContexts);
  in.get_array("threshold", m_threshold.data(), kContexts);
  in.get_array("out", m_out.data(), kContexts);
}

}  // namespace vmplat::periph
