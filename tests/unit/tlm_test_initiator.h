// Helpers for device unit tests: an initiator that issues real TLM transactions, a memory
// target, and fakes of the hart's interrupt inputs and of an interrupt controller, to
// observe what firmware would see (values read back, interrupt line levels, mtimecmp pushed
// to the hart).
//
// Usage: build the modules inside a TEST_CASE, bind, call elaborate() (sc_start of zero
// time: elaboration and initialisation), then issue accesses from the test body; devices
// never wait(), so b_transport may be called outside a process. sc_start(t) advances time.
#pragma once

#include <cstdint>
#include <cstring>
#include <map>
#include <vector>

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <systemc>
#include <tlm>

#include "models/common/config.h"
#include "models/common/irq.h"
#include "models/common/sim.h"
#include "models/common/stats.h"
#include "models/cpu/irq_if.h"

namespace vmplat::test {

// Fresh configuration, statistics and run state: call first in every TEST_CASE.
inline void reset_globals()
{
  common::config().reset();
  common::stats().reset();
  common::sim().reset();
}

inline void elaborate()
{
  sc_core::sc_start(sc_core::SC_ZERO_TIME);
}

class TestInitiator : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<TestInitiator> isock;

  explicit TestInitiator(sc_core::sc_module_name name) : sc_core::sc_module(name), isock("isock")
  {
    isock.register_invalidate_direct_mem_ptr(this, &TestInitiator::invalidate);
  }

  // A little-endian access of `len` bytes (1..8). The delay is the initiator's local time
  // offset, as a temporally decoupled hart passes it; `delay_out` receives what it became.
  tlm::tlm_response_status access(tlm::tlm_command cmd, uint64_t addr, unsigned len,
                                  uint64_t& value, sc_core::sc_time delay = sc_core::SC_ZERO_TIME,
                                  sc_core::sc_time* delay_out = nullptr)
  {
    uint8_t buf[8] = {};
    if (cmd == tlm::TLM_WRITE_COMMAND)
      std::memcpy(buf, &value, len);
    tlm::tlm_generic_payload trans;
    trans.set_command(cmd);
    trans.set_address(addr);
    trans.set_data_ptr(buf);
    trans.set_data_length(len);
    trans.set_streaming_width(len);
    trans.set_byte_enable_ptr(nullptr);
    trans.set_dmi_allowed(false);
    trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    isock->b_transport(trans, delay);
    last_address_after = trans.get_address();
    if (delay_out)
      *delay_out = delay;
    if (cmd == tlm::TLM_READ_COMMAND) {
      value = 0;
      std::memcpy(&value, buf, len);
    }
    return trans.get_response_status();
  }

  uint64_t read(uint64_t addr, unsigned len, sc_core::sc_time delay = sc_core::SC_ZERO_TIME)
  {
    uint64_t v = 0;
    last_status = access(tlm::TLM_READ_COMMAND, addr, len, v, delay);
    return v;
  }
  void write(uint64_t addr, unsigned len, uint64_t value,
             sc_core::sc_time delay = sc_core::SC_ZERO_TIME)
  {
    last_status = access(tlm::TLM_WRITE_COMMAND, addr, len, value, delay);
  }
  uint8_t read8(uint64_t addr) { return uint8_t(read(addr, 1)); }
  uint32_t read32(uint64_t addr) { return uint32_t(read(addr, 4)); }
  uint64_t read64(uint64_t addr) { return read(addr, 8); }
  void write8(uint64_t addr, uint8_t v) { write(addr, 1, v); }
  void write32(uint64_t addr, uint32_t v) { write(addr, 4, v); }
  void write64(uint64_t addr, uint64_t v) { write(addr, 8, v); }

  // Debug transport; returns the byte count the target reported.
  unsigned debug(tlm::tlm_command cmd, uint64_t addr, uint8_t* data, unsigned len)
  {
    tlm::tlm_generic_payload trans;
    trans.set_command(cmd);
    trans.set_address(addr);
    trans.set_data_ptr(data);
    trans.set_data_length(len);
    trans.set_streaming_width(len);
    trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    unsigned n = isock->transport_dbg(trans);
    last_status = trans.get_response_status();
    last_address_after = trans.get_address();
    return n;
  }

