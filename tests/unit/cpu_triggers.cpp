// cpu::Triggers, the Sdtrig trigger module (debug spec 1.0, chapter 5), without a hart: the
// CSRs' WARL rules, match kinds (equal, NAPOT, ge, lt, mask low/high, negations), sizes,
// mode bits, chains and hit bits. sw/tests/isa/triggers.c covers the same through the hart.
#include <catch2/catch.hpp>

#include "models/cpu/triggers.h"

using vmplat::cpu::Priv;
using vmplat::cpu::Triggers;

namespace {

constexpr uint64_t kLoad = 1, kStore = 2, kExec = 4, kU = 8, kS = 16, kM = 64;
constexpr uint64_t kChain = 1u << 11;
uint64_t type(uint64_t t) { return t << 60; }
uint64_t match(uint64_t m) { return m << 7; }

void set(Triggers& t, unsigned i, uint64_t tdata1, uint64_t tdata2)
{
  t.write_tselect(i);
  t.write_tdata2(tdata2);
  t.write_tdata1(tdata1);
}

}  // namespace

TEST_CASE("tselect holds 0..count-1 and ignores larger values, reset is type 2 and disabled")
{
  Triggers t(4);
  t.write_tselect(3);
  CHECK(t.tselect() == 3);
  t.write_tselect(4);
  CHECK(t.tselect() == 3);
  CHECK(t.tdata1() == type(2));
  CHECK_FALSE(t.armed());
  CHECK((Triggers::kTinfo >> 24) == 1);  // version 1
  CHECK((Triggers::kTinfo & 0xffff) == ((1u << 2) | (1u << 6) | (1u << 15)));
}

TEST_CASE("tdata1 WARL: unsupported types disable, unsupported fields read as zero")
{
  Triggers t(2);
  t.write_tdata1(0);
  CHECK(t.tdata1() == type(15));
  t.write_tdata1(type(4) | kM | kLoad);
  CHECK(t.tdata1() == type(15));
  // mcontrol: dmode, maskmax, select, timing, action != 0 and NAPOT read as zero.
  t.write_tdata1(type(2) | (1ull << 59) | (0x3full << 53) | (1u << 19) | (1u << 18) |
                 (1u << 12) | match(1) | kM | kS | kU | kLoad);
  CHECK(t.tdata1() == (type(2) | kM | kS | kU | kLoad));
  // mcontrol6: vs, vu, uncertain(en), select; size 4 (48 bit) unsupported; NAPOT kept.
  t.write_tdata1(type(6) | (1u << 24) | (1u << 23) | (1u << 26) | (1u << 5) | (1u << 21) |
                 (4u << 16) | match(1) | kM | kStore);
  CHECK(t.tdata1() == (type(6) | match(1) | kM | kStore));
  t.write_tdata1(type(6) | (5u << 16) | kM | kStore);  // 64-bit size kept
  CHECK(t.tdata1() == (type(6) | (5u << 16) | kM | kStore));
  t.write_tselect(1);
  t.write_tdata1(type(6) | kChain | kM | kLoad);  // the last trigger cannot chain
  CHECK(t.tdata1() == (type(6) | kM | kLoad));
}

