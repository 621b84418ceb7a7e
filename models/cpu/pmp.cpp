#include "models/cpu/pmp.h"

#include <algorithm>

namespace vmplat::cpu {

namespace {

constexpr uint64_t kAddrMask = (uint64_t(1) << 54) - 1;  // pmpaddr holds bits 55:2 (RV64)

}  // namespace

Pmp::Pmp(unsigned entries, uint64_t granularity) : m_count(entries), m_g(0)
{
  if (m_count > kMaxEntries)
    m_count = kMaxEntries;
  while ((uint64_t(4) << m_g) < granularity)
    ++m_g;
  reset();
}

void Pmp::reset()
{
  m_cfg.fill(0);
  m_addr.fill(0);
  rebuild();
}

bool Pmp::locked(unsigned i) const { return (m_cfg[i] & kL) != 0; }

uint64_t Pmp::read_cfg(unsigned n) const
{
  uint64_t v = 0;
  for (unsigned k = 0; k < 8; ++k) {
    const unsigned i = n * 4 + k;
    if (i < m_count)
      v |= uint64_t(m_cfg[i]) << (8 * k);
  }
  return v;
}

void Pmp::write_cfg(unsigned n, uint64_t value)
{
  for (unsigned k = 0; k < 8; ++k) {
    const unsigned i = n * 4 + k;
    if (i >= m_count || locked(i))
      continue;
    m_cfg[i] = legal_cfg(uint8_t(value >> (8 * k)));
  }
  rebuild();
}

uint8_t Pmp::legal_cfg(uint8_t cfg) const
{
  cfg &= kL | (3 << kAShift) | kX | kW | kR;
  if ((cfg & (kR | kW)) == kW)  // R=0, W=1 is reserved
    cfg &= uint8_t(~kW);
  if (m_g >= 1 && mode_of(cfg) == kNa4)  // NA4 is not selectable with G >= 1
    cfg |= uint8_t(kNapot << kAShift);
  return cfg;
}

uint64_t Pmp::addr_as_read(unsigned i) const
{
  const uint64_t v = m_addr[i];
  if (mode_of(m_cfg[i]) & 2)  // NAPOT (NA4 only exists with G = 0)
    return m_g >= 2 ? v | ((uint64_t(1) << (m_g - 1)) - 1) : v;
  return v & ~((uint64_t(1) << m_g) - 1);
}

uint64_t Pmp::tor_bound(unsigned i) const
{
  return (m_addr[i] & ~((uint64_t(1) << m_g) - 1)) << 2;
}

uint64_t Pmp::read_addr(unsigned i) const { return i < m_count ? addr_as_read(i) : 0; }

void Pmp::write_addr(unsigned i, uint64_t value)
{
  if (i >= m_count || locked(i))
    return;
  // A locked TOR entry also locks the address below it, its lower bound.
  if (i + 1 < m_count && locked(i + 1) && mode_of(m_cfg[i + 1]) == kTor)
    return;
  m_addr[i] = value & kAddrMask;
  rebuild();
}

void Pmp::rebuild()
{
  m_rule_count = 0;
  for (unsigned i = 0; i < m_count; ++i) {
    Rule r{0, 0, m_cfg[i]};
    switch (mode_of(m_cfg[i])) {
      case kOff:
        continue;
      case kTor: {
        r.lo = i ? tor_bound(i - 1) : 0;
        const uint64_t top = tor_bound(i);
        if (top <= r.lo)
          continue;  // an empty range matches nothing
        r.hi = top - 1;
        break;
      }
      case kNa4:
        r.lo = m_addr[i] << 2;
        r.hi = r.lo + 3;
        break;
      case kNapot: {
        // pmpaddr = base/4 with t trailing ones: a region of 2^(t+3) bytes.
        const uint64_t a = addr_as_read(i);
        unsigned t = 0;
        while (t < 54 && ((a >> t) & 1))
          ++t;
        const uint64_t size = uint64_t(1) << (t + 3);
        r.lo = ((a >> (t + 1)) << (t + 1)) << 2;
        r.hi = r.lo + (size - 1);
        break;
      }
    }
    m_rules[m_rule_count++] = r;
  }
}

Pmp::Decision Pmp::decide(uint64_t pa, unsigned size, uint8_t perms, Priv p) const
{
  const uint64_t lo = pa;
  const uint64_t hi = pa + (size - 1);
  // The window of the same answer shrinks past every entry that does not match: accesses
  // beyond it would meet that entry first.
  Decision d{false, 0, ~uint64_t(0)};
  for (unsigned k = 0; k < m_rule_count; ++k) {
    const Rule& r = m_rules[k];
    if (r.hi < lo) {
      d.lo = std::max(d.lo, r.hi + 1);
      continue;
    }
    if (r.lo > hi) {
      d.hi = std::min(d.hi, r.lo - 1);
      continue;
    }
    if (r.lo > lo || r.hi < hi) {  // matches some bytes but not all
      d.lo = d.hi = pa;
      return d;
    }
    d.lo = std::max(d.lo, r.lo);
    d.hi = std::min(d.hi, r.hi);
    d.allowed = (p == Priv::kM && !(r.cfg & kL)) || (r.cfg & perms) == perms;
    return d;
  }
  d.allowed = p == Priv::kM || m_count == 0;
  return d;
}

Pmp::Decision Pmp::check(uint64_t pa, unsigned size, AccessKind kind, Priv p)
{
  static constexpr uint8_t kNeed[3] = {kX, kR, kW};
  ++m_checks;
  const Decision d = decide(pa, size, kNeed[unsigned(kind)], p);
  if (!d.allowed)
    ++m_faults[unsigned(kind)];
  return d;
}

bool Pmp::walker_may_access(uint64_t pa, unsigned size, bool write, bool counted)
{
  if (!m_count)
    return true;
  const bool ok = decide(pa, size, write ? kW : kR, Priv::kS).allowed;
  if (counted) {
    ++m_checks;
    if (!ok)
      ++m_walker_faults;
  }
  return ok;
}

void Pmp::save_state(nlohmann::json& j) const
{
  j["entries"] = m_count;
  j["granularity"] = granularity();
  j["cfg"] = std::vector<uint64_t>(m_cfg.begin(), m_cfg.begin() + m_count);
  j["addr"] = std::vector<uint64_t>(m_addr.begin(), m_addr.begin() + m_count);
}

void Pmp::restore_state(const common::StateIn& in)
{
  if (in.get<unsigned>("entries") != m_count || in.get<uint64_t>("granularity") != granularity())
    in.bad("entries", "or granularity differs from this hart's: a checkpoint cannot change PMP");
  in.get_array("cfg", m_cfg.data(), m_count);
  in.get_array("addr", m_addr.data(), m_count);
  // Only what pmpcfg and pmpaddr writes can leave (the WARL rules above).
  for (unsigned i = 0; i < m_count; ++i) {
    if (m_cfg[i] != legal_cfg(m_cfg[i]))
      in.bad("cfg", "holds entry " + std::to_string(i) + " with a value no pmpcfg write leaves");
    if (m_addr[i] & ~kAddrMask)
      in.bad("addr", "holds entry " + std::to_string(i) + " with bits above pmpaddr's 53:0");
  }
  rebuild();
}

}  // namespace vmplat::cpu
