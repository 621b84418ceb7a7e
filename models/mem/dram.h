// mem::Dram: the platform's main memory as a TLM-2.0 target, with the bank/row timing of
// mem::DramTiming (DDR4-3200 by default).
//
// Addresses on tsock are local (0 .. size-1): the router subtracts the DRAM base. Host
// memory is one anonymous, lazily committed mapping, so a large `dram.size` costs host
// memory only for the pages the guest touches.
//
// Sockets
//   tsock  target: b_transport (through the timing model), transport_dbg (untimed, not
//          counted), get_direct_mem_ptr (DMI over the whole memory, end address inclusive,
//          at `fast_latency`; in timed mode only as timed DMI, common/timed_memory.h, to an
//          initiator that asks for it, unless dram.timed_dmi is false)
//
// Fast-forward (set_fast_forward; docs/exploration.md, "Fast-forward and sampling"): while
// it is on, the memory behaves as fast mode's DMI does whatever dram.mode says: DMI is
// granted plain at `fast_latency`, and b_transport (page walks, virtio DMA) takes
// `fast_latency` too without the bank/row model and without counting. Switching invalidates
// every DMI grant, so initiators ask again and get the grant of the new mode; when it ends,
// every row is closed (the bank state starts cold).
//
// Configuration (prefix = module name, "dram" on the platform; docs/memory.md has all)
//   dram.size          bytes  128M     dram.mode      fast | timed (fast)
//   dram.timed_dmi     true: timed mode grants timed DMI (same latencies and statistics)
//   dram.tCK           ns     0.625    dram.fast_latency  tCK  26 (DMI access latency)
//   dram.channels 1, dram.ranks 1, dram.bankgroups 4, dram.banks 4 (per group),
//   dram.row_bytes 8K, dram.burst_bytes 64,
//   dram.mapping "row:rank:bankgroup:bank:channel:column" (most significant first)
//   dram.tCL 22, dram.tRCD 22, dram.tRP 22, dram.tRAS 52, dram.tBURST 4,
//   dram.tREFI 12480, dram.tRFC 560           (tCK cycles; tREFI 0 = no refresh)
//
// Statistics (b_transport and timed DMI accesses; plain DMI accesses bypass the model and are
// not counted, nor is anything during a fast-forward)
//   dram.reads, dram.writes, dram.bytes_read, dram.bytes_written, dram.bursts
//   dram.row_hits, dram.row_misses, dram.row_conflicts, dram.row_hit_rate
//   dram.bank.<channel>.<rank>.<bankgroup>.<bank>.{row_hits,row_misses,row_conflicts}
//   dram.refresh_stalls, dram.refresh_stall_cycles, dram.latency (histogram, tCK)
//
// Errors: an access past the end is TLM_ADDRESS_ERROR_RESPONSE; a streaming width
// shorter than the data is TLM_BURST_ERROR_RESPONSE; byte enables are honoured.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "models/common/state.h"
#include "models/common/stats.h"
#include "models/common/timed_memory.h"
#include "models/mem/dram_timing.h"

namespace vmplat::mem {

class Dram : public sc_core::sc_module, public common::TimedMemory {
 public:
  tlm_utils::simple_target_socket<Dram> tsock;

  explicit Dram(sc_core::sc_module_name name);
  ~Dram() override;
  Dram(const Dram&) = delete;
  Dram& operator=(const Dram&) = delete;

  // The backing memory, for the ELF loader and tests (offset 0 = local address 0).
  uint8_t* host_ptr() { return m_mem; }
  uint64_t size() const { return m_size; }
  bool timed() const { return m_timed; }
  // Timed mode grants timed DMI (dram.timed_dmi).
  bool timed_dmi() const { return m_timed && m_timed_dmi; }
  sc_core::sc_time tck() const { return m_tck; }
  // Latency of a DMI access in fast mode (what DMI users are told).
  sc_core::sc_time fast_latency() const { return m_fast_latency; }
  const DramTiming& timing() const { return *m_timing; }
  DramTiming& timing() { return *m_timing; }
  // Fast-forward on or off (see the top of this file). Call it where no access is in
  // flight: at a quantum boundary (common/sim.h).
  void set_fast_forward(bool on);
  bool fast_forward() const { return m_fast_forward; }

  // The timing model for one access at local address `addr` (timed DMI, and b_transport):
  // advances the bank state, counts the access, returns when it is done.
  uint64_t timed_access(uint64_t addr, unsigned len, bool write, uint64_t at) override;

 private:
  void b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& tx);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& tx, tlm::tlm_dmi& dmi);
  // Copies data between the payload and memory, honouring byte enables. The range must
  // already be checked.
  void copy(tlm::tlm_generic_payload& tx, uint64_t addr, unsigned len);
  void declare_timing();

  std::string m_prefix;
  uint64_t m_size = 0;
  uint8_t* m_mem = nullptr;
  bool m_timed = false;
  bool m_timed_dmi = true;
  bool m_fast_forward = false;
  bool m_granted = false;  // some DMI grant is out: a switch must invalidate it
  sc_core::sc_time m_tck;
  sc_core::sc_time m_fast_latency;
  std::unique_ptr<DramTiming> m_timing;

  common::Counter& m_reads;
  common::Counter& m_writes;
  common::Counter& m_bytes_read;
  common::Counter& m_bytes_written;
  common::Counter& m_bursts;
  common::Counter& m_row_hits;
  common::Counter& m_row_misses;
  common::Counter& m_row_conflicts;
  common::Counter& m_refresh_stalls;
  common::Counter& m_refresh_stall_cycles;
  common::Histogram& m_latency;
};

}  // namespace vmplat::mem
