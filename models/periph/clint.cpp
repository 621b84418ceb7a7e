#include "models/periph/clint.h"

#include "models/common/time.h"
#include "models/cpu/riscv.h"
#include "models/periph/mmio.h"

namespace vmplat::periph {

Clint::Clint(sc_core::sc_module_name name) : sc_core::sc_module(name), tsock("tsock")
{
  tsock.register_b_transport(this, &Clint::b_transport);
  tsock.register_transport_dbg(this, &Clint::transport_dbg);
}

void Clint::bind_hart(cpu::IrqTarget& hart)
{
  m_hart = &hart;
  m_hart->set_irq_line(cpu::irq::kMSI, m_msip);
  m_hart->set_mtimecmp(m_mtimecmp);
}

void Clint::set_waves(common::WaveRecorder& waves)
{
  m_waves = &waves;
  m_wave_mtimecmp = waves.add("clint.mtimecmp", 64, m_mtimecmp);
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

  unsigned char* data = trans.get_data_ptr();
  // A 64-bit register seen through this access: its value and the access's bit offset in it.
  auto window = [&](uint64_t reg_addr, uint64_t& shift) {
    if (addr < reg_addr || addr + len > reg_addr + 8)
      return false;
    shift = 8 * (addr - reg_addr);
    return true;
  };
  uint64_t mask = len == 8 ? ~uint64_t(0) : 0xffff'ffffull;
  uint64_t shift = 0;

  if (trans.is_read()) {
    uint64_t v = 0;
    if (addr == kMsip)
      v = m_msip;
    else if (window(kMtimecmp, shift))
      v = m_mtimecmp >> shift;
    else if (window(kMtime, shift))
      v = common::mtime_at(sc_core::sc_time_stamp() + delay) >> shift;
    store_le(data, len, v & mask);
    return;
  }

  uint64_t v = load_le(data, len);
  if (addr == kMsip) {
    m_msip = v & 1;
    if (m_hart)
      m_hart->set_irq_line(cpu::irq::kMSI, m_msip);
  } else if (window(kMtimecmp, shift)) {
    m_mtimecmp = (m_mtimecmp & ~(mask << shift)) | ((v & mask) << shift);
    if (m_waves)
      m_waves->set(m_wave_mtimecmp, m_mtimecmp, sc_core::sc_time_stamp() + delay);
    if (m_hart)
      m_hart->set_mtimecmp(m_mtimecmp);
  }
  // mtime is read-only here (see the register table); other offsets ignore writes.
}

void Clint::save_state(nlohmann::json& j) const
{
  j["msip"] = m_msip;
  j["mtimecmp"] = m_mtimecmp;
}

// The hart's own state holds what these drive (mip.MSIP, mtimecmp): it is restored after.
void Clint::restore_state(const common::StateIn& in)
{
  m_msip = in.get<bool>("msip");
  m_mtimecmp = in.get<uint64_t>("mtimecmp");
}

}  // namespace vmplat::periph
