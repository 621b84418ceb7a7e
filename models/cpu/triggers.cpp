#include "models/cpu/triggers.h"

namespace vmplat::cpu {

namespace {

constexpr unsigned kTypeShift = 60;
constexpr uint64_t kTypeMcontrol = 2, kTypeMcontrol6 = 6, kTypeDisabled = 15;
// Fields both types share (debug spec 5.5, mcontrol and mcontrol6).
constexpr uint64_t kLoad = 1u << 0, kStore = 1u << 1, kExecute = 1u << 2, kU = 1u << 3,
                   kS = 1u << 4, kM = 1u << 6, kChain = 1u << 11;
constexpr uint64_t kModesAndKinds = kM | kS | kU | kExecute | kStore | kLoad;
constexpr unsigned kMatchShift = 7;
// mcontrol: hit, sizelo 17:16, sizehi 22:21. mcontrol6: hit0, hit1, size 18:16.
constexpr uint64_t kHit2 = uint64_t(1) << 20;
constexpr uint64_t kHit0 = uint64_t(1) << 22, kHit1 = uint64_t(1) << 25;

uint64_t type_of(uint64_t tdata1) { return tdata1 >> kTypeShift; }
bool is_match_type(uint64_t tdata1)
{
  return type_of(tdata1) == kTypeMcontrol || type_of(tdata1) == kTypeMcontrol6;
}

// The size field (access or instruction size the trigger is limited to) in bytes, 0: any.
unsigned size_bytes(uint64_t tdata1)
{
  const unsigned size = type_of(tdata1) == kTypeMcontrol
                            ? unsigned(((tdata1 >> 21) & 3) << 2 | ((tdata1 >> 16) & 3))
                            : unsigned((tdata1 >> 16) & 7);
  static constexpr unsigned kBytes[8] = {0, 1, 2, 4, 0, 8, 0, 0};
  return kBytes[size];
}
// Sizes the hart performs: any, 8, 16, 32 and 64 bits.
bool size_supported(unsigned size) { return size <= 3 || size == 5; }
bool match_supported(unsigned match, bool napot)
{
  switch (match) {
    case 0: case 2: case 3: case 4: case 5: case 8: case 12: case 13: return true;
    case 1: case 9: return napot;
    default: return false;
  }
}

// One compare value against tdata2 for match kinds 0..5 (8..13 negate them).
bool compare(unsigned kind, uint64_t v, uint64_t tdata2)
{
  switch (kind) {
    case 0: return v == tdata2;
    case 1: {
      // The top M bits must match, M = 63 - (index of the lowest 0 bit of tdata2).
      if (~tdata2 == 0)
        return true;
      const unsigned low = unsigned(__builtin_ctzll(~tdata2)) + 1;  // bits ignored
      return low >= 64 || (v >> low) == (tdata2 >> low);
    }
    case 2: return v >= tdata2;
    case 3: return v < tdata2;
    case 4: return (uint32_t(v) & uint32_t(tdata2 >> 32)) == uint32_t(tdata2);
    case 5: return (uint32_t(v >> 32) & uint32_t(tdata2 >> 32)) == uint32_t(tdata2);
  }
  return false;
}

}  // namespace

Triggers::Triggers(unsigned count)
    : m_tdata1(count > kMaxCount ? kMaxCount : count), m_tdata2(m_tdata1.size())
{
  reset();
}

void Triggers::reset()
{
  for (uint64_t& t : m_tdata1)
    t = kTypeMcontrol << kTypeShift;
  for (uint64_t& t : m_tdata2)
    t = 0;
  m_select = 0;
  update_armed();
}

void Triggers::write_tselect(uint64_t v)
{
  if (v < count())
    m_select = unsigned(v);
}

void Triggers::write_tdata1(uint64_t v)
{
  if (!count())
    return;
  const uint64_t type = type_of(v);
  uint64_t out = kTypeDisabled << kTypeShift;
  if (type == kTypeMcontrol || type == kTypeMcontrol6) {
    out = (type << kTypeShift) | (v & kModesAndKinds);
    unsigned match = unsigned(v >> kMatchShift) & 15;
    if (!match_supported(match, type == kTypeMcontrol6))
      match = 0;
    out |= uint64_t(match) << kMatchShift;
    if (m_select + 1 < count())
      out |= v & kChain;
    if (type == kTypeMcontrol) {
      unsigned size = unsigned(((v >> 21) & 3) << 2 | ((v >> 16) & 3));
      if (!size_supported(size))
        size = 0;
      out |= uint64_t(size >> 2) << 21 | uint64_t(size & 3) << 16 | (v & kHit2);
    } else {
      unsigned size = unsigned(v >> 16) & 7;
      if (!size_supported(size))
        size = 0;
      out |= uint64_t(size) << 16 | (v & (kHit0 | kHit1));
    }
  }
  m_tdata1[m_select] = out;
  update_armed();
}

void Triggers::write_tdata2(uint64_t v)
{
  if (!count())
    return;
  // mcontrol6 NAPOT (maskmax6 = 63): all ones in bits 62:0 clear bit 62.
  const uint64_t t1 = m_tdata1[m_select];
  const unsigned match = unsigned(t1 >> kMatchShift) & 7;
  const uint64_t low63 = ~uint64_t(0) >> 1;
  if (type_of(t1) == kTypeMcontrol6 && match == 1 && (v & low63) == low63)
    v &= ~(uint64_t(1) << 62);
  m_tdata2[m_select] = v;
}

void Triggers::update_armed()
{
  m_armed_execute = m_armed_access = false;
  for (uint64_t t : m_tdata1) {
    if (!is_match_type(t) || !(t & (kM | kS | kU)))
      continue;
    m_armed_execute |= (t & kExecute) != 0;
    m_armed_access |= (t & (kLoad | kStore)) != 0;
  }
}

bool Triggers::matches(unsigned i, Select what, uint64_t addr, unsigned size, unsigned len,
                       bool load, bool store, Priv p) const
{
  const uint64_t t1 = m_tdata1[i];
  if (!is_match_type(t1))
    return false;
  const uint64_t mode = p == Priv::kM ? kM : p == Priv::kS ? kS : kU;
  if (!(t1 & mode))
    return false;
  const unsigned limit = size_bytes(t1);
  unsigned values = size;
  if (what == Select::kExecute) {
    if (!(t1 & kExecute))
      return false;
    // Before the fetch only triggers of any size are asked, after it only sized ones.
    if (len == 0 ? limit != 0 : limit != len)
      return false;
    values = 1;  // the pc
  } else {
    if (!((load && (t1 & kLoad)) || (store && (t1 & kStore))))
      return false;
    if (limit && limit != size)
      return false;
  }
  const unsigned match = unsigned(t1 >> kMatchShift) & 15;
  bool any = false;
  for (unsigned k = 0; k < values && !any; ++k)
    any = compare(match & 7, addr + k, m_tdata2[i]);
  return (match & 8) ? !any : any;
}

bool Triggers::fire(Select what, uint64_t addr, unsigned size, unsigned len, bool load,
                    bool store, Priv p)
{
  // A chain fires when all its triggers match; only its last trigger's action counts.
  bool fired = false, chain_ok = true;
  unsigned chain_start = 0;
  for (unsigned i = 0; i < count(); ++i) {
    const bool m = matches(i, what, addr, size, len, load, store, p);
    if (is_match_type(m_tdata1[i]) && (m_tdata1[i] & kChain)) {
      chain_ok = chain_ok && m;
      continue;
    }
    if (chain_ok && m) {
      fired = true;
      for (unsigned j = chain_start; j <= i; ++j) {
        uint64_t& t = m_tdata1[j];
        t = type_of(t) == kTypeMcontrol ? t | kHit2 : (t & ~kHit1) | kHit0;
      }
    }
    chain_ok = true;
    chain_start = i + 1;
  }
  return fired;
}

bool Triggers::fire_execute(uint64_t pc, unsigned len, Priv p)
{
  return m_armed_execute && fire(Select::kExecute, pc, 0, len, false, false, p);
}

bool Triggers::fire_access(uint64_t addr, unsigned size, bool load, bool store, Priv p)
{
  return m_armed_access && fire(Select::kAccess, addr, size, 0, load, store, p);
}

void Triggers::save_state(nlohmann::json& j) const
{
  j["select"] = m_select;
  j["tdata1"] = m_tdata1;
  j["tdata2"] = m_tdata2;
}

void Triggers::restore_state(const common::StateIn& in)
{
  const unsigned select = in.get<unsigned>("select");
  if (select >= count())
    in.bad("select", "is not below the trigger count " + std::to_string(count()));
  m_select = select;
  in.get_array("tdata1", m_tdata1.data(), count());
  in.get_array("tdata2", m_tdata2.data(), count());
  // Only what a tdata1 write can leave (write_tdata1's WARL rules).
  for (unsigned i = 0; i < count(); ++i) {
    const uint64_t v = m_tdata1[i];
    m_select = i;
    write_tdata1(v);
    if (m_tdata1[i] != v)
      in.bad("tdata1", "holds trigger " + std::to_string(i) + " with a value no tdata1 write leaves");
  }
  m_select = select;
  update_armed();
}

}  // namespace vmplat::cpu
