#include "models/cpu/hart_group.h"

#include <algorithm>
#include <stdexcept>

#include "models/cpu/hart.h"
#include "models/cpu/hart_internal.h"

namespace vmplat::cpu {

unsigned HartGroup::add(Hart* hart)
{
  if (m_harts.size() >= kMaxHarts)
    throw std::logic_error("HartGroup: more than " + std::to_string(kMaxHarts) + " harts");
  m_harts.push_back(hart);
  return unsigned(m_harts.size() - 1);
}

uint16_t* HartGroup::marks_for(uint64_t base, uint64_t size)
{
  if (m_marks.empty()) {
    m_base = base;
    m_size = size;
    m_marks.assign((size + kPageSize - 1) / kPageSize, 0);
  }
  return base == m_base && size == m_size ? m_marks.data() : nullptr;
}

uint16_t* HartGroup::mark_of(uint64_t pa)
{
  const uint64_t off = pa - m_base;
  return off < m_size ? &m_marks[off / kPageSize] : nullptr;
}

void HartGroup::mark_code(unsigned id, uint64_t pa)
{
  if (uint16_t* mark = mark_of(pa))
    *mark |= uint16_t(1u << id);
}

void HartGroup::clear_code_mark(unsigned id, uint64_t pa)
{
  if (uint16_t* mark = mark_of(pa))
    *mark &= uint16_t(~(1u << id));
}

void HartGroup::note_write(uint64_t pa, uint64_t len)
{
  const uint64_t last = pa + len - 1;
  // Harts whose decoded code the write may hit: those marked on its pages, or all of them
  // outside the marked region.
  unsigned code = 0;
  bool parked = false;
  for (uint64_t page = pa / kPageSize; page <= last / kPageSize; ++page) {
    const uint16_t* mark = mark_of(page * kPageSize);
    const uint16_t m = mark ? *mark : uint16_t((1u << m_harts.size()) - 1) | kParked;
    code |= m & ~kParked;
    parked = parked || (m & kParked);
  }
  for (unsigned id = 0; code; ++id, code >>= 1)
    if (code & 1)
      m_harts[id]->drop_decoded(pa, len);
  if (!parked || !m_parked_count)
    return;
  for (Parked& p : m_parked)
    if (p.valid && pa < p.set + kReservationBytes && last >= p.set)
      p.broken = true;
}

void HartGroup::park(unsigned id, uint64_t pa)
{
  Parked& p = m_parked[id];
  p = {true, false, pa & ~(kReservationBytes - 1)};
  ++m_parked_count;
  if (uint16_t* mark = mark_of(p.set))
    *mark |= kParked;
}

bool HartGroup::unpark(unsigned id)
{
  Parked& p = m_parked[id];
  const bool intact = !p.broken;
  p.valid = false;
  --m_parked_count;
  // The page keeps its mark while another parked reservation lies in it.
  if (uint16_t* mark = mark_of(p.set)) {
    const bool other = std::any_of(m_parked.begin(), m_parked.end(), [&](const Parked& q) {
      return q.valid && q.set / kPageSize == p.set / kPageSize;
    });
    if (!other)
      *mark &= uint16_t(~kParked);
  }
  return intact;
}

}  // namespace vmplat::cpu
