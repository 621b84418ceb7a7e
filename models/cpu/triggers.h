// cpu::Triggers: the Sdtrig trigger module (RISC-V Debug Specification 1.0, chapter 5) for
// native debugging: address triggers on instruction execution, loads and stores whose
// action is a breakpoint exception.
//
// What it implements
//   - `count` triggers (cpu.triggers, default 2 as on QEMU's virt), each of type mcontrol
//     (2, the legacy one) or mcontrol6 (6), or disabled (15); tinfo reports those three
//     types and version 1. At reset every trigger is an mcontrol with nothing enabled.
//   - tselect is WARL over 0 .. count-1: a write of a larger value is ignored, so reading it
//     back tells software that probes for triggers where they end (5.1, "Enumeration").
//   - Matching on the virtual address (select = 0): execute (compare value: the pc), load
//     and store (compare values: every byte accessed; an AMO is a load and a store, LR a
//     load, SC a store); match = equal, NAPOT (mcontrol6 only: mcontrol's maskmax reads 0),
//     greater or equal, less than, mask low/high and their negations; the size field (any,
//     8/16/32/64-bit accesses, 16/32-bit instructions); the m, s and u mode bits; chains.
//   - Timing "before": the trigger fires before the instruction executes, xepc is its pc,
//     xtval the matching address (execute: the pc; loads and stores: the access's address);
//     mcontrol's hit bit / mcontrol6's hit0 become set.
// WARL choices: a write of tdata1 with a type other than 2, 6 or 15 (0 included) disables
// the trigger (type 15); dmode, select, timing, action (only 0, a breakpoint exception),
// vs, vu, uncertain and uncertainen read as zero; an unsupported size or match value reads
// as 0; chain reads as zero on the last trigger (a chain cannot run off the end); tdata3
// (textra) reads as zero, so no extra condition applies. tcontrol, mcontext and scontext
// are not implemented (their CSRs do not exist).
//
// Re-entrancy of native triggers (5.4): the hart applies the first of the spec's two
// solutions (as Spike does): a trigger does not match in M mode while mstatus.MIE is 0, nor
// in S mode while SIE is 0 if medeleg[3] delegates breakpoints. The hart checks that before
// asking; this class only matches.
#pragma once

#include <cstdint>
#include <vector>

#include "models/common/state.h"
#include "models/cpu/riscv.h"

namespace vmplat::cpu {

class Triggers {
 public:
  static constexpr unsigned kMaxCount = 64;
  static constexpr uint64_t kTinfo = (uint64_t(1) << 24) | (1u << 2) | (1u << 6) | (1u << 15);

  explicit Triggers(unsigned count = 2);
  unsigned count() const { return unsigned(m_tdata1.size()); }
  void reset();

  // Checkpoints: tselect and every trigger's tdata1 and tdata2.
  void save_state(nlohmann::json& j) const;
  void restore_state(const common::StateIn& in);

  // The CSRs of the selected trigger (tselect, tdata1, tdata2, tdata3, tinfo).
  uint64_t tselect() const { return m_select; }
  void write_tselect(uint64_t v);
  uint64_t tdata1() const { return m_tdata1[m_select]; }
  void write_tdata1(uint64_t v);
  uint64_t tdata2() const { return m_tdata2[m_select]; }
  void write_tdata2(uint64_t v);

  // Whether any trigger is enabled for execution, or for loads or stores, in some mode.
  bool armed() const { return m_armed_execute || m_armed_access; }
  bool armed_execute() const { return m_armed_execute; }
  bool armed_access() const { return m_armed_access; }

  // Whether a trigger (chain) fires for the instruction at pc in privilege p. len: the
  // instruction's length in bytes once it is fetched; 0 before, when only triggers that
  // match any size are asked (so they fire before a fetch fault). Sets the hit bits.
  bool fire_execute(uint64_t pc, unsigned len, Priv p);
  // Whether a trigger fires for an access of `size` bytes at addr (load and/or store).
  bool fire_access(uint64_t addr, unsigned size, bool load, bool store, Priv p);

 private:
  enum class Select : uint8_t { kExecute, kAccess };
  bool fire(Select what, uint64_t addr, unsigned size, unsigned len, bool load, bool store,
            Priv p);
  bool matches(unsigned i, Select what, uint64_t addr, unsigned size, unsigned len, bool load,
               bool store, Priv p) const;
  void update_armed();

  std::vector<uint64_t> m_tdata1, m_tdata2;
  unsigned m_select = 0;
  bool m_armed_execute = false, m_armed_access = false;
};

}  // namespace vmplat::cpu
