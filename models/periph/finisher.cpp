#include "models/periph/finisher.h"

#include <cstdio>
#include <string>

#include "models/common/sim.h"
#include "models/periph/mmio.h"

namespace vmplat::periph {

Finisher::Finisher(sc_core::sc_module_name name) : sc_core::sc_module(name), tsock("tsock")
{
  tsock.register_b_transport(this, &Finisher::b_transport);
  tsock.register_transport_dbg(this, &Finisher::transport_dbg);
}

void Finisher::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time&)
{
  access(trans);
}

unsigned Finisher::transport_dbg(tlm::tlm_generic_payload& trans)
{
  access(trans);
  return trans.is_response_ok() ? trans.get_data_length() : 0;
}

void Finisher::access(tlm::tlm_generic_payload& trans)
{
  auto status = check_mmio(trans, kWidth2 | kWidth4);
  if (status == tlm::TLM_OK_RESPONSE && trans.get_address() >= kSize)
    status = tlm::TLM_ADDRESS_ERROR_RESPONSE;
  trans.set_response_status(status);
  if (status != tlm::TLM_OK_RESPONSE)
    return;
  unsigned len = trans.get_data_length();
  if (trans.is_read())
    store_le(trans.get_data_ptr(), len, 0);
  else if (trans.get_address() == 0)
    finish(uint32_t(load_le(trans.get_data_ptr(), len)));
}

void Finisher::finish(uint32_t value)
{
  uint32_t status = value & 0xffff;
  uint32_t code = value >> 16;
  switch (status) {
    case kPass: common::sim().request_stop(0, "finisher: pass"); return;
    case kFail:
      // A failure must not read as success: QEMU also exits 1 for code 0.
      common::sim().request_stop(code ? int(code) : 1,
                                 "finisher: fail, code " + std::to_string(code));
      return;
    case kReset:
      common::sim().request_stop(kResetExitCode,
                                 "finisher: the guest requested a reboot; vmplat stops instead "
                                 "(exit code " + std::to_string(kResetExitCode) + ")");
      return;
    default: {
      char msg[80];
      std::snprintf(msg, sizeof msg,
                    "ignored write of 0x%08x (expected 0x5555, 0x3333 or 0x7777 "
                    "in the low half)",
                    value);
      SC_REPORT_WARNING(name(), msg);
    }
  }
}

}  // namespace vmplat::periph
