// The decoder: base encodings, compressed forms expanding to their base operation, and
// reserved encodings that must be illegal instructions.
#include <catch2/catch.hpp>

#include <string>

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
  CHECK(decode(0x00001007).op == Op::kIllegal);  // load-fp width 1 (no FLH here)
  CHECK(decode(0x4000d013).op == Op::kSrai);     // srai zero, ..: legal
  CHECK(decode(0x0200d013).op == Op::kSrli);     // srli with shamt bit 5 (RV64): legal
  CHECK(decode(0x8000d013).op == Op::kIllegal);  // reserved funct6 for shifts
}

TEST_CASE("decode: F and D instructions, their registers and classes")
{
  struct Case {
    uint32_t bits;
    Op op;
    unsigned rd, rs1, rs2;
    int32_t imm;
  };
  // Encodings from riscv64-unknown-elf-as -march=rv64gc.
  const Case cases[] = {
      {0x00c5a507, Op::kFlw, 10, 11, 0, 12},       // flw fa0, 12(a1)
      {0xfe913c27, Op::kFsd, 0, 2, 9, -8},         // fsd fs1, -8(sp)
      {0x6ac59543, Op::kFmaddD, 10, 11, 12, 0},    // fmadd.d fa0, fa1, fa2, fa3, rtz
      {0x1820f04f, Op::kFnmaddS, 0, 1, 2, 0},      // fnmadd.s ft0, ft1, ft2, ft3 (dyn)
      {0x5a0777d3, Op::kFsqrtD, 15, 14, 0, 0},     // fsqrt.d fa5, fa4
      {0x4015f553, Op::kFcvtSD, 10, 11, 0, 0},     // fcvt.s.d fa0, fa1
      {0x42058553, Op::kFcvtDS, 10, 11, 0, 0},     // fcvt.d.s fa0, fa1
      {0xc215b553, Op::kFcvtWuD, 10, 11, 0, 0},    // fcvt.wu.d a0, fa1, rup
      {0xd035f553, Op::kFcvtSLu, 10, 11, 0, 0},    // fcvt.s.lu fa0, a1
      {0xe0050553, Op::kFmvXW, 10, 10, 0, 0},      // fmv.x.w a0, fa0
      {0xf2050553, Op::kFmvDX, 10, 10, 0, 0},      // fmv.d.x fa0, a0
      {0xe2051653, Op::kFclassD, 12, 10, 0, 0},    // fclass.d a2, fa0
      {0xa0b52553, Op::kFeqS, 10, 10, 11, 0},      // feq.s a0, fa0, fa1
      {0xa2b50553, Op::kFleD, 10, 10, 11, 0},      // fle.d a0, fa0, fa1
      {0x20b5a553, Op::kFsgnjxS, 10, 11, 11, 0},   // fsgnjx.s fa0, fa1, fa1 (fabs.s)
      {0x2ac59553, Op::kFmaxD, 10, 11, 12, 0},     // fmax.d fa0, fa1, fa2
      {0x2588, Op::kFld, 10, 11, 0, 8},            // c.fld fa0, 8(a1)
      {0xa988, Op::kFsd, 0, 11, 10, 16},           // c.fsd fa0, 16(a1)
      {0x2062, Op::kFld, 0, 2, 0, 24},             // c.fldsp ft0, 24(sp)
      {0xb022, Op::kFsd, 0, 2, 8, 32},             // c.fsdsp fs0, 32(sp)
  };
  for (const Case& c : cases) {
    INFO("bits 0x" << std::hex << c.bits);
    const Insn in = decode(c.bits);
    CHECK(in.op == c.op);
    CHECK(in.rd == c.rd);
    CHECK(in.rs1 == c.rs1);
    CHECK(in.rs2 == c.rs2);
    CHECK(in.imm == c.imm);
  }
  CHECK(insn_rs3(decode(0x6ac59543)) == 13);  // fa3
  CHECK(insn_rm(decode(0x6ac59543)) == 1);    // rtz
  CHECK(insn_rm(decode(0x1820f04f)) == 7);    // dynamic
  CHECK(decode(0x00c5a507).cls == InsnClass::kLoad);
  CHECK(decode(0xfe913c27).cls == InsnClass::kStore);
  CHECK(decode(0x5a0777d3).cls == InsnClass::kFdiv);
  CHECK(decode(0x6ac59543).cls == InsnClass::kFp);
  CHECK(writes_f_rd(Op::kFaddD));
  CHECK(!writes_f_rd(Op::kFeqD));
  CHECK(writes_x_rd(Op::kFcvtLuS));
  CHECK(!writes_x_rd(Op::kFsd));
  CHECK(!writes_f_rd(Op::kFsd));
}

