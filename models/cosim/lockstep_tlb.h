// cosim::LockstepTlb: sends every lookup, fill and flush to a reference TLB (the C++ model)
// and to a TLB under test (the Verilated RTL), and compares the answers:
//   lookup  hit; on a hit also way, ppn, level, flags and global
//   fill    set, way, evicted; on an eviction the victim's vpn, ppn, level, flags, global
//   flush   the number of entries invalidated
// The first mismatch prints a report to stderr (the operation, both answers, the last
// kHistory operations before it) and stops the run with kMismatchExitCode. The caller
// always gets the reference's answer, so the guest keeps seeing the model's behaviour.
//
// Statistics: <name>.lockstep.checks (operations compared), <name>.lockstep.mismatches.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "models/common/stats.h"
#include "models/mmu/tlb.h"

namespace vmplat::cosim {

class LockstepTlb : public mmu::Tlb {
 public:
  static constexpr int kMismatchExitCode = 90;
  static constexpr unsigned kHistory = 16;

  LockstepTlb(const std::string& name, std::unique_ptr<mmu::Tlb> reference,
              std::unique_ptr<mmu::Tlb> under_test);

  mmu::TlbLookup lookup(uint64_t vpn, uint16_t asid, cpu::AccessKind kind) override;
  mmu::TlbFill fill(const mmu::TlbEntry& entry) override;
  unsigned flush(const mmu::FlushRequest& req) override;
  // The TLB under test sets the pace (the RTL's flush sweep).
  uint64_t take_busy_cycles() override;
  std::string describe() const override;
  // The reference's entries: the RTL cannot list its own.
  std::optional<std::vector<mmu::TlbSlot>> entries() const override { return m_ref->entries(); }

  bool mismatched() const { return m_mismatched; }
  // The report of the first mismatch (empty while there is none).
  const std::string& report() const { return m_report; }

 private:
  enum class OpKind : uint8_t { kLookup, kFill, kFlush };
  // One operation and the reference's answer, kept for the report (no allocation).
  struct Op {
    uint64_t index = 0;
    OpKind kind = OpKind::kLookup;
    uint64_t vpn = 0;
    uint16_t asid = 0;
    cpu::AccessKind access = cpu::AccessKind::kLoad;
    mmu::TlbEntry entry;         // fill
    mmu::FlushRequest flush;     // flush
    mmu::TlbLookup lookup_result;
    mmu::TlbFill fill_result;
    unsigned flushed = 0;
  };

  Op& record(OpKind kind);
  void mismatch(const Op& op, const std::string& what, const std::string& reference,
                const std::string& under_test);
  static std::string describe_op(const Op& op);

  std::string m_name;
  std::unique_ptr<mmu::Tlb> m_ref, m_dut;
  std::array<Op, kHistory + 1> m_ring;  // the current operation and kHistory before it
  uint64_t m_ops = 0;
  bool m_mismatched = false;
  std::string m_report;
  common::Counter& m_checks;
  common::Counter& m_mismatches;
};

}  // namespace vmplat::cosim
