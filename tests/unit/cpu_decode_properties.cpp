// The decoder's properties (tests/fuzz/decode_check.h) over every 16-bit word and over
// every combination of the fields a 32-bit decoding depends on: bits 31:20 (funct7, rs2,
// the I-immediate, the CSR number, funct5/fmt/rs3), funct3 and the opcode, with rd and rs1
// at 0, 2 and 31 (they never select an operation, except that SFENCE.VMA needs rd = 0 and
// the xRET/WFI/ECALL/EBREAK words are exact). The fuzz harness tests/fuzz/fuzz_decode.cpp
// checks random words; the hidden case below sweeps all 2^30 32-bit words (by hand:
// build/tests/test_cpu_decode_properties "[.exhaustive]", about a minute).
#include <catch2/catch.hpp>

#include <string>

#include "tests/fuzz/decode_check.h"

using vmplat::test::check_decode;

namespace {

// Fails on the first word that breaks a property, naming it; returns the words checked.
uint64_t sweep_32(const uint32_t* rd_rs1, size_t n)
{
  uint64_t checked = 0;
  for (uint32_t hi = 0; hi < 4096; ++hi)
    for (uint32_t f3 = 0; f3 < 8; ++f3)
      for (uint32_t opcode = 0; opcode < 32; ++opcode)
        for (size_t r = 0; r < n; ++r)
          for (size_t s = 0; s < n; ++s) {
            const uint32_t w =
                hi << 20 | rd_rs1[s] << 15 | f3 << 12 | rd_rs1[r] << 7 | opcode << 2 | 3;
            const std::string err = check_decode(w);
            if (!err.empty())
              FAIL(err);
            ++checked;
          }
  return checked;
}

}  // namespace

TEST_CASE("decode properties: every 16-bit word")
{
  for (uint32_t c = 0; c < 0x10000; ++c) {
    if ((c & 3) == 3)
      continue;
    const std::string err = check_decode(c);
    if (!err.empty())
      FAIL(err);
    // The upper half never matters for a compressed instruction.
    const std::string err_hi = check_decode(c | 0xabcd0000u);
    if (!err_hi.empty())
      FAIL(err_hi);
  }
}

TEST_CASE("decode properties: every opcode, funct3 and bits 31:20 of 32-bit words")
{
  const uint32_t regs[] = {0, 2, 31};
  CHECK(sweep_32(regs, 3) == 4096ull * 8 * 32 * 9);
}

TEST_CASE("decode properties: all 2^30 32-bit words", "[.exhaustive]")
{
  for (uint64_t w = 3; w < (1ull << 32); w += 4) {
    const std::string err = check_decode(uint32_t(w));
    if (!err.empty())
      FAIL(err);
  }
}
