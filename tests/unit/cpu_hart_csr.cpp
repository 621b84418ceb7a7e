// The hart's CSR unit (models/cpu/hart_csr.cpp): the WARL rules of individual registers as
// software sees them, written and read back the way a debugger does (poke_csr runs the
// CSR's own write rule, peek_csr reads as M mode would). The ISA firmware checks most
// registers against QEMU; these are the rules it does not reach.
#include <catch2/catch.hpp>

#include "models/common/config.h"
#include "platforms/virt/platform.h"

using namespace vmplat;

namespace {

constexpr uint16_t kMstatus = 0x300, kMideleg = 0x303, kSstatus = 0x100, kSepc = 0x141;
constexpr uint64_t kMie = 1u << 3, kMpp = 3ull << 11, kMprv = 1ull << 17, kSie = 1u << 1;

uint64_t peek(const cpu::Hart& h, uint16_t csr)
{
  uint64_t v = 0;
  REQUIRE(h.peek_csr(csr, v));
  return v;
}

}  // namespace

TEST_CASE("mideleg holds only the S-level interrupts: M-level ones cannot be delegated")
{
  // Privileged spec 3.1.8-3.1.9: traps never go to a less privileged mode; only SSI, STI
  // and SEI (bits 1, 5, 9) are delegable, the M-level bits read as zero (QEMU agrees).
  common::config().set("uart.input", "none", "test");
  virt::Platform platform;
  cpu::Hart& h = platform.hart;
  REQUIRE(h.poke_csr(kMideleg, ~uint64_t{0}));
  CHECK(peek(h, kMideleg) == 0x222);
}

TEST_CASE("sepc bit 0 is zero, and sstatus writes reach only the S-level fields")
{
  common::config().set("uart.input", "none", "test");
  virt::Platform platform;
  cpu::Hart& h = platform.hart;
  REQUIRE(h.poke_csr(kSepc, 0x8000'1235));
  CHECK(peek(h, kSepc) == 0x8000'1234);  // privileged 4.1.7
  // sstatus is a view of mstatus (4.1.1): MIE, MPP and MPRV are not in it.
  REQUIRE(h.poke_csr(kMstatus, 0));
  REQUIRE(h.poke_csr(kSstatus, kMie | kMpp | kMprv | kSie));
  CHECK((peek(h, kMstatus) & (kMie | kMpp | kMprv)) == 0);
  CHECK((peek(h, kMstatus) & kSie) == kSie);
}

TEST_CASE("mstatus.MPP is WARL: the reserved value 2 leaves a legal mode")
{
  // Privileged 3.1.6.1: MPP holds M (3), S (1) or U (0); a write of 2 keeps the old value.
  common::config().set("uart.input", "none", "test");
  virt::Platform platform;
  cpu::Hart& h = platform.hart;
  REQUIRE(h.poke_csr(kMstatus, 1ull << 11));  // S
  REQUIRE(h.poke_csr(kMstatus, 2ull << 11));
  CHECK(((peek(h, kMstatus) & kMpp) >> 11) == 1);
}
