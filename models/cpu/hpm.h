// cpu::Hpm: the hart's machine counters beyond the clock (privileged spec 3.1.10-3.1.12):
// mhpmcounter3..31 with their event selectors mhpmevent3..31, counting cycles, retired
// instructions and architecturally visible MMU events, and mcountinhibit, which freezes
// them and also mcycle (CY) and minstret (IR).
//
// Events (the mhpmevent values; docs/mmu.md, "Performance counters"): where the SBI PMU
// extension has a standard code for an event, that code is the value, as on QEMU's virt
// machine (1 cycles, 2 instructions, 0x10019/0x1001b/0x10021 DTLB load/store and ITLB
// misses); the MMU events it has no code for are 0x100 and up.
//
// A counter does not tick by itself: it holds its value at its last change plus how many of
// its event the source has counted since, read on demand, so it is exact whenever software
// reads it and costs nothing in between.
//
// WARL choices: mhpmevent holds one of the events below and reads 0 (no event: the counter
// keeps its value) for anything else, Sscofpmf's bits included; mcountinhibit bit 1 (TM:
// time cannot be inhibited) reads 0. Every counter counts in every privilege mode. Reset:
// events 0, counters 0, nothing inhibited.
//
// mcycle and minstret themselves are the hart's (its cycle and retired counts); this class
// keeps their offsets and frozen values so a write and the inhibit bits apply: a counter
// inhibited by the instruction that writes mcountinhibit does not count that instruction,
// one released by it does (the inhibit state after an instruction decides, as in Spike).
#pragma once

#include <array>
#include <cstdint>
#include <functional>

namespace vmplat::cpu {

namespace hpm_event {
constexpr uint64_t kNone = 0;
constexpr uint64_t kCycles = 0x1, kInstructions = 0x2;  // SBI PMU hardware events
constexpr uint64_t kDtlbLoadMiss = 0x10019, kDtlbStoreMiss = 0x1001b;  // SBI cache events:
constexpr uint64_t kItlbMiss = 0x10021;  // (1 << 16) | cache << 3 | op << 1 | miss
constexpr uint64_t kL2tlbMiss = 0x100, kWalk = 0x101, kWalkCycles = 0x102, kPageFault = 0x103;
}  // namespace hpm_event

class Hpm {
 public:
  static constexpr unsigned kFirst = 3, kLast = 31;
  static constexpr unsigned kCY = 0, kIR = 2;  // mcountinhibit bits of mcycle and minstret
  // How many of an event (an hpm_event value) happened since reset.
  using Source = std::function<uint64_t(uint64_t event)>;

  explicit Hpm(Source source = nullptr) : m_source(std::move(source)) {}
  void set_source(Source source) { m_source = std::move(source); }
  void reset();
  // Whether an mhpmevent value selects an event this class counts.
  static bool supported(uint64_t event);

  // mhpmcounter<i> and mhpmevent<i>, i in 3..31.
  uint64_t counter(unsigned i) const;
  void write_counter(unsigned i, uint64_t value);
  uint64_t event(unsigned i) const { return m_event[i]; }
  void write_event(unsigned i, uint64_t value);

  // mcycle and minstret given the hart's cycle and retired counts. A minstret write is what
  // the next instruction reads: the writing instruction itself does not count.
  uint64_t cycle(uint64_t cycles) const;
  void write_cycle(uint64_t cycles, uint64_t value);
  uint64_t instret(uint64_t retired) const;
  void write_instret(uint64_t retired, uint64_t value);

  // Checkpoints: counter i counts `event` and reads `value` now; mcountinhibit, mcycle and
  // minstret read as given at the hart's current cycle and retired counts.
  void restore_counter(unsigned i, uint64_t event, uint64_t value);
  void restore_clock(uint64_t inhibit, uint64_t cycles, uint64_t mcycle, uint64_t retired,
                     uint64_t minstret);

  uint64_t inhibit() const { return m_inhibit; }
  void write_inhibit(uint64_t value, uint64_t cycles, uint64_t retired);

 private:
  bool inhibited(unsigned bit) const { return (m_inhibit >> bit) & 1; }
  uint64_t base_after_write(unsigned i) const;
  uint64_t source(uint64_t event) const
  {
    return event == hpm_event::kNone || !m_source ? 0 : m_source(event);
  }

  Source m_source;
  std::array<uint64_t, kLast + 1> m_event{};
  std::array<uint64_t, kLast + 1> m_value{};  // at the last change
  std::array<uint64_t, kLast + 1> m_base{};   // the source's count at the last change
  uint64_t m_inhibit = 0;
  uint64_t m_cycle_offset = 0, m_instret_offset = 0;  // while counting
  uint64_t m_cycle_frozen = 0, m_instret_frozen = 0;  // while inhibited
};

}  // namespace vmplat::cpu
