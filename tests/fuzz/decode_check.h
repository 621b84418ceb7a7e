// Properties of cpu::decode() that hold for every instruction word, shared by the decoder's
// fuzz harness (tests/fuzz/fuzz_decode.cpp) and its unit test, which sweeps every 16-bit
// word and every combination of the 32-bit opcode and function fields
// (tests/unit/cpu_decode_properties.cpp).
//
// check_decode(word) returns "" or what is wrong:
//  1. decode() returns, with an op below Op::kCount (never kUndecoded), registers below 32,
//     len 2 or 4 by the low two bits, raw = the word (its low half when compressed), and a
//     compressed word's upper half ignored.
//  2. A 32-bit instruction re-encodes to itself: encode32() below, written from the
//     unprivileged spec's encoding tables independently of the decoder, builds the word
//     from the Insn's fields (and, for FP ops, the rounding mode and rs3 the hart reads with
//     insn_rm/insn_rs3), and it must equal the word except in the bits the decoder is
//     allowed to ignore: FENCE's fm/pred/succ/rs1/rd and FENCE.I's imm/rs1/rd (reserved
//     for future use, executed as plain fences), and the aq/rl bits of LR/SC/AMOs (one
//     hart, every access in program order). So two words that decode to the same Insn
//     differ only in those bits.
//  3. A compressed instruction expands to a base instruction that decodes to the same
//     operation and operands (encode32 of its Insn decodes back to it), and re-encodes to
//     itself in its own compressed format (encode16(), again from the spec's RVC tables),
//     so every immediate scramble is checked both ways.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "models/cpu/decode.h"

