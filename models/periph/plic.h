// periph::Plic: the platform-level interrupt controller of the virt machine (0x0C00_0000),
// sources 1..31, two contexts per hart as on QEMU's virt: context 2*h is hart h's M mode
// (drives its mip.MEIP), context 2*h+1 its S mode (mip.SEIP). Hart h is the h-th hart bound
// (bind_hart, called in hart-id order), up to kMaxHarts; contexts 0 and 1 exist before any
// hart is bound.
//
// | offset                  | name        | reset | access                                  |
// |-------------------------|-------------|-------|-----------------------------------------|
// | 0x000000 + 4*src        | priority    | 0     | rw, WARL 0..7 (value mod 8); src 0: 0   |
// | 0x001000                | pending     | 0     | ro, bit src; words past the first read 0|
// | 0x002000 + 0x80*ctx     | enable      | 0     | rw, bit src (bit 0 stored, as on QEMU)  |
// | 0x200000 + 0x1000*ctx   | threshold   | 0     | rw, WARL 0..7                           |
// | 0x200004 + 0x1000*ctx   | claim/compl | 0     | read claims, write completes            |
// Everything else (sources above 31, contexts of harts not bound) reads zero and ignores
// writes.
// Accesses are 32-bit and aligned; anything else is an error response.
//
// Gateways (PLIC spec 1.0.0, "Interrupt Gateways") follow <name>.gateway. A device signals
// its line each time it re-evaluates it (common::IrqLine), so a line can be signalled high
// while it already is.
//   qemu (default), as QEMU's sifive_plic: each high signal sets the source's pending bit,
//     also while the source is in service; a completion only ends the service. A line that
//     stays high interrupts again only when its device signals it again (a 16550 after a THR
//     write), not because of the completion. This differs from the spec on purpose: software
//     written against QEMU `virt` leaves a 16550's THR-empty condition asserted and would
//     otherwise be interrupted forever.
//   level, the spec's level-triggered gateway: a high signal sets pending only while the
//     source is not in service (signals during service are dropped), and a completion
//     re-pends the source if its line is still high.
// In both, a low signal leaves the pending bit alone: a request stays pending until claimed
// even if the line drops first (the handler then finds the device idle), as on QEMU 7.2.
// A claim returns the enabled pending source of highest priority above the context's
// threshold (ties: lowest id; none: 0), clears its pending bit and puts it in service. A
// completion of a source enabled in that context ends the service; other completions are
// ignored (PLIC spec 1.0.0, "Interrupt Completion").
// A context's output is high while some enabled pending source not in service has priority
// above its threshold.
//
// Configuration: <name>.gateway (qemu | level). Statistics: <name>.claims.<source> for each
// source named with name_sources(), <name>.claims.none (claims that found nothing), over all
// contexts.
// Checkpoints: enable, threshold and out are arrays with one value per context (2 for one
// hart, the layout from before there were more; 2*N for N harts). A state of another
// context count is refused with a common::UserError naming plic.enable.
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
#include "models/common/state.h"
#include "models/common/stats.h"
#include "models/common/wave_recorder.h"
#include "models/cpu/irq_if.h"

namespace vmplat::periph {

class Plic : public sc_core::sc_module, public common::IrqSink {
 public:
  static constexpr uint64_t kSize = 0x0400'0000;
  static constexpr unsigned kSources = 32;  // ids 0..31; 0 is "no interrupt"
  static constexpr unsigned kMaxHarts = 8;
  static constexpr unsigned kContexts = 2 * kMaxHarts;  // at most; 2 per bound hart
  static constexpr uint64_t kPriority = 0x0, kPending = 0x1000, kEnable = 0x2000,
                            kEnableStride = 0x80, kContext = 0x200000, kContextStride = 0x1000;

  tlm_utils::simple_target_socket<Plic> tsock;

  enum class Gateway { kQemu, kLevel };

  explicit Plic(sc_core::sc_module_name name);

  Gateway gateway() const { return m_gateway; }
  // Checkpoints (docs/checkpoints.md): the registers and internal state into `j`, and back.
  void save_state(nlohmann::json& j) const;
  void restore_state(const common::StateIn& in);

  // The next hart (the first call binds hart 0, the next hart 1, ...): context 2*h drives
  // its irq::kMEI, context 2*h+1 its irq::kSEI; pushes both at once. Binding a bound hart
  // again pushes them again. More than kMaxHarts is std::logic_error.
  void bind_hart(cpu::IrqTarget& hart);
  unsigned harts() const { return m_harts; }
  // Contexts with registers: 2 per bound hart, 2 before any is bound.
  unsigned contexts() const { return 2 * (m_harts ? m_harts : 1); }

  // Device interrupt lines (common::IrqLine::bind(plic, source)).
  void set_irq(unsigned source, bool level) override;

  // Names the wired sources, for the statistics (<name>.claims.<source name>).
  void name_sources(const std::vector<std::pair<unsigned, std::string>>& sources);

  // Records in `waves` the lines of the given sources as plic.source.<name> and the context
  // outputs as plic.context.m (context 0, hart 0's MEIP) and plic.context.s (context 1, its
  // SEIP), plic.context.m<h> and plic.context.s<h> for hart h >= 1, at the caller's time
  // (WaveRecorder's clock). Harts bound later are added when they are bound.
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
  void add_waves(unsigned hart);

  Gateway m_gateway = Gateway::kQemu;
  unsigned m_harts = 0;
  std::array<cpu::IrqTarget*, kMaxHarts> m_hart{};
  std::array<uint32_t, kSources> m_priority{};
  uint32_t m_level = 0;  // device lines, bit per source
  uint32_t m_pending = 0;
  uint32_t m_claimed = 0;  // in service
  std::array<uint32_t, kContexts> m_enable{};
  std::array<uint32_t, kContexts> m_threshold{};
  std::array<bool, kContexts> m_out{};

  std::array<common::Counter*, kSources> m_claims{};  // null: source not named
  common::Counter& m_claims_none;

  static constexpr unsigned kNoWave = ~0u;
  common::WaveRecorder* m_waves = nullptr;
  std::array<unsigned, kSources> m_wave_source{};
  std::array<unsigned, kContexts> m_wave_context{};
};

}  // namespace vmplat::periph