TEST_CASE("match kinds over every byte accessed, and their negations")
{
  Triggers t(1);
  set(t, 0, type(6) | kM | kLoad | match(0), 0x1003);
  CHECK(t.fire_access(0x1000, 4, true, false, Priv::kM));
  CHECK_FALSE(t.fire_access(0x1004, 4, true, false, Priv::kM));
  CHECK_FALSE(t.fire_access(0x1000, 4, false, true, Priv::kM));  // a store
  set(t, 0, type(6) | kM | kLoad | match(8), 0x1003);  // not equal
  CHECK_FALSE(t.fire_access(0x1000, 4, true, false, Priv::kM));
  CHECK(t.fire_access(0x1004, 4, true, false, Priv::kM));
  set(t, 0, type(6) | kM | kLoad | match(1), 0x2007);  // NAPOT: 0x2000..0x200f
  CHECK(t.fire_access(0x200c, 4, true, false, Priv::kM));
  CHECK_FALSE(t.fire_access(0x2010, 4, true, false, Priv::kM));
  set(t, 0, type(6) | kM | kLoad | match(2), 0x3000);  // >=
  CHECK(t.fire_access(0x2ffc, 8, true, false, Priv::kM));
  CHECK_FALSE(t.fire_access(0x2ff8, 8, true, false, Priv::kM));
  set(t, 0, type(6) | kM | kLoad | match(3), 0x3000);  // <
  CHECK(t.fire_access(0x2ffc, 8, true, false, Priv::kM));
  CHECK_FALSE(t.fire_access(0x3000, 1, true, false, Priv::kM));
  // mask low: (value[31:0] & tdata2[63:32]) == tdata2[31:0]
  set(t, 0, type(2) | kM | kStore | match(4), (0xffff0000ull << 32) | 0x12340000);
  CHECK(t.fire_access(0x9999'1234'5678, 1, false, true, Priv::kM));
  CHECK_FALSE(t.fire_access(0x1235'0000, 1, false, true, Priv::kM));
  set(t, 0, type(2) | kM | kStore | match(5), (0xffffull << 32) | 0x9999);  // mask high
  CHECK(t.fire_access(0x9999'1234'5678, 1, false, true, Priv::kM));
  set(t, 0, type(2) | kM | kStore | match(13), (0xffffull << 32) | 0x9999);
  CHECK_FALSE(t.fire_access(0x9999'1234'5678, 1, false, true, Priv::kM));
}

TEST_CASE("modes, sizes, execute before and after the fetch, chains and hit bits")
{
  Triggers t(3);
  set(t, 0, type(2) | kS | kExec, 0x8000);
  CHECK(t.armed_execute());
  CHECK_FALSE(t.armed_access());
  CHECK_FALSE(t.fire_execute(0x8000, 0, Priv::kM));
  CHECK_FALSE(t.fire_execute(0x8000, 0, Priv::kU));
  CHECK(t.fire_execute(0x8000, 0, Priv::kS));
  CHECK_FALSE(t.fire_execute(0x8000, 4, Priv::kS));  // any-size triggers fire before a fetch
  t.write_tselect(0);
  CHECK((t.tdata1() & (1u << 20)) != 0);              // mcontrol hit
  // A trigger limited to 16-bit instructions is asked after the fetch only.
  set(t, 0, type(6) | (2u << 16) | kS | kExec, 0x8000);
  CHECK_FALSE(t.fire_execute(0x8000, 0, Priv::kS));
  CHECK_FALSE(t.fire_execute(0x8000, 4, Priv::kS));
  CHECK(t.fire_execute(0x8000, 2, Priv::kS));
  CHECK((t.tdata1() & ((1u << 22) | (1u << 25))) == (1u << 22));  // mcontrol6 hit0: before
  // A chain of 0 and 1 fires only when both match; trigger 2 stands alone.
  set(t, 0, type(6) | kM | kLoad | match(2) | kChain, 0x100);
  set(t, 1, type(6) | kM | kLoad | match(3), 0x200);
  set(t, 2, type(2) | kU | kLoad, 0x250);
  CHECK(t.fire_access(0x180, 8, true, false, Priv::kM));
  CHECK_FALSE(t.fire_access(0x80, 8, true, false, Priv::kM));
  CHECK_FALSE(t.fire_access(0x200, 8, true, false, Priv::kM));
  CHECK_FALSE(t.fire_access(0x250, 4, true, false, Priv::kM));  // trigger 2 is U only
  CHECK(t.fire_access(0x250, 4, true, false, Priv::kU));
  t.write_tselect(2);
  CHECK((t.tdata1() & (1u << 20)) != 0);
}

TEST_CASE("ge and lt at their bound: tdata2 itself is >= tdata2 and not < tdata2")
{
  // Debug spec 5.7.11: match 2 fires when a byte's address is greater than or equal to
  // tdata2, match 3 when it is less; a one-byte access at tdata2 tells them from > and <=.
  Triggers t(1);
  set(t, 0, type(6) | kM | kLoad | match(2), 0x3000);
  CHECK(t.fire_access(0x3000, 1, true, false, Priv::kM));
  CHECK_FALSE(t.fire_access(0x2fff, 1, true, false, Priv::kM));
  set(t, 0, type(6) | kM | kExec | match(2), 0x8000);
  CHECK(t.fire_execute(0x8000, 0, Priv::kM));
  set(t, 0, type(6) | kM | kLoad | match(3), 0x3000);
  CHECK(t.fire_access(0x2fff, 1, true, false, Priv::kM));
  CHECK_FALSE(t.fire_access(0x3000, 1, true, false, Priv::kM));
}
