// Timed DMI: direct memory access that still takes a timing model's latency.
//
// Plain TLM-2.0 DMI bypasses the target's timing, so a timed memory refuses it and every
// access pays for a generic payload, the bus's address decoding and b_transport. With timed
// DMI the initiator reads and writes the memory through the DMI pointer and calls the
// target's timing model directly for each access: the same bank/row state machine, the
// same statistics, the same completion time as b_transport would give, without the
// transport around them (docs/memory.md, "Timed DMI").
//
// The initiator asks by attaching a TimedDmi extension to the payload of its
// get_direct_mem_ptr call; a target that supports it grants the DMI region and sets
// `memory`. From then on the initiator must call memory->timed_access for every access it
// makes through the pointer (debug accesses excepted): the call is what advances the
// model's state and counts the access.
#pragma once

#include <cstdint>

#include <systemc>
#include <tlm>

namespace vmplat::common {

class TimedMemory {
 public:
  // One access of `len` bytes at `offset` from the start of the granted DMI region,
  // arriving at simulation time `at` (the initiator's local time); returns the time its
  // last byte is done. Times are sc_time::value()s (units of the kernel's time
  // resolution): the hot path builds no sc_time. Statistics count it as a b_transport
  // access.
  virtual uint64_t timed_access(uint64_t offset, unsigned len, bool write, uint64_t at) = 0;

 protected:
  ~TimedMemory() = default;
};

struct TimedDmi : tlm::tlm_extension<TimedDmi> {
  TimedMemory* memory = nullptr;  // set by the target that grants timed DMI
  // The model instruction fetches take: the granting memory sets it to itself too; a data
  // cache between it and the initiator (mem::Cache) replaces `memory` only, so fetches keep
  // going to the memory (there is no instruction cache).
  TimedMemory* fetch_memory = nullptr;

  tlm::tlm_extension_base* clone() const override { return new TimedDmi(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override
  {
    memory = static_cast<const TimedDmi&>(other).memory;
    fetch_memory = static_cast<const TimedDmi&>(other).fetch_memory;
  }
};

}  // namespace vmplat::common
