#include "models/cosim/lockstep_tlb.h"

#include <cstdio>
#include <iostream>
#include <sstream>

#include <systemc>

#include "models/common/format.h"
#include "models/common/sim.h"

namespace vmplat::cosim {

using common::hex;

namespace {

const char* access_name(cpu::AccessKind k)
{
  switch (k) {
    case cpu::AccessKind::kFetch:
      return "fetch";
    case cpu::AccessKind::kLoad:
      return "load";
    case cpu::AccessKind::kStore:
      return "store";
  }
  return "?";
}

std::string entry_text(const mmu::TlbEntry& e)
{
  return "vpn " + hex(e.vpn) + " ppn " + hex(e.ppn) + " level " + std::to_string(e.level) +
         " asid " + std::to_string(e.asid) + (e.global ? " global" : "") + " flags " +
         hex(e.flags);
}

std::string lookup_text(const mmu::TlbLookup& r)
{
  if (!r.hit)
    return "miss";
  return "hit way " + std::to_string(r.way) + ": " + entry_text(r.entry);
}

std::string fill_text(const mmu::TlbFill& r)
{
  std::string s = "set " + std::to_string(r.set) + " way " + std::to_string(r.way);
  s += r.evicted ? ", evicted " + entry_text(r.victim) : ", no eviction";
  return s;
}

std::string flush_text(const mmu::FlushRequest& f)
{
  std::string s = "flush";
  s += f.has_vaddr ? " vpn " + hex(f.vpn) : " all addresses";
  s += f.has_asid ? " asid " + std::to_string(f.asid) : " all asids";
  return s;
}

}  // namespace

LockstepTlb::LockstepTlb(const std::string& name, std::unique_ptr<mmu::Tlb> reference,
                         std::unique_ptr<mmu::Tlb> under_test)
    : m_name(name), m_ref(std::move(reference)), m_dut(std::move(under_test)),
      m_checks(common::stats().counter(name + ".lockstep.checks",
                                       "operations compared between the model and the RTL")),
      m_mismatches(common::stats().counter(
          name + ".lockstep.mismatches", "operations where the RTL disagreed with the model "
                                         "(the run stops at the first)"))
{
}

LockstepTlb::Op& LockstepTlb::record(OpKind kind)
{
  Op& op = m_ring[m_ops % m_ring.size()];
  op.index = m_ops++;
  op.kind = kind;
  ++m_checks;
  return op;
}

mmu::TlbLookup LockstepTlb::lookup(uint64_t vpn, uint16_t asid, cpu::AccessKind kind)
{
  Op& op = record(OpKind::kLookup);
  op.vpn = vpn;
  op.asid = asid;
  op.access = kind;
  const mmu::TlbLookup ref = m_ref->lookup(vpn, asid, kind);
  const mmu::TlbLookup dut = m_dut->lookup(vpn, asid, kind);
  op.lookup_result = ref;
  if (m_mismatched)
    return ref;
  std::string what;
  if (ref.hit != dut.hit)
    what = "hit";
  else if (ref.hit) {
    if (ref.way != dut.way)
      what = "way";
    else if (ref.entry.ppn != dut.entry.ppn)
      what = "ppn";
    else if (ref.entry.level != dut.entry.level)
      what = "level";
    else if (ref.entry.flags != dut.entry.flags)
      what = "flags";
    else if (ref.entry.global != dut.entry.global)
      what = "global";
  }
  if (!what.empty())
    mismatch(op, what, lookup_text(ref), lookup_text(dut));
  return ref;
}

mmu::TlbFill LockstepTlb::fill(const mmu::TlbEntry& entry)
{
  Op& op = record(OpKind::kFill);
  op.entry = entry;
  const mmu::TlbFill ref = m_ref->fill(entry);
  const mmu::TlbFill dut = m_dut->fill(entry);
  op.fill_result = ref;
  if (m_mismatched)
    return ref;
  std::string what;
  if (ref.set != dut.set)
    what = "set";
  else if (ref.way != dut.way)
    what = "way";
  else if (ref.evicted != dut.evicted)
    what = "evicted";
  else if (ref.evicted) {
    const mmu::TlbEntry &a = ref.victim, &b = dut.victim;
    if (a.vpn != b.vpn || a.ppn != b.ppn || a.level != b.level || a.flags != b.flags ||
        a.global != b.global)
      what = "victim";
  }
  if (!what.empty())
    mismatch(op, what, fill_text(ref), fill_text(dut));
  return ref;
}

unsigned LockstepTlb::flush(const mmu::FlushRequest& req)
{
  Op& op = record(OpKind::kFlush);
  op.flush = req;
  const unsigned ref = m_ref->flush(req);
  const unsigned dut = m_dut->flush(req);
  op.flushed = ref;
  if (!m_mismatched && ref != dut)
    mismatch(op, "entries invalidated", std::to_string(ref) + " invalidated",
             std::to_string(dut) + " invalidated");
  return ref;
}

uint64_t LockstepTlb::take_busy_cycles()
{
  m_ref->take_busy_cycles();
  return m_dut->take_busy_cycles();
}

std::string LockstepTlb::describe() const
{
  return m_name + ": lockstep {" + m_ref->describe() + "} vs {" + m_dut->describe() + "}";
}

std::string LockstepTlb::describe_op(const Op& op)
{
  std::string s = "#" + std::to_string(op.index) + " ";
  switch (op.kind) {
    case OpKind::kLookup:
      s += "lookup vpn " + hex(op.vpn) + " asid " + std::to_string(op.asid) + " (" +
           access_name(op.access) + ")";
      break;
    case OpKind::kFill:
      s += "fill " + entry_text(op.entry);
      break;
    case OpKind::kFlush:
      s += flush_text(op.flush);
      break;
  }
  return s;
}

void LockstepTlb::mismatch(const Op& op, const std::string& what, const std::string& reference,
                           const std::string& under_test)
{
  m_mismatched = true;
  ++m_mismatches;
  std::ostringstream os;
  os << "lockstep mismatch in " << m_name << " (" << what << ") at operation " << op.index;
  if (sc_core::sc_is_running())
    os << ", simulated time " << sc_core::sc_time_stamp();
  os << "\n  operation: " << describe_op(op) << "\n  model: " << reference
     << "\n  rtl:   " << under_test << "\n  last operations before it (model's answers):\n";
  const uint64_t first = op.index > kHistory ? op.index - kHistory : 0;
  for (uint64_t i = first; i < op.index; ++i) {
    const Op& h = m_ring[i % m_ring.size()];
    os << "    " << describe_op(h) << " -> ";
    switch (h.kind) {
      case OpKind::kLookup:
        os << lookup_text(h.lookup_result);
        break;
      case OpKind::kFill:
        os << fill_text(h.fill_result);
        break;
      case OpKind::kFlush:
        os << h.flushed << " invalidated";
        break;
    }
    os << "\n";
  }
  m_report = os.str();
  std::cerr << "vmplat: " << m_report << std::flush;
  common::sim().request_stop(kMismatchExitCode, "lockstep mismatch in " + m_name + " (" + what +
                                                    ") at operation " + std::to_string(op.index));
}

}  // namespace vmplat::cosim
