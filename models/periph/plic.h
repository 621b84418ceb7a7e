// periph::Plic: the platform-level interrupt controller of the virt machine (0x0C00_0000),
// sources 1..31, two contexts: 0 = hart 0 M-mode (mip.MEIP), 1 = hart 0 S-mode (mip.SEIP).
//
// | offset                  | name        | reset | access                                  |
// |-------------------------|-------------|-------|-----------------------------------------|
// | 0x000000 + 4*src        | priority    | 0     | rw, WARL 0..7 (value mod 8); src 0: 0   |
// | 0x001000                | pending     | 0     | ro, bit src; words past the first read 0|
// | 0x002000 + 0x80*ctx     | enable      | 0     | rw, bit src (bit 0 stored, as on QEMU)  |
// | 0x200000 + 0x1000*ctx   | threshold   | 0     | rw, WARL 0..7                           |
// | 0x200004 + 0x1000*ctx   | claim/compl | 0     | read claims, write completes            |
// Everything else (sources above 31, contexts above 1) reads zero and ignores writes.
// Accesses are 32-bit and aligned; anything else is an error response.
//
// Gateways are level-triggered (PLIC spec 1.0.0, "Interrupt Gateways"): a source becomes
// pending when its line is high and it is not in service, and stays pending until claimed
// even if the line drops first (the handler then finds nothing to do), as on QEMU 7.2's
// sifive_plic. A claim returns the enabled pending
// source of highest priority above the context's threshold (ties: lowest id; none: 0),
// clears its pending bit and puts it in service. A completion of a source enabled in that
// context ends the service and re-pends the source if its line is still high; other
// completions are ignored (PLIC spec 1.0.0, "Interrupt Completion").
// A context's output is high while some enabled pending source has priority > threshold.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <tlm_utils/simple_target_socket.h>
#include <systemc>
#include <tlm>

#include "models/common/irq.h"
#include "models/common/wave_recorder.h"
#include "models/cpu/irq_if.h"

namespace vmplat::periph {

class Plic : public sc_core::sc_module, public common::IrqSink {
 public:
  static constexpr uint64_t kSize = 0x0400'0000;
  static constexpr unsigned kSources = 32;  // ids 0..31; 0 is "no interrupt"
  static constexpr unsigned kContexts = 2;
  static constexpr uint64_t kPriority = 0x0, kPending = 0x1000, kEnable = 0x2000,
                            kEnableStride = 0x80, kContext = 0x200000, kContextStride = 0x1000;

  tlm_utils::simple_target_socket<Plic> tsock;

  explicit Plic(sc_core::sc_module_name name);

  // Context 0 drives irq::kMEI, context 1 irq::kSEI of this hart.
  void bind_hart(cpu::IrqTarget& hart);

  // Device interrupt lines (common::IrqLine::bind(plic, source)).
  void set_irq(unsigned source, bool level) override;

  // Records in `waves` the lines of the given sources as plic.source.<name> and the two
  // outputs as plic.context.m (context 0, MEIP) and plic.context.s (context 1, SEIP), at
  // the caller's time (WaveRecorder's clock).
  void set_waves(common::WaveRecorder& waves,
                 const std::vector<std::pair<unsigned, std::string>>& sources);

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& trans);
  void access(tlm::tlm_generic_payload& trans, bool debug);
  uint32_t read_reg(uint64_t addr, bool side_effects);
  void write_reg(uint64_t addr, uint32_t value);
  unsigned best(unsigned ctx) const;  // the id a claim would return
  unsigned claim(unsigned ctx);
  void complete(unsigned ctx, uint32_t id);
  void update();

  cpu::IrqTarget* m_hart = nullptr;
  std::array<uint32_t, kSources> m_priority{};
  uint32_t m_level = 0;  // device lines, bit per source
  uint32_t m_pending = 0;
  uint32_t m_claimed = 0;  // in service
  std::array<uint32_t, kContexts> m_enable{};
  std::array<uint32_t, kContexts> m_threshold{};
  std::array<bool, kContexts> m_out{};

  static constexpr unsigned kNoWave = ~0u;
  common::WaveRecorder* m_waves = nullptr;
  std::array<unsigned, kSources> m_wave_source{};
  std::array<unsigned, kContexts> m_wave_context{};
};

}  // namespace vmplat::periph
