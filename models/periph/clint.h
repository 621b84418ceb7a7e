// periph::Clint: the core-local interruptor of the virt machine (0x0200_0000) for 1 to
// kMaxHarts harts, laid out as QEMU's virt CLINT (sifive_clint; ACLINT MSWI + MTIMER).
//
// | offset       | name        | width    | reset    | access                                |
// |--------------|-------------|----------|----------|---------------------------------------|
// | 0x0000 + 4*h | msip[h]     | 32       | 0        | rw, bit 0 only; drives hart h's MSIP  |
// | 0x4000 + 8*h | mtimecmp[h] | 64 or 32 | all ones | rw; each write is pushed to hart h    |
// | 0xbff8       | mtime       | 64 or 32 | -        | read-only (writes ignored): 10 MHz    |
// Hart h is the h-th hart bound (bind_hart, called in hart-id order). The registers of harts
// not bound (hart 0's exist before any is bound) and all other offsets read as zero and
// ignore writes. Accesses are 4 or 8 bytes (msip words: 4 only), naturally aligned; anything
// else is an error response, as on QEMU.
//
// mtime is derived from simulated time including the initiator's local offset (`delay`), so
// a temporally decoupled hart reads the time it is at, not the time of the last sync. The
// timer interrupt is not raised here: each hart compares its own mtime with the mtimecmp
// pushed through cpu::IrqTarget, which keeps MTIP exact under temporal decoupling.
//
// Waves: clint.mtimecmp is hart 0's mtimecmp (the name of a one-hart machine), and
// clint.mtimecmp<h> hart h's for h >= 1.
// Checkpoints: one hart saves {"msip": flag, "mtimecmp": n}, the layout from before there
// were more; N harts save arrays of N under the same keys, indexed by hart. A state of
// another hart count is refused with a common::UserError naming clint.msip.
#pragma once

#include <array>
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
  static constexpr uint64_t kMsipStride = 4, kMtimecmpStride = 8;
  static constexpr unsigned kMaxHarts = 8;

  tlm_utils::simple_target_socket<Clint> tsock;

  explicit Clint(sc_core::sc_module_name name);

  // The next hart (the first call binds hart 0, the next hart 1, ...) whose MSIP and
  // mtimecmp this CLINT drives; pushes its current values at once. More than kMaxHarts is
  // std::logic_error.
  void bind_hart(cpu::IrqTarget& hart);
  unsigned harts() const { return m_harts; }

  // hart < kMaxHarts (std::out_of_range otherwise); a hart not bound keeps all ones.
  uint64_t mtimecmp(unsigned hart = 0) const { return m_mtimecmp.at(hart); }
  // Checkpoints (docs/checkpoints.md): the registers and internal state into `j`, and back.
  void save_state(nlohmann::json& j) const;
  void restore_state(const common::StateIn& in);

  // Records each bound hart's mtimecmp in `waves` (names above), each write at the time of
  // the access; harts bound later are added when they are bound.
  void set_waves(common::WaveRecorder& waves);

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& trans);
  void access(tlm::tlm_generic_payload& trans, const sc_core::sc_time& delay);
  void add_wave(unsigned hart);
  // Harts with registers: those bound, and hart 0 before any is bound.
  unsigned slots() const { return m_harts ? m_harts : 1; }

  static constexpr unsigned kNoWave = ~0u;
  unsigned m_harts = 0;
  std::array<cpu::IrqTarget*, kMaxHarts> m_hart{};
  std::array<bool, kMaxHarts> m_msip{};
  std::array<uint64_t, kMaxHarts> m_mtimecmp;
  common::WaveRecorder* m_waves = nullptr;
  std::array<unsigned, kMaxHarts> m_wave_mtimecmp{};
};

}  // namespace vmplat::periph
