// cpu::Pmp, the PMP matcher and CSR file (privileged spec 3.7), without a hart: address
// matching (TOR, NA4, NAPOT), R/W/X, the L bit and M mode, priority by entry order,
// partial matches, granularity, the WARL rules and locks, and the whole-page answer the
// hart caches decisions with.
#include <catch2/catch.hpp>

#include "models/cpu/pmp.h"

using vmplat::cpu::AccessKind;
using vmplat::cpu::Pmp;
using vmplat::cpu::Priv;

namespace {

constexpr uint8_t kR = Pmp::kR, kW = Pmp::kW, kX = Pmp::kX, kL = Pmp::kL;
constexpr uint8_t kTor = Pmp::kTor << Pmp::kAShift, kNa4 = Pmp::kNa4 << Pmp::kAShift,
                  kNapot = Pmp::kNapot << Pmp::kAShift;

// Sets entry i's pmpcfg byte, leaving the others of its pmpcfg register alone.
void set_cfg(Pmp& pmp, unsigned i, uint8_t cfg)
{
  const unsigned n = (i / 8) * 2;
  const unsigned shift = 8 * (i % 8);
  const uint64_t v = (pmp.read_cfg(n) & ~(uint64_t(0xff) << shift)) | (uint64_t(cfg) << shift);
  pmp.write_cfg(n, v);
}
uint8_t cfg_of(const Pmp& pmp, unsigned i)
{
  return uint8_t(pmp.read_cfg((i / 8) * 2) >> (8 * (i % 8)));
}

// pmpaddr of a NAPOT region of `size` bytes (a power of two >= 8) at base.
uint64_t napot(uint64_t base, uint64_t size) { return (base >> 2) | ((size >> 3) - 1); }

bool allowed(const Pmp& pmp, uint64_t pa, unsigned size, uint8_t perms, Priv p)
{
  return pmp.decide(pa, size, perms, p).allowed;
}

}  // namespace

TEST_CASE("no entry matches: M succeeds, S and U fail, and with no entries nothing is checked")
{
  Pmp pmp(16);
  CHECK(allowed(pmp, 0x80000000, 8, kR, Priv::kM));
  CHECK_FALSE(allowed(pmp, 0x80000000, 8, kR, Priv::kS));
  CHECK_FALSE(allowed(pmp, 0x80000000, 4, kX, Priv::kU));
  CHECK(pmp.applies(Priv::kS));
  CHECK_FALSE(pmp.applies(Priv::kM));  // no active entry: M needs no check at all

  Pmp none(0);
  CHECK(allowed(none, 0x80000000, 8, kW, Priv::kU));
  CHECK_FALSE(none.applies(Priv::kU));
  none.write_cfg(0, 0x1f);
  none.write_addr(0, 0x1234);
  CHECK(none.read_cfg(0) == 0);  // unimplemented entries are read-only zero
  CHECK(none.read_addr(0) == 0);
}

TEST_CASE("TOR: pmpaddr[i-1] <= a < pmpaddr[i], from 0 for entry 0")
{
  Pmp pmp(16);
  pmp.write_addr(0, 0x80001000 >> 2);
  set_cfg(pmp, 0, kTor | kR);  // [0, 0x80001000)
  pmp.write_addr(1, 0x80003000 >> 2);
  set_cfg(pmp, 1, kTor | kR | kW);  // [0x80001000, 0x80003000)
  CHECK(allowed(pmp, 0x10, 4, kR, Priv::kS));
  CHECK(allowed(pmp, 0x80000ffc, 4, kR, Priv::kS));
  CHECK_FALSE(allowed(pmp, 0x80000ffc, 4, kW, Priv::kS));
  CHECK(allowed(pmp, 0x80001000, 4, kW, Priv::kS));
  CHECK(allowed(pmp, 0x80002ff8, 8, kW, Priv::kU));
  CHECK_FALSE(allowed(pmp, 0x80003000, 1, kR, Priv::kS));  // top is exclusive
  CHECK_FALSE(allowed(pmp, 0x80001000, 4, kX, Priv::kS));
  // A bottom at or above the top matches nothing.
  pmp.write_addr(1, 0x80000800 >> 2);
  CHECK(allowed(pmp, 0x80000800, 4, kR, Priv::kS));  // still entry 0
  CHECK_FALSE(allowed(pmp, 0x80001000, 4, kR, Priv::kS));
}

