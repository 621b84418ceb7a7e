// bus::Router: the address decoder between initiators (hart, page-table walker, virtio DMA,
// HTIF) and targets (DRAM, devices). Loosely timed and zero-latency: it only decodes.
//
//   tsock  multi_passthrough_target_socket    any number of initiators
//   isock  multi_passthrough_initiator_socket one binding per target, in map() order
//
// Targets see target-local addresses (global - base); the router restores the global address
// before returning. An address in no range, or an access that runs past the end of its
// range, gets TLM_ADDRESS_ERROR_RESPONSE (the hart raises an access fault). DMI grants are
// translated back to global addresses and clipped to the target's range; invalidations from
// a target reach every initiator in global addresses.
//
// Statistics: <name>.decode_errors.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <systemc>
#include <tlm>

#include "models/common/stats.h"

namespace vmplat::bus {

class Router : public sc_core::sc_module {
 public:
  tlm_utils::multi_passthrough_target_socket<Router> tsock;
  tlm_utils::multi_passthrough_initiator_socket<Router> isock;

  explicit Router(sc_core::sc_module_name name);

  // Declares the range of the next target bound to isock (the i-th call describes the i-th
  // binding). Empty or overlapping ranges, and ranges past 2^64, are std::logic_error.
  void map(uint64_t base, uint64_t size, const std::string& name);

  struct Range {
    uint64_t base;
    uint64_t size;
    std::string name;
    unsigned port;  // index into isock
  };
  // Called after every write that went through (b_transport with an OK response, or
  // transport_dbg), with its global address and length: the platform drops the harts'
  // decoded code and LR reservations there (cpu/hart_group.h).
  void set_write_observer(std::function<void(uint64_t addr, uint64_t len)> observer)
  {
    m_write_observer = std::move(observer);
  }

  // The ranges sorted by base address (for the platform's memory-map printout).
  const std::vector<Range>& ranges() const { return m_ranges; }

 private:
  void end_of_elaboration() override;
  void rebuild_port_index();

  void b_transport(int id, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned int transport_dbg(int id, tlm::tlm_generic_payload& trans);
  bool get_direct_mem_ptr(int id, tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
  void invalidate_direct_mem_ptr(int port, sc_dt::uint64 start, sc_dt::uint64 end);

  // The range holding [addr, addr + len), or nullptr (a hole, or an access crossing the
  // end of a range).
  const Range* decode(uint64_t addr, uint64_t len) const;
  // The range containing addr, or nullptr.
  const Range* find(uint64_t addr) const;

  std::vector<Range> m_ranges;      // sorted by base
  std::vector<unsigned> m_by_port;  // isock index -> index into m_ranges
  common::Counter& m_decode_errors;
  std::function<void(uint64_t, uint64_t)> m_write_observer;
};

}  // namespace vmplat::bus