TEST_CASE("decode: reserved F and D encodings are illegal")
{
  CHECK(decode(0x6ac5d543).op == Op::kIllegal);  // fmadd.d with static rm 5
  CHECK(decode(0x6ac5e543).op == Op::kIllegal);  // ... and rm 6
  CHECK(decode(0x02c58553).op == Op::kFaddD);    // fadd.d fa0, fa1, fa2 (rne) ...
  CHECK(decode(0x02c5d553).op == Op::kIllegal);  // ... with rm 5
  CHECK(decode(0x04c58553).op == Op::kIllegal);  // fadd.h: the half format does not exist
  CHECK(decode(0x06c58553).op == Op::kIllegal);  // fadd.q: nor the quad
  CHECK(decode(0x5a1777d3).op == Op::kIllegal);  // fsqrt.d with rs2 != 0
  CHECK(decode(0x4005f553).op == Op::kIllegal);  // fcvt.s.s (rs2 must be 1 for fcvt.s.d)
  CHECK(decode(0xc245b553).op == Op::kIllegal);  // fcvt.?.d with rs2 = 4
  CHECK(decode(0xe0051553).op == Op::kFclassS);  // fclass.s a0, fa0 ...
  CHECK(decode(0xe0052553).op == Op::kIllegal);  // funct3 2 under fmv.x.w/fclass
  CHECK(decode(0x2ac58553).op == Op::kFminD);    // fmin.d fa0, fa1, fa2 ...
  CHECK(decode(0x2ac5b553).op == Op::kIllegal);  // ... with funct3 3
  CHECK(decode(0x00c5c507).op == Op::kIllegal);  // load-fp width 4 (flq is not here)
}

TEST_CASE("decode: Svinval's SINVAL.VMA, SFENCE.W.INVAL and SFENCE.INVAL.IR")
{
  Insn in = decode(0x16b50073);  // sinval.vma a0, a1
  CHECK(in.op == Op::kSinvalVma);
  CHECK(in.rs1 == 10);
  CHECK(in.rs2 == 11);
  CHECK(in.cls == InsnClass::kSystem);
  CHECK(decode(0x18000073).op == Op::kSfenceWInval);
  CHECK(decode(0x18100073).op == Op::kSfenceInvalIr);
  CHECK(decode(0x18200073).op == Op::kIllegal);  // rs2 = 2: reserved
  CHECK(decode(0x18008073).op == Op::kIllegal);  // rs1 != 0
  CHECK(decode(0x18000173).op == Op::kIllegal);  // rd != 0
  CHECK(decode(0x16b50173).op == Op::kIllegal);  // sinval.vma with rd != 0
  CHECK(std::string(op_name(Op::kSinvalVma)) == "sinval.vma");
  CHECK(std::string(op_name(Op::kSfenceInvalIr)) == "sfence.inval.ir");
}

TEST_CASE("decode: compressed loads from the stack into x0 are reserved")
{
  // Unprivileged 16.3: C.LWSP and C.LDSP are only valid when rd != x0.
  CHECK(decode(0x4002).op == Op::kIllegal);  // c.lwsp zero, 0(sp)
  CHECK(decode(0x6002).op == Op::kIllegal);  // c.ldsp zero, 0(sp)
  const Insn lw = decode(0x4082);            // c.lwsp ra, 0(sp)
  CHECK(lw.op == Op::kLw);
  CHECK(lw.rd == 1);
  CHECK(lw.rs1 == 2);
  CHECK(decode(0x6082).op == Op::kLd);  // c.ldsp ra, 0(sp)
}

TEST_CASE("decode: LR with rs2 != x0 is reserved")
{
  // Unprivileged 8.2: LR.W/LR.D have rs2 = 0; other values are reserved encodings.
  CHECK(decode(0x1005a52f).op == Op::kLrW);     // lr.w a0, (a1)
  CHECK(decode(0x1015a52f).op == Op::kIllegal);  // ... with rs2 = x1
  CHECK(decode(0x1005b52f).op == Op::kLrD);     // lr.d a0, (a1)
  CHECK(decode(0x1015b52f).op == Op::kIllegal);
}