TEST_CASE("NA4 and NAPOT regions, up to the whole address space")
{
  Pmp pmp(16);
  pmp.write_addr(0, 0x80000010 >> 2);
  set_cfg(pmp, 0, kNa4 | kR);
  CHECK(allowed(pmp, 0x80000010, 4, kR, Priv::kS));
  CHECK_FALSE(allowed(pmp, 0x80000014, 4, kR, Priv::kS));
  CHECK_FALSE(allowed(pmp, 0x8000000c, 4, kR, Priv::kS));

  pmp.write_addr(1, napot(0x80100000, 0x10000));  // 64 KiB
  set_cfg(pmp, 1, kNapot | kR | kW | kX);
  CHECK(allowed(pmp, 0x80100000, 8, kW, Priv::kS));
  CHECK(allowed(pmp, 0x8010fff8, 8, kX, Priv::kU));
  CHECK_FALSE(allowed(pmp, 0x80110000, 8, kR, Priv::kS));
  CHECK_FALSE(allowed(pmp, 0x800ffff8, 8, kR, Priv::kS));

  pmp.write_addr(2, napot(0x80200000, 8));  // the smallest NAPOT region: 8 bytes
  set_cfg(pmp, 2, kNapot | kR);
  CHECK(allowed(pmp, 0x80200004, 4, kR, Priv::kS));
  CHECK_FALSE(allowed(pmp, 0x80200008, 4, kR, Priv::kS));

  pmp.write_addr(3, ~uint64_t(0));  // all ones: every address below 2^57
  set_cfg(pmp, 3, kNapot | kR);
  CHECK(pmp.read_addr(3) == (uint64_t(1) << 54) - 1);  // bits 63:54 are zero (RV64)
  CHECK(allowed(pmp, 0x0, 8, kR, Priv::kU));
  CHECK(allowed(pmp, 0x00ff'ffff'ffff'fff8, 8, kR, Priv::kU));
}

TEST_CASE("priority: the lowest-numbered matching entry decides, even against later ones")
{
  Pmp pmp(16);
  pmp.write_addr(0, napot(0x80000000, 0x1000));
  set_cfg(pmp, 0, kNapot);  // no permissions
  pmp.write_addr(1, ~uint64_t(0));
  set_cfg(pmp, 1, kNapot | kR | kW | kX);
  CHECK_FALSE(allowed(pmp, 0x80000100, 4, kR, Priv::kS));
  CHECK(allowed(pmp, 0x80001000, 4, kR, Priv::kS));
  // Reordered: the all-memory entry first wins everywhere.
  Pmp other(16);
  other.write_addr(0, ~uint64_t(0));
  set_cfg(other, 0, kNapot | kR | kW | kX);
  other.write_addr(1, napot(0x80000000, 0x1000));
  set_cfg(other, 1, kNapot);
  CHECK(allowed(other, 0x80000100, 4, kR, Priv::kS));
}

TEST_CASE("an entry matching only some bytes of an access fails it, in M mode too")
{
  Pmp pmp(16);
  pmp.write_addr(0, napot(0x80000000, 0x1000));
  set_cfg(pmp, 0, kNapot | kR | kW);
  pmp.write_addr(1, ~uint64_t(0));
  set_cfg(pmp, 1, kNapot | kR | kW);
  const Pmp::Decision d = pmp.decide(0x80000ffc, 8, kR, Priv::kS);
  CHECK_FALSE(d.allowed);
  CHECK_FALSE(d.whole_page(0x80000ffc));
  CHECK_FALSE(allowed(pmp, 0x80000ffc, 8, kR, Priv::kM));  // irrespective of L
  CHECK(pmp.applies(Priv::kM));
  CHECK(allowed(pmp, 0x80000ff8, 8, kR, Priv::kM));
}

TEST_CASE("M mode: unlocked entries do not restrict it, locked ones do (and S/U too)")
{
  Pmp pmp(16);
  pmp.write_addr(0, napot(0x80000000, 0x1000));
  set_cfg(pmp, 0, kNapot | kR);
  CHECK(allowed(pmp, 0x80000000, 8, kW, Priv::kM));
  CHECK(allowed(pmp, 0x80000000, 4, kX, Priv::kM));
  CHECK_FALSE(allowed(pmp, 0x80000000, 8, kW, Priv::kS));
  set_cfg(pmp, 0, kNapot | kR | kL);
  CHECK_FALSE(allowed(pmp, 0x80000000, 8, kW, Priv::kM));
  CHECK(allowed(pmp, 0x80000000, 8, kR, Priv::kM));
  CHECK(allowed(pmp, 0x80001000, 8, kW, Priv::kM));  // outside: no match, M succeeds
}

TEST_CASE("stores need W, which implies R (so AMOs are decided), fetches need X")
{
  Pmp pmp(16);
  pmp.write_addr(0, ~uint64_t(0));
  set_cfg(pmp, 0, kNapot | kW | kR);
  CHECK(pmp.check(0x80000000, 8, AccessKind::kStore, Priv::kS).allowed);
  CHECK_FALSE(pmp.check(0x80000000, 4, AccessKind::kFetch, Priv::kS).allowed);
  set_cfg(pmp, 0, kNapot | kW | kX);  // R=0, W=1 is reserved: W is cleared
  CHECK(cfg_of(pmp, 0) == (kNapot | kX));
  CHECK_FALSE(pmp.check(0x80000000, 8, AccessKind::kStore, Priv::kS).allowed);
  CHECK(pmp.check(0x80000000, 4, AccessKind::kFetch, Priv::kS).allowed);
  CHECK(pmp.checks() == 4);
  CHECK(pmp.faults(AccessKind::kStore) == 1);
  CHECK(pmp.faults(AccessKind::kFetch) == 1);
  CHECK(pmp.faults(AccessKind::kLoad) == 0);
}

TEST_CASE("pmpcfg WARL: bits 6:5 read zero, only even pmpcfg numbers hold entries")
{
  Pmp pmp(64);
  pmp.write_cfg(0, 0x7f7f7f7f7f7f7f7f);
  CHECK(pmp.read_cfg(0) == 0x1f1f1f1f1f1f1f1f);
  pmp.write_cfg(14, 0x0d);
  CHECK(pmp.read_cfg(14) == 0x0d);  // entry 56 exists with 64 entries
  Pmp sixteen(16);
  sixteen.write_cfg(4, 0x0d);
  CHECK(sixteen.read_cfg(4) == 0);  // entries 16.. are not implemented
  sixteen.write_addr(16, 0x1234);
  CHECK(sixteen.read_addr(16) == 0);
}

TEST_CASE("locks: a locked entry ignores writes, a locked TOR also locks the address below")
{
  Pmp pmp(16);
  pmp.write_addr(0, 0x1000);
  pmp.write_addr(1, 0x2000);
  set_cfg(pmp, 1, kTor | kR | kL);
  pmp.write_addr(0, 0x5555);
  pmp.write_addr(1, 0x6666);
  CHECK(pmp.read_addr(0) == 0x1000);
  CHECK(pmp.read_addr(1) == 0x2000);
  set_cfg(pmp, 1, kNapot | kR | kW | kX);
  CHECK(cfg_of(pmp, 1) == (kTor | kR | kL));
  set_cfg(pmp, 0, kNapot | kR);  // entry 0's own cfg is not locked
  CHECK(cfg_of(pmp, 0) == (kNapot | kR));
  // A locked NAPOT entry does not lock its neighbour.
  Pmp napot_lock(16);
  set_cfg(napot_lock, 1, kNapot | kR | kL);
  napot_lock.write_addr(0, 0x77);
  CHECK(napot_lock.read_addr(0) == 0x77);
  pmp.reset();
  CHECK(pmp.read_cfg(0) == 0);
  pmp.write_addr(0, 0x5555);
  CHECK(pmp.read_addr(0) == 0x5555);
}

TEST_CASE("granularity: low pmpaddr bits read by mode, NA4 becomes NAPOT, TOR rounds down")
{
  Pmp pmp(16, 4096);  // G = 10
  CHECK(pmp.granularity() == 4096);
  pmp.write_addr(0, 0x20000123);
  CHECK(pmp.read_addr(0) == 0x20000000);  // OFF: bits 9:0 read zero
  set_cfg(pmp, 0, kNapot | kR);
  CHECK(pmp.read_addr(0) == 0x200001ff);  // NAPOT: bits 8:0 read one
  set_cfg(pmp, 0, kTor | kR);
  CHECK(pmp.read_addr(0) == 0x20000000);
  set_cfg(pmp, 0, kNapot | kR);
  CHECK(pmp.read_addr(0) == 0x200001ff);  // the stored bits are kept
  set_cfg(pmp, 1, kNa4 | kR);
  CHECK(cfg_of(pmp, 1) == (kNapot | kR));
  // NAPOT with the written low bits zero is the granule: 4 KiB.
  pmp.write_addr(1, 0x80004000 >> 2);
  CHECK(allowed(pmp, 0x80004ff8, 8, kR, Priv::kS));
  CHECK_FALSE(allowed(pmp, 0x80005000, 8, kR, Priv::kS));
  // TOR bounds ignore the bits below the granule.
  Pmp tor(16, 4096);
  tor.write_addr(0, (0x80001000 >> 2) | 0x3ff);
  tor.write_addr(1, (0x80003000 >> 2) | 0x3ff);
  set_cfg(tor, 1, kTor | kR);
  CHECK(allowed(tor, 0x80001000, 4, kR, Priv::kS));
  CHECK_FALSE(allowed(tor, 0x80003000, 4, kR, Priv::kS));
}

TEST_CASE("the answer's window: the addresses around an access that get the same answer")
{
  Pmp pmp(16);
  pmp.write_addr(0, napot(0x80000000, 0x100));
  set_cfg(pmp, 0, kNapot);
  pmp.write_addr(1, ~uint64_t(0));
  set_cfg(pmp, 1, kNapot | kR);
  Pmp::Decision d = pmp.decide(0x80000800, 8, kR, Priv::kS);
  CHECK(d.allowed);
  CHECK(d.lo == 0x80000100);  // entry 0 lies below: its region is excluded
  CHECK(d.hi == (uint64_t(1) << 57) - 1);
  CHECK_FALSE(d.whole_page(0x80000800));
  CHECK(pmp.decide(0x80001800, 8, kR, Priv::kS).whole_page(0x80001800));
  d = pmp.decide(0x80000010, 8, kR, Priv::kS);  // inside entry 0: its region exactly
  CHECK_FALSE(d.allowed);
  CHECK(d.lo == 0x80000000);
  CHECK(d.hi == 0x800000ff);

  Pmp empty(16);
  d = empty.decide(0x80001800, 8, kR, Priv::kS);  // denied everywhere
  CHECK(d.lo == 0);
  CHECK(d.hi == ~uint64_t(0));
  empty.write_addr(0, 0x80001800 >> 2);
  set_cfg(empty, 0, kTor | kR);  // [0, 0x80001800): ends inside the page
  d = empty.decide(0x80001900, 8, kR, Priv::kS);
  CHECK(d.lo == 0x80001800);
  CHECK_FALSE(d.whole_page(0x80001900));
  CHECK(empty.decide(0x80000900, 8, kR, Priv::kS).whole_page(0x80000900));
}

TEST_CASE("the walker's accesses are S-mode loads and stores, counted when real")
{
  Pmp pmp(16);
  pmp.write_addr(0, ~uint64_t(0));
  set_cfg(pmp, 0, kNapot | kR | kL);
  CHECK(pmp.walker_may_access(0x80001000, 8, false, true));
  CHECK_FALSE(pmp.walker_may_access(0x80001000, 8, true, true));
  CHECK_FALSE(pmp.walker_may_access(0x80001000, 8, true, false));
  CHECK(pmp.checks() == 2);
  CHECK(pmp.walker_faults() == 1);
  Pmp none(0);
  CHECK(none.walker_may_access(0x80001000, 8, true, true));
}
