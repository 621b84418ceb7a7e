// debug::GdbServer: a GDB remote-serial-protocol server for the hart (GDB manual, appendix
// "Remote Serial Protocol"), listening on the loopback interface only.
//
// How it runs: the server never has a thread of its own. While the hart runs, the hart asks
// wants_stop() every few quanta, which polls the sockets without blocking (a new client, or
// Ctrl-C from the attached one, stops the hart). While the hart is stopped, its SystemC
// thread is inside stopped(), which serves packets until GDB continues, steps, detaches or
// kills. Simulated time stands still meanwhile, so a debugger changes nothing a run
// computes (docs/debugging.md).
//
// What GDB gets
//   registers  x0-x31 and pc (g/G/p/P), the CSRs and the privilege level ("priv") through
//              a target description (qXfer:features:read), so `info registers mstatus` and
//              `p $satp` work
//   memory     m/M/X by virtual address, translated in the hart's current address space
//              (satp, privilege, MPRV) without any side effect and without permission
//              checks; where that finds no mapping, or after `monitor phys on`, the address
//              is physical
//   stops      breakpoints (Z0, Z1: both compared with pc, memory is never patched),
//              watchpoints (Z2 write, Z3 read, Z4 access; reported before the access),
//              single step (s, vCont;s: one instruction, or into a trap's handler),
//              continue, Ctrl-C, detach (D), kill (k, vKill)
//   monitor    help, tlb, translate, stats, phys (see kMonitorHelp in the .cpp)
//
// Robustness: a packet with a bad checksum is refused ('-' or an E reply without
// acknowledgements), a malformed or overlong one gets an E reply, a second client is
// refused while one is attached, and a client that goes away detaches: the run carries on.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/cpu/debug_if.h"
#include "models/cpu/hart.h"
#include "models/debug/rsp.h"
#include "models/mmu/mmu.h"

namespace vmplat::debug {

class GdbServer : public cpu::Debugger {
 public:
  // The process exit code when the debugger kills the run.
  static constexpr int kKilledExitCode = 92;

  // Listens on 127.0.0.1:port (0: a free port the system picks) and attaches to the hart;
  // with halt_at_reset the hart waits for a debugger before its first instruction.
  // common::UserError when the port cannot be opened. mmu may be null.
  GdbServer(cpu::Hart& hart, mmu::Mmu* mmu, uint16_t port, bool halt_at_reset);
  ~GdbServer() override;

  uint16_t port() const { return m_port; }
  // Whether a debugger is connected.
  bool attached() const { return m_client_fd >= 0; }
  // The run ended with this exit code: an attached debugger that waits for the hart is
  // told the program exited (W packet); then the sockets close.
  void finished(int exit_code);

  cpu::Resume stopped(const cpu::StopEvent& event) override;
  bool wants_stop() override;

 private:
  enum class Action : uint8_t { kNone, kContinue, kStep, kDetach, kKill };

  bool wait_for_client();
  void adopt_client(int fd);
  void drop_client(const std::string& why);
  void refuse_pending_client();
  // Blocks until a packet arrives; false when the client went away.
  bool next_packet(std::string& packet);
  void send_packet(const std::string& payload);
  void send_raw(const std::string& bytes);
  std::string stop_reply() const;

  Action handle(const std::string& packet);
  std::string handle_query(const std::string& packet);
  std::string read_registers() const;
  std::string write_registers(const std::string& args);
  std::string read_register(const std::string& args) const;
  std::string write_register(const std::string& args);
  bool read_reg(unsigned regno, uint64_t& value) const;
  bool write_reg(unsigned regno, uint64_t value);
  std::string read_memory(const std::string& args);
  std::string write_memory(const std::string& args, bool binary);
  std::string breakpoint(const std::string& packet);
  Action resume(const std::string& packet);
  std::string monitor(const std::string& command);
  std::string xfer_features(const std::string& annex, const std::string& range) const;

  // Debugger memory access by virtual address (see the header comment); returns the bytes
  // done, stopping at the first that nothing answers.
  size_t access(uint64_t va, uint8_t* buf, size_t len, bool write);
  bool map(uint64_t va, uint64_t& pa) const;

  cpu::Hart& m_hart;
  mmu::Mmu* m_mmu;
  int m_listen_fd = -1;
  int m_client_fd = -1;
  uint16_t m_port = 0;
  RspDecoder m_decoder;
  std::vector<RspEvent> m_events;  // decoded, not handled yet
  size_t m_next_event = 0;
  std::string m_last_packet;       // framed, for a '-' from the peer
  bool m_ack_mode = true;
  bool m_swbreak = false, m_hwbreak = false;  // stop reasons the client understands
  bool m_reply_pending = false;    // GDB waits for a stop reply (it continued or stepped)
  bool m_phys = false;             // monitor phys on: memory addresses are physical
  bool m_interrupted = false;      // the current stop came from Ctrl-C
  cpu::StopEvent m_stop;           // the current (or last) stop
};

}  // namespace vmplat::debug