  bool get_dmi(uint64_t addr, tlm::tlm_dmi& dmi)
  {
    tlm::tlm_generic_payload trans;
    trans.set_command(tlm::TLM_READ_COMMAND);
    trans.set_address(addr);
    dmi.init();
    bool ok = isock->get_direct_mem_ptr(trans, dmi);
    last_address_after = trans.get_address();
    return ok;
  }

  tlm::tlm_response_status last_status = tlm::TLM_INCOMPLETE_RESPONSE;
  uint64_t last_address_after = 0;  // the payload's address when the call returned
  std::vector<std::pair<uint64_t, uint64_t>> invalidations;  // [start, end] received

 private:
  void invalidate(sc_dt::uint64 start, sc_dt::uint64 end) { invalidations.push_back({start, end}); }
};

// A memory target that records the target-local address it was last accessed at and grants
// DMI over [0, dmi_end] (inclusive; may exceed its size to test clipping by the router).
class Memory : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Memory> tsock;

  Memory(sc_core::sc_module_name name, size_t size)
      : sc_core::sc_module(name), tsock("tsock"), mem(size, 0), dmi_end(size - 1)
  {
    tsock.register_b_transport(this, &Memory::b_transport);
    tsock.register_transport_dbg(this, &Memory::transport_dbg);
    tsock.register_get_direct_mem_ptr(this, &Memory::get_direct_mem_ptr);
  }

  void invalidate(uint64_t start, uint64_t end) { tsock->invalidate_direct_mem_ptr(start, end); }
  uint64_t load64(uint64_t addr) const
  {
    uint64_t v;
    std::memcpy(&v, &mem.at(addr + 7) - 7, 8);
    return v;
  }
  void store64(uint64_t addr, uint64_t v) { std::memcpy(&mem.at(addr + 7) - 7, &v, 8); }

  std::vector<uint8_t> mem;
  uint64_t dmi_end;
  uint64_t last_addr = ~0ull;
  unsigned calls = 0;

 private:
  unsigned copy(tlm::tlm_generic_payload& t)
  {
    last_addr = t.get_address();
    ++calls;
    unsigned len = t.get_data_length();
    if (last_addr + len > mem.size()) {
      t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      return 0;
    }
    if (t.is_read())
      std::memcpy(t.get_data_ptr(), &mem[last_addr], len);
    else
      std::memcpy(&mem[last_addr], t.get_data_ptr(), len);
    t.set_response_status(tlm::TLM_OK_RESPONSE);
    return len;
  }
  void b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time&) { copy(t); }
  unsigned transport_dbg(tlm::tlm_generic_payload& t) { return copy(t); }
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& t, tlm::tlm_dmi& dmi)
  {
    last_addr = t.get_address();
    dmi.set_dmi_ptr(mem.data());
    dmi.set_start_address(0);
    dmi.set_end_address(dmi_end);
    dmi.allow_read_write();
    return true;
  }
};

// The hart's side of cpu::IrqTarget: records line levels and the last mtimecmp.
class FakeHart : public cpu::IrqTarget {
 public:
  void set_irq_line(unsigned bit, bool level) override
  {
    lines[bit] = level;
    ++line_calls;
  }
  void set_mtimecmp(uint64_t value) override
  {
    mtimecmp = value;
    ++mtimecmp_calls;
  }
  bool line(unsigned bit) const
  {
    auto it = lines.find(bit);
    return it != lines.end() && it->second;
  }

  std::map<unsigned, bool> lines;
  unsigned line_calls = 0;
  uint64_t mtimecmp = 0;
  unsigned mtimecmp_calls = 0;
};

// An interrupt controller input: records each line's level and how often it was signalled.
class FakeIrqSink : public common::IrqSink {
 public:
  void set_irq(unsigned line, bool level) override
  {
    levels[line] = level;
    ++signals[line];
  }
  bool level(unsigned line) const
  {
    auto it = levels.find(line);
    return it != levels.end() && it->second;
  }

  std::map<unsigned, bool> levels;
  std::map<unsigned, unsigned> signals;  // calls, also those repeating the level
};

}  // namespace vmplat::test
