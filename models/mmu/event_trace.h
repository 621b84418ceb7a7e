// mmu::EventTrace: the MMU event trace (docs/debugging.md, "MMU event trace"). The Mmu
// writes one line for each TLB lookup miss, fill, eviction and flush and for each page walk
// (with the fault the MMU decided after it), from its miss, fill, flush and walk paths only:
// the hit paths never reach this class, and without mmu.trace.file the Mmu holds no trace
// at all, so an untraced run pays one null-pointer check per miss, fill, flush and walk.
//
// Line format, version 1: "<cycle> <hart> <event> key=value ...", space separated;
// addresses, vpns and ppns in hex with 0x, counts, levels and ASIDs in decimal; lines
// starting with '#' are comments (the file starts with a header naming every event's
// fields). <cycle> is the hart's cycle count when the translation or fence causing the
// event started; <hart> is that hart's id (mhartid): the MMUs of all harts write one file.
//   miss  tlb access va asid
//   fill  tlb access va asid vpn ppn level global flags set way
//   evict tlb access va asid vpn ppn level global flags entry_asid set way  (the victim)
//   flush tlb kind [va] [asid] entries
//   fence kind   (SFENCE.W.INVAL: w_inval, SFENCE.INVAL.IR: inval_ir; Svinval, selected
//                 with the flush lines)
//   walk  access va asid levels ptes latency result [pa] level [flags] [reason] [ad_update]
//         [rewalk]
//
// Configuration
//   mmu.trace.file    the file; "" (default) = no trace
//   mmu.trace.events  comma list of miss, fill, evict, flush, walk (default all five)
//   mmu.trace.vaddr   "" (default) = all; LO-HI (inclusive) or LO+SIZE: only events of
//                     accesses to a va in the range, and flushes by an address in it or by
//                     no address (those affect the range too)
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "models/cpu/riscv.h"
#include "models/mmu/page_table_walker.h"
#include "models/mmu/tlb.h"
#include "models/mmu/tlb_level.h"

namespace vmplat::mmu {

class EventTrace {
 public:
  enum class Event : uint8_t { kMiss, kFill, kEvict, kFlush, kWalk };
  static constexpr unsigned kAllEvents = (1u << 5) - 1;

  // Declares and checks mmu.trace.*; nullptr when mmu.trace.file is "". Unknown event
  // names, a bad range and an unwritable file are common::UserError naming the key.
  static std::unique_ptr<EventTrace> from_config();
  // events: a mask of 1 << Event; [va_lo, va_hi] inclusive.
  EventTrace(const std::string& path, unsigned events, uint64_t va_lo, uint64_t va_hi);
  ~EventTrace();
  EventTrace(const EventTrace&) = delete;
  EventTrace& operator=(const EventTrace&) = delete;

  // The translation that the following miss, fill, evict and walk lines belong to.
  // `hart` is the id of the hart whose MMU writes: the harts of a platform share one trace.
  void begin_access(unsigned hart, uint64_t cycle, cpu::AccessKind kind, uint64_t va,
                    uint16_t asid);
  // The fence (SFENCE.VMA or satp write) that the following flush lines belong to.
  void begin_fence(unsigned hart, uint64_t cycle);

  void miss(const char* tlb);
  // A fill line, and an evict line for the victim when a valid entry was replaced.
  void fill(const char* tlb, const TlbEntry& entry, const TlbFill& result);
  // va and asid are the SFENCE.VMA operands, printed when given (has_vaddr, has_asid).
  void flush(const char* tlb, TlbLevel::FlushKind kind, bool has_vaddr, uint64_t va, bool has_asid,
             uint16_t asid, unsigned entries);

  // A fence that invalidates nothing (Svinval's SFENCE.W.INVAL, SFENCE.INVAL.IR), shown with
  // the flush lines.
  void fence(const char* kind);

  // One walk and what the MMU decided after it.
  struct WalkLine {
    const PageTableWalker::Steps* steps = nullptr;  // the PTEs visited, root first
    uint64_t latency = 0;                           // hart cycles (memory + walker logic)
    bool leaf = false;                              // a well-formed leaf was found
    uint8_t flags = 0;                              // its flags as read (when leaf)
    uint64_t pa = 0;                                // when ok
    uint8_t cause = 0;                              // exception code; 0 = ok
    FaultReason reason = FaultReason::kNone;
    bool ad_update = false;  // the walker wrote A/D back
    bool rewalk = false;     // after a hit that did not permit it
  };
  void walk(const WalkLine& line);

  // Parses an mmu.trace.vaddr value ("" = everything); false on bad text.
  static bool parse_range(const std::string& text, uint64_t& lo, uint64_t& hi);
  // Parses an mmu.trace.events value into a mask; false with the offending name.
  static bool parse_events(const std::string& text, unsigned& mask, std::string& bad);

 private:
  bool wants(Event e) const { return m_in_range && (m_events >> unsigned(e) & 1); }
  void prefix(const char* event);

  std::FILE* m_file = nullptr;
  std::vector<char> m_buffer;  // stdio buffer: lines leave in large writes
  unsigned m_events;
  uint64_t m_va_lo, m_va_hi;

  // The current translation or fence.
  uint64_t m_cycle = 0;
  unsigned m_hart = 0;
  unsigned m_kind = 0;
  uint64_t m_va = 0;
  uint16_t m_asid = 0;
  bool m_in_range = true;
};

}  // namespace vmplat::mmu
