// periph::Finisher: the SiFive test device of the virt machine (0x0010_0000), through which
// firmware ends the run with an exit code.
//
// | offset | name   | access | meaning of a 32-bit (or 16-bit) write                      |
// |--------|--------|--------|------------------------------------------------------------|
// | 0x0    | finish | w      | 0x5555: pass, exit 0                                       |
// |        |        |        | (code << 16) \| 0x3333: fail, exit code (code 0 -> exit 1) |
// |        |        |        | 0x7777: reboot request: stop, exit 93 with a message       |
// |        |        |        | anything else: ignored with a warning                      |
// Reads return 0; other offsets ignore writes. Accesses are 2 or 4 bytes, aligned.
#pragma once

#include <cstdint>

#include <tlm_utils/simple_target_socket.h>
#include <systemc>
#include <tlm>

namespace vmplat::periph {

class Finisher : public sc_core::sc_module {
 public:
  static constexpr uint64_t kSize = 0x1000;
  static constexpr uint32_t kPass = 0x5555, kFail = 0x3333, kReset = 0x7777;
  // The exit code of a reboot request (Linux's syscon-reboot writes kReset): vmplat does
  // not restart the platform, it stops and says why, with a code no other ending uses.
  static constexpr int kResetExitCode = 93;

  tlm_utils::simple_target_socket<Finisher> tsock;

  explicit Finisher(sc_core::sc_module_name name);

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& trans);
  void access(tlm::tlm_generic_payload& trans);
  void finish(uint32_t value);
};

}  // namespace vmplat::periph
