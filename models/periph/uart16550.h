// periph::Uart16550: the console of the virt machine (0x1000_0000, PLIC source 10).
//
// Registers (byte-wide, offsets from the base; DLAB = LCR bit 7):
// | off | read          | write          | reset | notes                                   |
// |-----|---------------|----------------|-------|-----------------------------------------|
// | 0   | RBR           | THR            | 0     | DLAB=1: DLL (divisor latch low)         |
// | 1   | IER           | IER            | 0     | DLAB=1: DLM; 0 ERBFI 1 ETBEI 2 ELSI 3 EDSSI |
// | 2   | IIR           | FCR            | 0x01  | IIR bits 7:6 = 11 when FIFOs enabled    |
// | 3   | LCR           | LCR            | 0     |                                         |
// | 4   | MCR           | MCR            | 0x08  | OUT2 set as on QEMU; bit 4 loopback     |
// | 5   | LSR           | (ignored)      | 0x60  | 0 DR, 5 THRE, 6 TEMT                    |
// | 6   | MSR           | (ignored)      | 0xb0  | DCD, DSR, CTS asserted; loopback: MCR   |
// | 7   | SCR           | SCR            | 0     | scratch                                 |
// A wider access reaches the one register at its offset: reads are zero-extended, writes
// use the low byte (as QEMU 7.2 does).
//
// Transmit is immediate: a THR write goes to the output and THR is empty again at once, so
// LSR.THRE|TEMT stay set. Received bytes go to RBR or, while FCR enables the FIFOs, to a
// 16-byte receive FIFO; the input is polled every rx_poll_us of simulated time while there
// is room, one byte per poll. The data-available interrupt ignores the FIFO trigger level
// (FCR bits 7:6) and there is no character-timeout interrupt: it is raised with the first
// byte, where a 16550 (and QEMU) waits for the trigger level or 4 character times.
//
// Interrupts, by IIR priority (16550 datasheet, IIR table; the same as QEMU's serial):
// | IIR  | cause          | condition          | cleared by                                  |
// | 0x06 | line status    | IER.2 and LSR.OE   | reading LSR                                 |
// | 0x04 | data available | IER.0 and LSR.DR   | reading the last byte, FCR RX reset         |
// | 0x02 | THR empty      | IER.1 and pending  | reading IIR while it shows 0x02, writing THR|
// THR-empty becomes pending when THR empties (after every THR write, as transmission is
// immediate), when IER.1 goes from 0 to 1 (THR is always empty), and when FCR resets the
// transmit FIFO (bit 2, or a change of bit 0), as on QEMU. Modem-status interrupts never
// occur: the modem lines do not change outside loopback. The line follows "IIR bit 0 is 0"
// and is signalled (common::IrqLine) at the points where QEMU's serial re-evaluates it:
// RBR reads, IIR reads that acknowledge THR-empty, LSR reads that clear an error, IER
// writes that change IER, FCR and THR writes, received bytes.
//
// Configuration: <name>.output ("stdout" or a file path), <name>.input ("stdin", "none" or
// a file path; a terminal is read a key at a time, common::TerminalInput), <name>.rx_poll_us
// (100), <name>.terminal_keys: what the keys of a terminal input do, "vmplat" (Ctrl-C ends
// and Ctrl-Z suspends vmplat) or "qemu" (as qemu-system's -nographic console: Ctrl-C, Ctrl-Z
// and Ctrl-\ are bytes for the guest; Ctrl-A is an escape: Ctrl-A x ends the run with
// kConsoleExitCode, Ctrl-A Ctrl-A sends one Ctrl-A, Ctrl-A h lists these, any other key
// after Ctrl-A is dropped). Statistics: <name>.tx_bytes, <name>.rx_bytes.
#pragma once

#include <array>
#include <cstdint>
#include <fstream>
#include <memory>
#include <ostream>
#include <string>

#include <tlm_utils/simple_target_socket.h>
#include <systemc>
#include <tlm>

#include "models/common/state.h"
#include "models/common/irq.h"
#include "models/common/stats.h"
#include "models/common/terminal.h"

namespace vmplat::periph {

class Uart16550 : public sc_core::sc_module {
 public:
  static constexpr uint64_t kSize = 0x100;
  // The exit code of a run ended with Ctrl-A x (terminal_keys=qemu).
  static constexpr int kConsoleExitCode = 96;

  tlm_utils::simple_target_socket<Uart16550> tsock;
  common::IrqLine irq;

  SC_HAS_PROCESS(Uart16550);
  explicit Uart16550(sc_core::sc_module_name name);
  ~Uart16550() override;

  // Redirects transmitted bytes (tests; nullptr restores the configured output).
  void set_output(std::ostream* out);
  // A run restored from a checkpoint at `t`: input is polled from there on the same grid of
  // poll periods as from time 0 (call before sc_start).
  void set_resume_time(const sc_core::sc_time& t) { m_resume = t; }
  // Where transmitted bytes go; the HTIF console prints to the same stream.
  std::ostream* output() const { return m_out; }
  // Checkpoints (docs/checkpoints.md): the registers and internal state into `j`, and back.
  void save_state(nlohmann::json& j) const;
  void restore_state(const common::StateIn& in);

 private:
  enum Reg : unsigned { kRbrThr = 0, kIer, kIirFcr, kLcr, kMcr, kLsr, kMsr, kScr };

  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& trans);
  void access(tlm::tlm_generic_payload& trans, bool debug);
  uint8_t read_reg(unsigned reg, bool side_effects);
  void write_reg(unsigned reg, uint8_t value);
  void transmit(uint8_t byte);
  void receive(uint8_t byte);
  uint8_t read_rbr(bool side_effects);
  bool rx_room() const;  // whether the input may deliver a byte now
  uint8_t iir() const;
  void update_irq();
  void rx_thread();
  int read_input_byte();  // next input byte, -1 if none yet, -2 at end of input
  int escape(int byte);   // terminal_keys=qemu: what reaches the guest of the byte typed

  uint8_t m_rbr = 0, m_ier = 0, m_lcr = 0, m_mcr = 0x08, m_lsr = 0x60, m_scr = 0;
  uint8_t m_fcr = 0, m_dll = 0, m_dlm = 0;
  bool m_thr_ipending = false;
  static constexpr unsigned kFifoSize = 16;
  std::array<uint8_t, kFifoSize> m_rx_fifo{};
  unsigned m_rx_head = 0, m_rx_count = 0;

  std::ostream* m_out;
  std::ostream* m_configured_out;
  std::ofstream m_out_file;
  int m_in_fd = -1;  // -1: no input
  bool m_in_is_stdin = false;
  std::unique_ptr<common::TerminalInput> m_terminal;  // when the input is a terminal
  bool m_qemu_keys = false;    // terminal_keys=qemu, and the input is a terminal
  bool m_escape_seen = false;  // the last key was Ctrl-A
  bool m_out_unflushed = false;  // bytes since the last newline, e.g. a shell's prompt
  sc_core::sc_time m_rx_poll;
  sc_core::sc_time m_resume;

  common::Counter& m_tx_bytes;
  common::Counter& m_rx_bytes;
};

}  // namespace vmplat::periph
