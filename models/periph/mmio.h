// Shared plumbing of the memory-mapped devices: checking an MMIO payload and moving
// little-endian register values in and out of it. Devices answer what they cannot do
// (byte enables, a width or alignment the register does not have) with an error response,
// which the hart turns into an access fault, as QEMU does for invalid MMIO accesses.
#pragma once

#include <cstdint>

#include <tlm>

namespace vmplat::periph {

// Bit i set in `widths` allows accesses of 2^i bytes (kWidth1 | kWidth4 ...).
constexpr unsigned kWidth1 = 1, kWidth2 = 2, kWidth4 = 4, kWidth8 = 8;

// OK, or the error response to return, for an access of the allowed widths that must be
// naturally aligned.
inline tlm::tlm_response_status check_mmio(const tlm::tlm_generic_payload& trans, unsigned widths)
{
  if (trans.get_byte_enable_ptr())
    return tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE;
  unsigned len = trans.get_data_length();
  if (len == 0 || len > 8 || (len & (len - 1)) || !(widths & len) ||
      trans.get_streaming_width() < len)
    return tlm::TLM_BURST_ERROR_RESPONSE;
  if (trans.get_address() & (len - 1))
    return tlm::TLM_ADDRESS_ERROR_RESPONSE;
  return tlm::TLM_OK_RESPONSE;
}

inline uint64_t load_le(const unsigned char* p, unsigned len)
{
  uint64_t v = 0;
  for (unsigned i = 0; i < len; ++i) v |= uint64_t(p[i]) << (8 * i);
  return v;
}

inline void store_le(unsigned char* p, unsigned len, uint64_t v)
{
  for (unsigned i = 0; i < len; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
}

}  // namespace vmplat::periph
