// periph::Clint: the core-local interruptor of the virt machine (0x0200_0000), one hart.
//
// | offset | name     | width     | reset      | access                                    |
// |--------|----------|-----------|------------|-------------------------------------------|
// | 0x0000 | msip     | 32        | 0          | rw, bit 0 only; drives mip.MSIP           |
// | 0x4000 | mtimecmp | 64 or 32  | all ones   | rw; each write is pushed to the hart      |
// | 0xbff8 | mtime    | 64 or 32  | -          | read-only (writes ignored): 10 MHz clock  |
// Other offsets (other harts' msip and mtimecmp) read as zero and ignore writes. Accesses
// are 4 or 8 bytes (msip words: 4 only), naturally aligned; anything else is an error
// response, as on QEMU.
//
// mtime is derived from simulated time including the initiator's local offset (`delay`), so
// a temporally decoupled hart reads the time it is at, not the time of the last sync. The
// timer interrupt is not raised here: the hart compares its own mtime with the mtimecmp
// pushed through cpu::IrqTarget, which keeps MTIP exact under temporal decoupling.
#pragma once

#include <cstdint>

#include <tlm_utils/simple_target_socket.h>
#include <systemc>
#include <tlm>

#include "models/common/state.h"
#include "models/common/wave_recorder.h"
#include "models/cpu/irq_if.h"

namespace vmplat::periph {

class Clint : public sc_core::sc_module {
 public:
  static constexpr uint64_t kSize = 0x10000;
  static constexpr uint64_t kMsip = 0x0, kMtimecmp = 0x4000, kMtime = 0xbff8;

  tlm_utils::simple_target_socket<Clint> tsock;

  explicit Clint(sc_core::sc_module_name name);

  // The hart whose MSIP and mtimecmp this CLINT drives; pushes the current values at once.
  void bind_hart(cpu::IrqTarget& hart);

  uint64_t mtimecmp() const { return m_mtimecmp; }
  // Checkpoints (docs/checkpoints.md): the registers and internal state into `j`, and back.
  void save_state(nlohmann::json& j) const;
  void restore_state(const common::StateIn& in);

  // Records clint.mtimecmp in `waves`, each write at the time of the access.
  void set_waves(common::WaveRecorder& waves);

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& trans);
  void access(tlm::tlm_generic_payload& trans, const sc_core::sc_time& delay);

  cpu::IrqTarget* m_hart = nullptr;
  bool m_msip = false;
  uint64_t m_mtimecmp = ~uint64_t(0);
  common::WaveRecorder* m_waves = nullptr;
  unsigned m_wave_mtimecmp = 0;
};

}  // namespace vmplat::periph
