#include "models/periph/clint.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/common/time.h"
#include "models/cpu/riscv.h"
#include "models/periph/mmio.h"

namespace vmplat::periph {

namespace {

std::string harts_text(size_t n)
{
  return std::to_string(n) + (n == 1 ? " hart" : " harts");
}

}  // namespace

Clint::Clint(sc_core::sc_module_name name) : sc_core::sc_module(name), tsock("tsock")
{
  m_mtimecmp.fill(~uint64_t(0));
  tsock.register_b_transport(this, &Clint::b_transport);
  tsock.register_transport_dbg(this, &Clint::transport_dbg);
}

void Clint::bind_hart(cpu::IrqTarget& hart)
{
  // A hart bound again (a test bench's reset) keeps its number and gets its values again.
  const auto bound = m_hart.begin() + m_harts;
  const unsigned h = unsigned(std::find(m_hart.begin(), bound, &hart) - m_hart.begin());
  if (h == m_harts) {
    if (m_harts == kMaxHarts)
      throw std::logic_error(std::string(name()) + ": more than " + std::to_string(kMaxHarts) +
                             " harts bound");
    m_hart[m_harts++] = &hart;
    if (m_waves && m_wave_mtimecmp[h] == kNoWave)
      add_wave(h);
  }
  hart.set_irq_line(cpu::irq::kMSI, m_msip[h]);
  hart.set_mtimecmp(m_mtimecmp[h]);
}

void Clint::set_waves(common::WaveRecorder& waves)
{
  m_waves = &waves;
  m_wave_mtimecmp.fill(kNoWave);
  for (unsigned h = 0; h < slots(); ++h) add_wave(h);
}

// Hart 0's name has no number, so a one-hart machine's waves keep their name.
void Clint::add_wave(unsigned hart)
{
  m_wave_mtimecmp[hart] = m_waves->add(
      "clint.mtimecmp" + (hart ? std::to_string(hart) : std::string()), 64, m_mtimecmp[hart]);
}

void Clint::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay)
{
  access(trans, delay);
}

unsigned Clint::transport_dbg(tlm::tlm_generic_payload& trans)
{
  access(trans, sc_core::SC_ZERO_TIME);
  return trans.is_response_ok() ? trans.get_data_length() : 0;
}

void Clint::access(tlm::tlm_generic_payload& trans, const sc_core::sc_time& delay)
{
  auto status = check_mmio(trans, kWidth4 | kWidth8);
  uint64_t addr = trans.get_address();
  unsigned len = trans.get_data_length();
  if (status == tlm::TLM_OK_RESPONSE && addr >= kSize)
    status = tlm::TLM_ADDRESS_ERROR_RESPONSE;
  if (status == tlm::TLM_OK_RESPONSE && addr < kMtimecmp && len != 4)
    status = tlm::TLM_BURST_ERROR_RESPONSE;  // msip words are 32-bit only (QEMU faults too)
  trans.set_response_status(status);
  if (status != tlm::TLM_OK_RESPONSE)
    return;

  // Accesses are naturally aligned, so each lies inside one register: hart h's msip word,
  // hart h's mtimecmp or mtime (64-bit, the access at bit `shift` of it), or none.
  enum class Reg { kNone, kMsip, kMtimecmp, kMtime } reg = Reg::kNone;
  uint64_t hart = 0, shift = 0;
  if (addr < kMtimecmp) {
    reg = Reg::kMsip;
    hart = (addr - kMsip) / kMsipStride;
  } else if (addr < kMtime) {
    reg = Reg::kMtimecmp;
    hart = (addr - kMtimecmp) / kMtimecmpStride;
    shift = 8 * ((addr - kMtimecmp) % kMtimecmpStride);
  } else if (addr < kMtime + 8) {
    reg = Reg::kMtime;
    shift = 8 * (addr - kMtime);
  }
  if (reg != Reg::kMtime && hart >= slots())
    reg = Reg::kNone;
  unsigned char* data = trans.get_data_ptr();
  const uint64_t mask = len == 8 ? ~uint64_t(0) : 0xffff'ffffull;

  if (trans.is_read()) {
    uint64_t v = 0;
    if (reg == Reg::kMsip)
      v = m_msip[hart];
    else if (reg == Reg::kMtimecmp)
      v = m_mtimecmp[hart] >> shift;
    else if (reg == Reg::kMtime)
      v = common::mtime_at(sc_core::sc_time_stamp() + delay) >> shift;
    store_le(data, len, v & mask);
    return;
  }

  const uint64_t v = load_le(data, len);
  if (reg == Reg::kMsip) {
    m_msip[hart] = v & 1;
    if (m_hart[hart])
      m_hart[hart]->set_irq_line(cpu::irq::kMSI, m_msip[hart]);
  } else if (reg == Reg::kMtimecmp) {
    uint64_t& cmp = m_mtimecmp[hart];
    cmp = (cmp & ~(mask << shift)) | ((v & mask) << shift);
    if (m_waves)
      m_waves->set(m_wave_mtimecmp[hart], cmp, sc_core::sc_time_stamp() + delay);
    if (m_hart[hart])
      m_hart[hart]->set_mtimecmp(cmp);
  }
  // mtime is read-only here (see the register table); other offsets ignore writes.
}

// One hart keeps the layout of the single-hart CLINT, which existing checkpoints have.
void Clint::save_state(nlohmann::json& j) const
{
  const unsigned n = slots();
  if (n == 1) {
    j["msip"] = m_msip[0];
    j["mtimecmp"] = m_mtimecmp[0];
    return;
  }
  j["msip"] = std::vector<bool>(m_msip.begin(), m_msip.begin() + n);
  j["mtimecmp"] = std::vector<uint64_t>(m_mtimecmp.begin(), m_mtimecmp.begin() + n);
}

// The harts' own state holds what these drive (mip.MSIP, mtimecmp): it is restored after.
void Clint::restore_state(const common::StateIn& in)
{
  const unsigned harts = slots();
  // Another hart count is named as such; any other bad value gets StateIn's message.
  const nlohmann::json* msip = in.has("msip") ? &in.json().at("msip") : nullptr;
  const size_t saved = !msip ? harts : msip->is_array() ? msip->size() : 1;
  if (saved != harts && saved >= 1 && saved <= kMaxHarts)
    in.bad("msip", "holds the state of " + harts_text(saved) + ", this machine has " +
                       std::to_string(harts) + ": restore with cpu.harts=" + std::to_string(saved));
  if (harts == 1) {
    m_msip[0] = in.get<bool>("msip");
    m_mtimecmp[0] = in.get<uint64_t>("mtimecmp");
    return;
  }
  in.get_array("msip", m_msip.data(), harts);
  in.get_array("mtimecmp", m_mtimecmp.data(), harts);
}

}  // namespace vmplat::periph
