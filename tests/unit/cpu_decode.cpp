// The decoder: base encodings, compressed forms expanding to their base operation, and
// reserved encodings that must be illegal instructions.
#include <catch2/catch.hpp>

#include "models/cpu/decode.h"

using namespace vmplat::cpu;

TEST_CASE("decode: 32-bit forms with their immediates")
{
  Insn in = decode(0xfff00513);  // addi a0, zero, -1
  CHECK(in.op == Op::kAddi);
  CHECK(in.rd == 10);
  CHECK(in.imm == -1);
  CHECK(in.len == 4);

  in = decode(0xfe5ff06f);  // jal zero, -28
  CHECK(in.op == Op::kJal);
  CHECK(in.imm == -28);

  in = decode(0x00b50463);  // beq a0, a1, +8
  CHECK(in.op == Op::kBeq);
  CHECK(in.rs1 == 10);
  CHECK(in.rs2 == 11);
  CHECK(in.imm == 8);

  in = decode(0x30002573);  // csrrs a0, mstatus, zero
  CHECK(in.op == Op::kCsrrs);
  CHECK(in.csr == 0x300);
  CHECK(in.cls == InsnClass::kCsr);

  in = decode(0x1005a52f);  // lr.w a0, (a1)
  CHECK(in.op == Op::kLrW);
  in = decode(0x0cb6b52f);  // amoswap.d.aqrl a0, a1, (a3)
  CHECK(in.op == Op::kAmoswapD);
  CHECK(in.cls == InsnClass::kAmo);
}

TEST_CASE("decode: compressed instructions expand to base operations")
{
  Insn in = decode(0x4501);  // c.li a0, 0
  CHECK(in.op == Op::kAddi);
  CHECK(in.rd == 10);
  CHECK(in.rs1 == 0);
  CHECK(in.len == 2);
  CHECK(in.raw == 0x4501);

  in = decode(0x1141);  // c.addi sp, -16
  CHECK(in.op == Op::kAddi);
  CHECK(in.rd == 2);
  CHECK(in.imm == -16);

  in = decode(0xe406);  // c.sdsp ra, 8(sp)
  CHECK(in.op == Op::kSd);
  CHECK(in.rs1 == 2);
  CHECK(in.rs2 == 1);
  CHECK(in.imm == 8);

  in = decode(0x8082);  // c.jr ra (ret)
  CHECK(in.op == Op::kJalr);
  CHECK(in.rd == 0);
  CHECK(in.rs1 == 1);

  in = decode(0x9002);  // c.ebreak
  CHECK(in.op == Op::kEbreak);
}

TEST_CASE("decode: reserved encodings are illegal")
{
  CHECK(decode(0x0000).op == Op::kIllegal);      // all zeros (c.addi4spn with imm 0)
  CHECK(decode(0xffffffff).op == Op::kIllegal);  // all ones
  CHECK(decode(0x6001).op == Op::kIllegal);      // c.lui with imm 0 (rd=0 form reserved)
  CHECK(decode(0x2001).op == Op::kIllegal);      // c.addiw with rd = 0
  CHECK(decode(0x8002).op == Op::kIllegal);      // c.jr with rs1 = 0
  CHECK(decode(0x2002).op == Op::kIllegal);      // c.fldsp: no D extension
  CHECK(decode(0x00002007).op == Op::kIllegal);  // flw: no F extension
  CHECK(decode(0x4000d013).op == Op::kSrai);     // srai zero, ..: legal
  CHECK(decode(0x0200d013).op == Op::kSrli);     // srli with shamt bit 5 (RV64): legal
  CHECK(decode(0x8000d013).op == Op::kIllegal);  // reserved funct6 for shifts
}
