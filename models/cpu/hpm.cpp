#include "models/cpu/hpm.h"

namespace vmplat::cpu {

bool Hpm::supported(uint64_t event)
{
  using namespace hpm_event;
  switch (event) {
    case kCycles: case kInstructions: case kDtlbLoadMiss: case kDtlbStoreMiss: case kItlbMiss:
    case kL2tlbMiss: case kWalk: case kWalkCycles: case kPageFault:
      return true;
    default:
      return false;
  }
}

void Hpm::reset()
{
  m_event.fill(hpm_event::kNone);
  m_value.fill(0);
  m_base.fill(0);
  m_inhibit = 0;
}

uint64_t Hpm::counter(unsigned i) const
{
  if (inhibited(i) || m_event[i] == hpm_event::kNone)
    return m_value[i];
  return m_value[i] + (source(m_event[i]) - m_base[i]);
}

uint64_t Hpm::base_after_write(unsigned i) const
{
  // A counter of retired instructions starts after the writing instruction: the written
  // value is what the next one reads (privileged 2.2, counters modified as side effects).
  return source(m_event[i]) + (m_event[i] == hpm_event::kInstructions ? 1 : 0);
}

void Hpm::write_counter(unsigned i, uint64_t value)
{
  m_value[i] = value;
  m_base[i] = base_after_write(i);
}

void Hpm::write_event(unsigned i, uint64_t value)
{
  m_value[i] = counter(i);
  m_event[i] = supported(value) ? value : hpm_event::kNone;
  m_base[i] = base_after_write(i);
}

uint64_t Hpm::cycle(uint64_t cycles) const
{
  return inhibited(kCY) ? m_cycle_frozen : cycles + m_cycle_offset;
}

void Hpm::write_cycle(uint64_t cycles, uint64_t value)
{
  m_cycle_frozen = value;
  m_cycle_offset = value - cycles;
}

uint64_t Hpm::instret(uint64_t retired) const
{
  return inhibited(kIR) ? m_instret_frozen : retired + m_instret_offset;
}

void Hpm::write_instret(uint64_t retired, uint64_t value)
{
  m_instret_frozen = value;
  m_instret_offset = value - retired - 1;  // the writing instruction retires after
}

void Hpm::write_inhibit(uint64_t value, uint64_t cycles, uint64_t retired)
{
  const uint64_t next = value & ~uint64_t(2) & 0xffffffff;
  for (unsigned i = kFirst; i <= kLast; ++i) {
    if (((m_inhibit ^ next) >> i) & 1) {
      m_value[i] = counter(i);  // freeze, or restart from the frozen value
      m_base[i] = source(m_event[i]);
    }
  }
  if (((m_inhibit ^ next) >> kCY) & 1) {
    if (inhibited(kCY))
      m_cycle_offset = m_cycle_frozen - cycles;
    else
      m_cycle_frozen = cycles + m_cycle_offset;
  }
  if (((m_inhibit ^ next) >> kIR) & 1) {
    if (inhibited(kIR))
      m_instret_offset = m_instret_frozen - retired;
    else
      m_instret_frozen = retired + m_instret_offset;
  }
  m_inhibit = next;
}

void Hpm::restore_counter(unsigned i, uint64_t event, uint64_t value)
{
  m_event[i] = event;
  m_value[i] = value;
  m_base[i] = source(event);
}

void Hpm::restore_clock(uint64_t inhibit, uint64_t cycles, uint64_t mcycle, uint64_t retired,
                        uint64_t minstret)
{
  m_inhibit = inhibit;
  m_cycle_frozen = mcycle;
  m_cycle_offset = mcycle - cycles;
  m_instret_frozen = minstret;
  m_instret_offset = minstret - retired;
}

}  // namespace vmplat::cpu