namespace vmplat::test {

namespace enc {

using cpu::Insn;
using cpu::Op;

constexpr uint32_t field(uint32_t v, unsigned hi, unsigned lo)
{
  return (v >> lo) & ((1u << (hi - lo + 1)) - 1);
}

inline uint32_t r_type(uint32_t f7, uint32_t rs2, uint32_t rs1, uint32_t f3, uint32_t rd,
                       uint32_t opcode)
{
  return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opcode;
}
inline uint32_t i_type(int32_t imm, uint32_t rs1, uint32_t f3, uint32_t rd, uint32_t opcode)
{
  return (uint32_t(imm) & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opcode;
}
inline uint32_t s_type(int32_t imm, uint32_t rs2, uint32_t rs1, uint32_t f3, uint32_t opcode)
{
  const uint32_t u = uint32_t(imm);
  return field(u, 11, 5) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | field(u, 4, 0) << 7 | opcode;
}
inline uint32_t b_type(int32_t imm, uint32_t rs2, uint32_t rs1, uint32_t f3)
{
  const uint32_t u = uint32_t(imm);
  return field(u, 12, 12) << 31 | field(u, 10, 5) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
         field(u, 4, 1) << 8 | field(u, 11, 11) << 7 | 0x63;
}
inline uint32_t j_type(int32_t imm, uint32_t rd)
{
  const uint32_t u = uint32_t(imm);
  return field(u, 20, 20) << 31 | field(u, 10, 1) << 21 | field(u, 11, 11) << 20 |
         field(u, 19, 12) << 12 | rd << 7 | 0x6f;
}

// Position of an op in a run of enum values that share one encoding table.
inline unsigned index_in(Op op, Op first)
{
  return unsigned(op) - unsigned(first);
}
inline bool in_range(Op op, Op first, Op last)
{
  return op >= first && op <= last;
}

// The encoding of a decoded 32-bit instruction (spec chapters 2, 4, 7, 8, 11, 12 and 24;
// privileged spec for xRET, WFI and SFENCE.VMA). Returns false for an op it does not know.
inline bool encode32(const Insn& in, uint32_t& out)
{
  const uint32_t rd = in.rd, rs1 = in.rs1, rs2 = in.rs2;
  const int32_t imm = in.imm;
  const Op op = in.op;
  if (op == Op::kLui || op == Op::kAuipc) {
    out = (uint32_t(imm) & 0xfffff000u) | rd << 7 | (op == Op::kLui ? 0x37 : 0x17);
    return true;
  }
  if (op == Op::kJal) {
    out = j_type(imm, rd);
    return true;
  }
  if (op == Op::kJalr) {
    out = i_type(imm, rs1, 0, rd, 0x67);
    return true;
  }
  if (in_range(op, Op::kBeq, Op::kBgeu)) {
    static const uint32_t f3[] = {0, 1, 4, 5, 6, 7};
    out = b_type(imm, rs2, rs1, f3[index_in(op, Op::kBeq)]);
    return true;
  }
  if (in_range(op, Op::kLb, Op::kLwu)) {
    static const uint32_t f3[] = {0, 1, 2, 3, 4, 5, 6};
    out = i_type(imm, rs1, f3[index_in(op, Op::kLb)], rd, 0x03);
    return true;
  }
  if (in_range(op, Op::kSb, Op::kSd)) {
    out = s_type(imm, rs2, rs1, index_in(op, Op::kSb), 0x23);
    return true;
  }
  switch (op) {
    case Op::kAddi: out = i_type(imm, rs1, 0, rd, 0x13); return true;
    case Op::kSlti: out = i_type(imm, rs1, 2, rd, 0x13); return true;
    case Op::kSltiu: out = i_type(imm, rs1, 3, rd, 0x13); return true;
    case Op::kXori: out = i_type(imm, rs1, 4, rd, 0x13); return true;
    case Op::kOri: out = i_type(imm, rs1, 6, rd, 0x13); return true;
    case Op::kAndi: out = i_type(imm, rs1, 7, rd, 0x13); return true;
    case Op::kSlli: out = i_type(imm & 0x3f, rs1, 1, rd, 0x13); return true;
    case Op::kSrli: out = i_type(imm & 0x3f, rs1, 5, rd, 0x13); return true;
    case Op::kSrai: out = i_type(0x400 | (imm & 0x3f), rs1, 5, rd, 0x13); return true;
    case Op::kAddiw: out = i_type(imm, rs1, 0, rd, 0x1b); return true;
    case Op::kSlliw: out = r_type(0, uint32_t(imm) & 31, rs1, 1, rd, 0x1b); return true;
    case Op::kSrliw: out = r_type(0, uint32_t(imm) & 31, rs1, 5, rd, 0x1b); return true;
    case Op::kSraiw: out = r_type(0x20, uint32_t(imm) & 31, rs1, 5, rd, 0x1b); return true;
    case Op::kAdd: out = r_type(0, rs2, rs1, 0, rd, 0x33); return true;
    case Op::kSub: out = r_type(0x20, rs2, rs1, 0, rd, 0x33); return true;
    case Op::kSll: out = r_type(0, rs2, rs1, 1, rd, 0x33); return true;
    case Op::kSlt: out = r_type(0, rs2, rs1, 2, rd, 0x33); return true;
    case Op::kSltu: out = r_type(0, rs2, rs1, 3, rd, 0x33); return true;
    case Op::kXor: out = r_type(0, rs2, rs1, 4, rd, 0x33); return true;
    case Op::kSrl: out = r_type(0, rs2, rs1, 5, rd, 0x33); return true;
    case Op::kSra: out = r_type(0x20, rs2, rs1, 5, rd, 0x33); return true;
    case Op::kOr: out = r_type(0, rs2, rs1, 6, rd, 0x33); return true;
    case Op::kAnd: out = r_type(0, rs2, rs1, 7, rd, 0x33); return true;
    case Op::kAddw: out = r_type(0, rs2, rs1, 0, rd, 0x3b); return true;
    case Op::kSubw: out = r_type(0x20, rs2, rs1, 0, rd, 0x3b); return true;
    case Op::kSllw: out = r_type(0, rs2, rs1, 1, rd, 0x3b); return true;
    case Op::kSrlw: out = r_type(0, rs2, rs1, 5, rd, 0x3b); return true;
    case Op::kSraw: out = r_type(0x20, rs2, rs1, 5, rd, 0x3b); return true;
    case Op::kFence: out = 0x0000000f; return true;
    case Op::kFenceI: out = 0x0000100f; return true;
    case Op::kEcall: out = 0x00000073; return true;
    case Op::kEbreak: out = 0x00100073; return true;
    case Op::kMret: out = 0x30200073; return true;
    case Op::kSret: out = 0x10200073; return true;
    case Op::kWfi: out = 0x10500073; return true;
    case Op::kSfenceVma: out = r_type(0x09, rs2, rs1, 0, 0, 0x73); return true;
    case Op::kSinvalVma: out = r_type(0x0b, rs2, rs1, 0, 0, 0x73); return true;
    case Op::kSfenceWInval: out = r_type(0x0c, 0, 0, 0, 0, 0x73); return true;
    case Op::kSfenceInvalIr: out = r_type(0x0c, 1, 0, 0, 0, 0x73); return true;
    default: break;
  }
  if (in_range(op, Op::kCsrrw, Op::kCsrrci)) {
    static const uint32_t f3[] = {1, 2, 3, 5, 6, 7};
    out = uint32_t(in.csr) << 20 | rs1 << 15 | f3[index_in(op, Op::kCsrrw)] << 12 | rd << 7 | 0x73;
    return true;
  }
  if (in_range(op, Op::kMul, Op::kRemu)) {
    out = r_type(1, rs2, rs1, index_in(op, Op::kMul), rd, 0x33);
    return true;
  }
  if (in_range(op, Op::kMulw, Op::kRemuw)) {
    static const uint32_t f3[] = {0, 4, 5, 6, 7};
    out = r_type(1, rs2, rs1, f3[index_in(op, Op::kMulw)], rd, 0x3b);
    return true;
  }
  if (in_range(op, Op::kLrW, Op::kAmomaxuD)) {
    // funct5 of LR, SC, AMOSWAP, AMOADD, AMOXOR, AMOAND, AMOOR, AMOMIN, AMOMAX, AMOMINU,
    // AMOMAXU; aq = rl = 0.
    static const uint32_t f5[] = {0x02, 0x03, 0x01, 0x00, 0x04, 0x0c, 0x08, 0x10, 0x14, 0x18, 0x1c};
    const unsigned i = index_in(op, Op::kLrW);
    const unsigned width = i < 11 ? 2 : 3;
    out = f5[i % 11] << 27 | rs2 << 20 | rs1 << 15 | width << 12 | rd << 7 | 0x2f;
    return true;
  }
  if (cpu::is_fp(op)) {
    const bool dbl = op >= Op::kFld && op != Op::kFcvtSD;
    const Op s = (op >= Op::kFld && op <= Op::kFmvDX) ? Op(unsigned(op) - cpu::kFpDouble) : op;
    const uint32_t fmt = dbl ? 1 : 0, rm = cpu::insn_rm(in);
    auto op_fp = [&](uint32_t f5, uint32_t r2, uint32_t f3) {
      return f5 << 27 | fmt << 25 | r2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | 0x53;
    };
    switch (s) {
      case Op::kFlw: out = i_type(imm, rs1, dbl ? 3 : 2, rd, 0x07); return true;
      case Op::kFsw: out = s_type(imm, rs2, rs1, dbl ? 3 : 2, 0x27); return true;
      case Op::kFmaddS:
      case Op::kFmsubS:
      case Op::kFnmsubS:
      case Op::kFnmaddS: {
        static const uint32_t opcode[] = {0x43, 0x47, 0x4b, 0x4f};
        out = uint32_t(cpu::insn_rs3(in)) << 27 | fmt << 25 | rs2 << 20 | rs1 << 15 | rm << 12 |
              rd << 7 | opcode[index_in(s, Op::kFmaddS)];
        return true;
      }
      case Op::kFaddS: out = op_fp(0x00, rs2, rm); return true;
      case Op::kFsubS: out = op_fp(0x01, rs2, rm); return true;
      case Op::kFmulS: out = op_fp(0x02, rs2, rm); return true;
      case Op::kFdivS: out = op_fp(0x03, rs2, rm); return true;
      case Op::kFsqrtS: out = op_fp(0x0b, 0, rm); return true;
      case Op::kFsgnjS: out = op_fp(0x04, rs2, 0); return true;
      case Op::kFsgnjnS: out = op_fp(0x04, rs2, 1); return true;
      case Op::kFsgnjxS: out = op_fp(0x04, rs2, 2); return true;
      case Op::kFminS: out = op_fp(0x05, rs2, 0); return true;
      case Op::kFmaxS: out = op_fp(0x05, rs2, 1); return true;
      case Op::kFcvtWS: out = op_fp(0x18, 0, rm); return true;
      case Op::kFcvtWuS: out = op_fp(0x18, 1, rm); return true;
      case Op::kFcvtLS: out = op_fp(0x18, 2, rm); return true;
      case Op::kFcvtLuS: out = op_fp(0x18, 3, rm); return true;
      case Op::kFmvXW: out = op_fp(0x1c, 0, 0); return true;
      case Op::kFeqS: out = op_fp(0x14, rs2, 2); return true;
      case Op::kFltS: out = op_fp(0x14, rs2, 1); return true;
      case Op::kFleS: out = op_fp(0x14, rs2, 0); return true;
      case Op::kFclassS: out = op_fp(0x1c, 0, 1); return true;
      case Op::kFcvtSW: out = op_fp(0x1a, 0, rm); return true;
      case Op::kFcvtSWu: out = op_fp(0x1a, 1, rm); return true;
      case Op::kFcvtSL: out = op_fp(0x1a, 2, rm); return true;
      case Op::kFcvtSLu: out = op_fp(0x1a, 3, rm); return true;
      case Op::kFmvWX: out = op_fp(0x1e, 0, 0); return true;
      case Op::kFcvtSD: out = op_fp(0x08, 1, rm); return true;  // fmt S, source D
      case Op::kFcvtDS: out = op_fp(0x08, 0, rm); return true;  // fmt D, source S
      default: return false;
    }
  }
  return false;
}

// Bits of a 32-bit word that the Insn of `op` does not hold and execution ignores.
inline uint32_t ignored_bits(Op op)
{
  if (op == Op::kFence || op == Op::kFenceI)
    return 0xffff8f80u;  // bits 31:15 and 11:7
  if (in_range(op, Op::kLrW, Op::kAmomaxuD))
    return 0x06000000u;  // aq, rl
  return 0;
}

// The compressed encoding of an Insn decoded from the 16-bit word `c`, in the format that
// c's quadrant and funct3 (and, for the quadrant-1 arithmetic group and quadrant 2's
// funct3 = 4, its sub-opcode bits) select (spec chapter 16, "RVC Instruction Set
// Listings"). The Insn supplies every register and immediate. Returns false when the
// format does not produce this op.
inline bool encode16(const Insn& in, uint32_t c, uint32_t& out)
{
  const uint32_t q = c & 3, f3 = field(c, 15, 13);
  const uint32_t imm = uint32_t(in.imm);
  auto bit = [](uint32_t v, unsigned b) { return (v >> b) & 1u; };
  auto low3 = [](unsigned r) { return uint32_t(r - 8) & 7; };  // x8..x15 as rd'/rs1'/rs2'
  auto is_prime = [](unsigned r) { return r >= 8 && r < 16; };
  const uint32_t head = f3 << 13 | q;
  auto expect = [&](Op op) { return in.op == op; };
  if (q == 0) {
    // CIW, CL, CS: rd'/rs2' in 4:2, rs1' in 9:7.
    const unsigned low_reg = f3 >= 5 ? in.rs2 : in.rd;
    if (!is_prime(low_reg) || (f3 != 0 && !is_prime(in.rs1)))
      return false;
    const uint32_t regs = (f3 != 0 ? low3(in.rs1) << 7 : 0) | low3(low_reg) << 2;
    switch (f3) {
      case 0:  // C.ADDI4SPN: nzuimm[5:4|9:6|2|3]
        if (!expect(Op::kAddi) || in.rs1 != 2)
          return false;
        out = head | field(imm, 5, 4) << 11 | field(imm, 9, 6) << 7 | bit(imm, 2) << 6 |
              bit(imm, 3) << 5 | low3(in.rd) << 2;
        return true;
      case 1:  // C.FLD: uimm[5:3] in 12:10, uimm[7:6] in 6:5
      case 3:  // C.LD
      case 5:  // C.FSD
      case 7:  // C.SD
        if (!expect(f3 == 1 ? Op::kFld : f3 == 3 ? Op::kLd : f3 == 5 ? Op::kFsd : Op::kSd))
          return false;
        out = head | field(imm, 5, 3) << 10 | field(imm, 7, 6) << 5 | regs;
        return true;
      case 2:  // C.LW: uimm[5:3] in 12:10, uimm[2] in 6, uimm[6] in 5
      case 6:  // C.SW
        if (!expect(f3 == 2 ? Op::kLw : Op::kSw))
          return false;
        out = head | field(imm, 5, 3) << 10 | bit(imm, 2) << 6 | bit(imm, 6) << 5 | regs;
        return true;
    }
    return false;
  }
  if (q == 1) {
    const uint32_t imm6 = bit(imm, 5) << 12 | field(imm, 4, 0) << 2;
    switch (f3) {
      case 0:  // C.ADDI
        if (!expect(Op::kAddi) || in.rs1 != in.rd)
          return false;
        out = head | in.rd << 7 | imm6;
        return true;
      case 1:  // C.ADDIW
        if (!expect(Op::kAddiw) || in.rs1 != in.rd)
          return false;
        out = head | in.rd << 7 | imm6;
        return true;
      case 2:  // C.LI
        if (!expect(Op::kAddi) || in.rs1 != 0)
          return false;
        out = head | in.rd << 7 | imm6;
        return true;
      case 3:
        if (field(c, 11, 7) == 2) {  // C.ADDI16SP: nzimm[9] in 12, [4|6|8:7|5] in 6:2
          if (!expect(Op::kAddi) || in.rd != 2 || in.rs1 != 2)
            return false;
          out = head | bit(imm, 9) << 12 | 2u << 7 | bit(imm, 4) << 6 | bit(imm, 6) << 5 |
                field(imm, 8, 7) << 3 | bit(imm, 5) << 2;
          return true;
        }
        if (!expect(Op::kLui))  // C.LUI: nzimm[17] in 12, nzimm[16:12] in 6:2
          return false;
        out = head | bit(imm, 17) << 12 | in.rd << 7 | field(imm, 16, 12) << 2;
        return true;
      case 4: {
        if (!is_prime(in.rd) || in.rs1 != in.rd)
          return false;
        const uint32_t sub = field(c, 11, 10);
        const uint32_t base = head | sub << 10 | low3(in.rd) << 7;
        if (sub == 0 || sub == 1) {  // C.SRLI, C.SRAI: shamt[5] in 12, shamt[4:0] in 6:2
          if (!expect(sub == 0 ? Op::kSrli : Op::kSrai))
            return false;
          out = base | imm6;
          return true;
        }
        if (sub == 2) {  // C.ANDI
          if (!expect(Op::kAndi))
            return false;
          out = base | imm6;
          return true;
        }
        // C.SUB, C.XOR, C.OR, C.AND (bit 12 = 0), C.SUBW, C.ADDW (bit 12 = 1).
        static const Op ops[6] = {Op::kSub, Op::kXor, Op::kOr, Op::kAnd, Op::kSubw, Op::kAddw};
        for (uint32_t k = 0; k < 6; ++k) {
          if (in.op == ops[k] && is_prime(in.rs2)) {
            out = base | (k >> 2) << 12 | (k & 3) << 5 | low3(in.rs2) << 2;
            return true;
          }
        }
        return false;
      }
      case 5:  // C.J: offset[11|4|9:8|10|6|7|3:1|5] in 12:2
        if (!expect(Op::kJal) || in.rd != 0)
          return false;
        out = head | bit(imm, 11) << 12 | bit(imm, 4) << 11 | field(imm, 9, 8) << 9 |
              bit(imm, 10) << 8 | bit(imm, 6) << 7 | bit(imm, 7) << 6 | field(imm, 3, 1) << 3 |
              bit(imm, 5) << 2;
        return true;
      default:  // C.BEQZ, C.BNEZ: offset[8|4:3] in 12:10, offset[7:6|2:1|5] in 6:2
        if (!expect(f3 == 6 ? Op::kBeq : Op::kBne) || in.rs2 != 0 || !is_prime(in.rs1))
          return false;
        out = head | bit(imm, 8) << 12 | field(imm, 4, 3) << 10 | low3(in.rs1) << 7 |
              field(imm, 7, 6) << 5 | field(imm, 2, 1) << 3 | bit(imm, 5) << 2;
        return true;
    }
  }
  if (q == 2) {
    switch (f3) {
      case 0:  // C.SLLI
        if (!expect(Op::kSlli) || in.rs1 != in.rd)
          return false;
        out = head | bit(imm, 5) << 12 | in.rd << 7 | field(imm, 4, 0) << 2;
        return true;
      case 1:  // C.FLDSP: uimm[5] in 12, uimm[4:3|8:6] in 6:2
      case 3:  // C.LDSP
        if (!expect(f3 == 1 ? Op::kFld : Op::kLd) || in.rs1 != 2)
          return false;
        out = head | bit(imm, 5) << 12 | in.rd << 7 | field(imm, 4, 3) << 5 | field(imm, 8, 6) << 2;
        return true;
      case 2:  // C.LWSP: uimm[5] in 12, uimm[4:2|7:6] in 6:2
        if (!expect(Op::kLw) || in.rs1 != 2)
          return false;
        out = head | bit(imm, 5) << 12 | in.rd << 7 | field(imm, 4, 2) << 4 | field(imm, 7, 6) << 2;
        return true;
      case 4:
        // Bit 12 selects C.JR/C.MV (0) or C.EBREAK/C.JALR/C.ADD (1).
        if (bit(c, 12) == 0) {
          if (in.op == Op::kJalr && in.rd == 0 && in.imm == 0) {  // C.JR
            out = head | uint32_t(in.rs1) << 7;
            return true;
          }
          if (in.op == Op::kAdd && in.rs1 == 0) {  // C.MV
            out = head | uint32_t(in.rd) << 7 | uint32_t(in.rs2) << 2;
            return true;
          }
          return false;
        }
        if (in.op == Op::kEbreak) {
          out = head | 1u << 12;
          return true;
        }
        if (in.op == Op::kJalr && in.rd == 1 && in.imm == 0) {  // C.JALR
          out = head | 1u << 12 | uint32_t(in.rs1) << 7;
          return true;
        }
        if (in.op == Op::kAdd && in.rs1 == in.rd) {  // C.ADD
          out = head | 1u << 12 | uint32_t(in.rd) << 7 | uint32_t(in.rs2) << 2;
          return true;
        }
        return false;
      case 5:  // C.FSDSP: uimm[5:3|8:6] in 12:7
      case 7:  // C.SDSP
        if (!expect(f3 == 5 ? Op::kFsd : Op::kSd) || in.rs1 != 2)
          return false;
        out = head | field(imm, 5, 3) << 10 | field(imm, 8, 6) << 7 | uint32_t(in.rs2) << 2;
        return true;
      case 6:  // C.SWSP: uimm[5:2|7:6] in 12:7
        if (!expect(Op::kSw) || in.rs1 != 2)
          return false;
        out = head | field(imm, 5, 2) << 9 | field(imm, 7, 6) << 7 | uint32_t(in.rs2) << 2;
        return true;
    }
  }
  return false;
}

}  // namespace enc

inline std::string hex32(uint32_t v)
{
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

// The operands two decodings must agree on (everything the hart reads from an Insn besides
// the raw bits of FP ops).
inline bool same_operands(const cpu::Insn& a, const cpu::Insn& b)
{
  return a.op == b.op && a.rd == b.rd && a.rs1 == b.rs1 && a.rs2 == b.rs2 && a.imm == b.imm &&
         a.csr == b.csr && a.cls == b.cls;
}

inline std::string describe(const cpu::Insn& in)
{
  char buf[128];
  std::snprintf(buf, sizeof buf, "%s rd=%u rs1=%u rs2=%u imm=%d csr=0x%x len=%u",
                cpu::op_name(in.op), in.rd, in.rs1, in.rs2, in.imm, in.csr, in.len);
  return buf;
}

inline std::string check_decode(uint32_t word)
{
  using cpu::Insn;
  using cpu::Op;
  const Insn in = cpu::decode(word);
  const bool compressed = (word & 3) != 3;
  const std::string where = hex32(word) + " (" + describe(in) + "): ";
  if (in.op == Op::kUndecoded || in.op >= Op::kCount)
    return where + "op out of range";
  if (in.rd >= 32 || in.rs1 >= 32 || in.rs2 >= 32)
    return where + "register number out of range";
  if (in.len != (compressed ? 2 : 4) || in.raw != (compressed ? (word & 0xffff) : word))
    return where + "wrong len or raw";
  if (cpu::writes_x_rd(in.op) && cpu::writes_f_rd(in.op))
    return where + "writes both an x and an f register";
  if (in.op == Op::kIllegal)
    return "";
  if (compressed) {
    if (!same_operands(cpu::decode(word & 0xffff), in))
      return where + "the upper half of a compressed word changed its decoding";
    uint32_t expanded = 0, back = 0;
    if (!enc::encode32(in, expanded))
      return where + "expands to an op with no base encoding";
    if (!same_operands(cpu::decode(expanded), in))
      return where + "its base form " + hex32(expanded) + " decodes to " +
             describe(cpu::decode(expanded));
    if (!enc::encode16(in, word & 0xffff, back) || back != (word & 0xffff))
      return where + "re-encodes in its compressed format to " + hex32(back);
    return "";
  }
  uint32_t again = 0;
  if (!enc::encode32(in, again))
    return where + "no encoding for this op";
  const uint32_t ignored = enc::ignored_bits(in.op);
  if ((again ^ word) & ~ignored)
    return where + "re-encodes to " + hex32(again) + " (differs in bits " +
           hex32((again ^ word) & ~ignored) + ")";
  if (!same_operands(cpu::decode(again), in))
    return where + "its re-encoding decodes to " + describe(cpu::decode(again));
  return "";
}

}  // namespace vmplat::test
