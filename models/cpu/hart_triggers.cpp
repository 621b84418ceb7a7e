// The hart's side of the Sdtrig trigger module (models/cpu/triggers.h): when native
// triggers may fire, and the checks the execute loop makes before a fetch and before an
// instruction executes while any trigger is armed (the loop with stop checks, as for a
// debugger's breakpoints). A trigger that fires raises a breakpoint exception with xepc at
// the instruction (timing "before") and xtval the matching address.
#include "models/cpu/hart.h"
#include "models/cpu/hart_internal.h"

namespace vmplat::cpu {

bool Hart::triggers_enabled() const
{
  // Debug spec 5.4, the first of its two solutions against re-entrant breakpoints: no
  // match in M mode while MIE = 0, nor in S mode while SIE = 0 when medeleg delegates
  // breakpoints to S.
  switch (m_priv) {
    case Priv::kM: return (m_mstatus & mstatus::kMIE) != 0;
    case Priv::kS:
      return !((m_medeleg >> exc::kBreakpoint) & 1) || (m_mstatus & mstatus::kSIE) != 0;
    case Priv::kU: return true;
  }
  return true;
}

bool Hart::trigger_before_fetch()
{
  // Execute triggers of any size fire before the fetch: they outrank a fetch fault.
  if (!m_triggers.armed_execute() || !triggers_enabled() ||
      !m_triggers.fire_execute(m_pc, 0, m_priv))
    return false;
  raise(exc::kBreakpoint, m_pc);
  return true;
}

bool Hart::trigger_before_execute(const Insn& in, uint64_t rs1_value)
{
  if (!m_triggers.armed() || !triggers_enabled())
    return false;
  if (m_triggers.fire_execute(m_pc, in.len, m_priv)) {
    raise(exc::kBreakpoint, m_pc);
    return true;
  }
  // An FP load or store that is illegal (mstatus.FS Off) raises that, which outranks a
  // load/store address breakpoint (privileged 3.1.15, exception priority).
  if (is_fp(in.op) && (m_mstatus & mstatus::kFS) == 0)
    return false;
  MemAccess a;
  if (!m_triggers.armed_access() || !mem_access_of(in, rs1_value, a) ||
      !m_triggers.fire_access(a.addr, a.size, a.reads, a.writes, m_priv))
    return false;
  raise(exc::kBreakpoint, a.addr);
  return true;
}

}  // namespace vmplat::cpu
