// periph::Htif: the riscv-tests host interface. Programs built for Spike report their result
// through two 64-bit mailboxes in DRAM, the ELF symbols `tohost` and `fromhost`; the
// platform finds them and calls set_mailboxes(). Without mailboxes the device does nothing.
//
// The hart writes DRAM through DMI, which no TLM target sees, so an SC_THREAD polls tohost
// with debug transport every <name>.poll_ns (default 1000) ns of simulated time. A non-zero
// tohost value v is a command for device v >> 56, command (v >> 48) & 0xff:
// | device | command | meaning                                                              |
// |--------|---------|----------------------------------------------------------------------|
// | 0      | v bit 0 | exit: code v >> 1 (0 = pass); the run stops with that exit code      |
// | 0      | bit 0=0 | syscall: v points at magic_mem[8]; SYS_write (64) to fd 1 or 2 is    |
// |        |         | printed and returns the length, others return -ENOSYS (warned once); |
// |        |         | the result goes to magic_mem[0] and fromhost = 1                     |
// | 1      | 1       | console: print the character v & 0xff; fromhost = (1<<56) | (1<<48)  |
// | other  | other   | ignored, warned once                                                  |
// After each command tohost is cleared.
//
// Configuration: <name>.poll_ns. No statistics.
#pragma once

#include <cstdint>
#include <ostream>

#include <tlm_utils/simple_initiator_socket.h>
#include <systemc>
#include <tlm>

namespace vmplat::periph {

class Htif : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<Htif> isock;

  SC_HAS_PROCESS(Htif);
  explicit Htif(sc_core::sc_module_name name);

  // Physical addresses of the mailboxes; fromhost may be 0 (absent). Call before sc_start.
  void set_mailboxes(uint64_t tohost, uint64_t fromhost);
  uint64_t tohost() const { return m_tohost; }
  uint64_t fromhost() const { return m_fromhost; }
  // A run restored from a checkpoint at `t`: polling goes on from there on the same grid
  // of poll periods as from time 0 (call before sc_start).
  void set_resume_time(const sc_core::sc_time& t) { m_resume = t; }
  // Where console characters go (the UART's output, so both consoles interleave right);
  // std::cout until set.
  void set_output(std::ostream* out);

 private:
  void poll_thread();
  void handle(uint64_t value);
  void syscall(uint64_t magic_mem);
  // Debug accesses to guest memory; false (and a warning) when the address does not decode.
  bool debug_access(tlm::tlm_command cmd, uint64_t addr, unsigned char* data, unsigned len);
  bool read64(uint64_t addr, uint64_t& value);
  bool write64(uint64_t addr, uint64_t value);
  void warn_once(bool& warned, const std::string& msg);

  uint64_t m_tohost = 0;
  uint64_t m_fromhost = 0;
  std::ostream* m_out;
  sc_core::sc_time m_poll;
  sc_core::sc_time m_resume;
  bool m_warned_command = false;
  bool m_warned_syscall = false;
};

}  // namespace vmplat::periph
