// An empty virtio-mmio slot, as QEMU's virt machine shows its unused ones: the identity
// registers read as a virtio device with DeviceID 0 ("no device", virtio spec 1.1 4.2.2),
// everything else reads as zero and ignores writes. Drivers probe all eight slots alike.
//
//   offset  name        value
//   0x000   MagicValue  0x74726976 ("virt")
//   0x004   Version     2 (1 with legacy = true)
//   0x008   DeviceID    0
//   0x00c   VendorID    0x554d4551 ("QEMU")
#pragma once

#include <cstdint>
#include <cstring>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

namespace vmplat::storage {

class VirtioEmptySlot : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<VirtioEmptySlot> tsock;

  VirtioEmptySlot(sc_core::sc_module_name name, bool legacy)
      : sc_module(name), tsock("tsock"), m_version(legacy ? 1 : 2)
  {
    tsock.register_b_transport(this, &VirtioEmptySlot::b_transport);
    tsock.register_transport_dbg(this, &VirtioEmptySlot::transport_dbg);
  }

 private:
  void b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time&) { transport_dbg(t); }
  unsigned transport_dbg(tlm::tlm_generic_payload& t)
  {
    const unsigned len = t.get_data_length();
    if (t.is_read()) {
      uint32_t v = 0;
      switch (t.get_address()) {
        case 0x000: v = 0x74726976; break;
        case 0x004: v = m_version; break;
        case 0x00c: v = 0x554d4551; break;
      }
      std::memset(t.get_data_ptr(), 0, len);
      std::memcpy(t.get_data_ptr(), &v, len < 4 ? len : 4);
    }
    t.set_response_status(tlm::TLM_OK_RESPONSE);
    return len;
  }

  uint32_t m_version;
};

}  // namespace vmplat::storage
