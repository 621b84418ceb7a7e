// mem::Dram: the platform's main memory as a TLM-2.0 target.
//
// Addresses on tsock are local (0 .. size-1): the router subtracts the DRAM base. Host
// memory is one anonymous, lazily committed mapping, so a large `dram.size` costs host
// memory only for the pages the guest touches.
//
// Sockets
//   tsock  target: b_transport (timed), transport_dbg (untimed, no statistics),
//          get_direct_mem_ptr (DMI over the whole memory; end address inclusive)
//
// Configuration (prefix = module name, "dram" on the platform)
//   dram.size          bytes, default 128M       size of the memory
//   dram.tCK           ns, default 0.625         clock period (DDR4-3200)
//   dram.fast_latency  tCK, default 26           latency of every access (CL + burst:
//                                                a row-buffer hit)
//
// Statistics
//   dram.reads, dram.writes                      b_transport accesses (DMI accesses are
//   dram.bytes_read, dram.bytes_written          not seen by the model)
//
// Errors: an access past the end is TLM_ADDRESS_ERROR_RESPONSE; a streaming width
// shorter than the data is TLM_BURST_ERROR_RESPONSE; byte enables are honoured.
#pragma once

#include <cstdint>
#include <string>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "models/common/stats.h"

namespace vmplat::mem {

class Dram : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Dram> tsock;

  explicit Dram(sc_core::sc_module_name name);
  ~Dram() override;
  Dram(const Dram&) = delete;
  Dram& operator=(const Dram&) = delete;

  // The backing memory, for the ELF loader and tests (offset 0 = local address 0).
  uint8_t* host_ptr() { return m_mem; }
  uint64_t size() const { return m_size; }
  // Latency of one access in fast mode (also what DMI users are told).
  sc_core::sc_time fast_latency() const { return m_fast_latency; }

 private:
  void b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& tx);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& tx, tlm::tlm_dmi& dmi);
  // Copies data between the payload and memory, honouring byte enables. The range must
  // already be checked.
  void copy(tlm::tlm_generic_payload& tx, uint64_t addr, unsigned len);

  std::string m_prefix;
  uint64_t m_size = 0;
  uint8_t* m_mem = nullptr;
  sc_core::sc_time m_tck;
  sc_core::sc_time m_fast_latency;

  common::Counter& m_reads;
  common::Counter& m_writes;
  common::Counter& m_bytes_read;
  common::Counter& m_bytes_written;
};

}  // namespace vmplat::mem
