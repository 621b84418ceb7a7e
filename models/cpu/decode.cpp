#include "models/cpu/decode.h"

#include <cstddef>

namespace vmplat::cpu {

namespace {

constexpr uint32_t bits(uint32_t v, unsigned hi, unsigned lo)
{
  return (v >> lo) & ((1u << (hi - lo + 1)) - 1);
}
constexpr uint32_t bit(uint32_t v, unsigned b) { return (v >> b) & 1u; }
constexpr int32_t sext(uint32_t v, unsigned width)
{
  return int32_t(v << (32 - width)) >> (32 - width);
}

InsnClass class_of(Op op)
{
  switch (op) {
    case Op::kLb: case Op::kLh: case Op::kLw: case Op::kLd: case Op::kLbu: case Op::kLhu:
    case Op::kLwu:
      return InsnClass::kLoad;
    case Op::kSb: case Op::kSh: case Op::kSw: case Op::kSd:
      return InsnClass::kStore;
    case Op::kBeq: case Op::kBne: case Op::kBlt: case Op::kBge: case Op::kBltu: case Op::kBgeu:
      return InsnClass::kBranch;
    case Op::kJal: case Op::kJalr:
      return InsnClass::kJump;
    case Op::kMul: case Op::kMulh: case Op::kMulhsu: case Op::kMulhu: case Op::kMulw:
      return InsnClass::kMul;
    case Op::kDiv: case Op::kDivu: case Op::kRem: case Op::kRemu: case Op::kDivw:
    case Op::kDivuw: case Op::kRemw: case Op::kRemuw:
      return InsnClass::kDiv;
    case Op::kCsrrw: case Op::kCsrrs: case Op::kCsrrc: case Op::kCsrrwi: case Op::kCsrrsi:
    case Op::kCsrrci:
      return InsnClass::kCsr;
    case Op::kFence: case Op::kFenceI: case Op::kEcall: case Op::kEbreak: case Op::kMret:
    case Op::kSret: case Op::kWfi: case Op::kSfenceVma: case Op::kSinvalVma:
    case Op::kSfenceWInval: case Op::kSfenceInvalIr: case Op::kIllegal:
      return InsnClass::kSystem;
    case Op::kFlw: case Op::kFld:
      return InsnClass::kLoad;
    case Op::kFsw: case Op::kFsd:
      return InsnClass::kStore;
    case Op::kFdivS: case Op::kFsqrtS: case Op::kFdivD: case Op::kFsqrtD:
      return InsnClass::kFdiv;
    default:
      if (op >= Op::kLrW && op <= Op::kAmomaxuD)
        return InsnClass::kAmo;
      if (is_fp(op))
        return InsnClass::kFp;
      return InsnClass::kAlu;
  }
}

Insn make(Op op, unsigned rd, unsigned rs1, unsigned rs2, int32_t imm)
{
  Insn in;
  in.op = op;
  in.rd = uint8_t(rd);
  in.rs1 = uint8_t(rs1);
  in.rs2 = uint8_t(rs2);
  in.imm = imm;
  return in;
}

// OP-FP (opcode 0x53) and the fused multiply-adds. fmt (bits 26:25) selects S (0) or D
// (1); the half and quad formats do not exist here. A static rounding mode of 5 or 6 is
// reserved: illegal at decode time (dynamic rm = 7 is checked against frm at execution).
Insn decode_fp(uint32_t w, unsigned rd, unsigned rs1, unsigned rs2, unsigned f3)
{
  const Insn illegal = make(Op::kIllegal, 0, 0, 0, 0);
  const unsigned fmt = bits(w, 26, 25);
  if (fmt > 1)
    return illegal;
  const unsigned d = fmt ? kFpDouble : 0;
  const auto fp = [&](Op op, unsigned r1, unsigned r2) {
    return make(Op(unsigned(op) + d), rd, r1, r2, 0);
  };
  const bool rm_ok = f3 != 5 && f3 != 6;
  switch (bits(w, 6, 0)) {
    case 0x43: return rm_ok ? fp(Op::kFmaddS, rs1, rs2) : illegal;
    case 0x47: return rm_ok ? fp(Op::kFmsubS, rs1, rs2) : illegal;
    case 0x4b: return rm_ok ? fp(Op::kFnmsubS, rs1, rs2) : illegal;
    case 0x4f: return rm_ok ? fp(Op::kFnmaddS, rs1, rs2) : illegal;
  }
  switch (bits(w, 31, 27)) {
    case 0x00: return rm_ok ? fp(Op::kFaddS, rs1, rs2) : illegal;
    case 0x01: return rm_ok ? fp(Op::kFsubS, rs1, rs2) : illegal;
    case 0x02: return rm_ok ? fp(Op::kFmulS, rs1, rs2) : illegal;
    case 0x03: return rm_ok ? fp(Op::kFdivS, rs1, rs2) : illegal;
    case 0x0b: return rm_ok && rs2 == 0 ? fp(Op::kFsqrtS, rs1, 0) : illegal;
    case 0x04:
      if (f3 > 2)
        return illegal;
      return fp(f3 == 0 ? Op::kFsgnjS : f3 == 1 ? Op::kFsgnjnS : Op::kFsgnjxS, rs1, rs2);
    case 0x05:
      if (f3 > 1)
        return illegal;
      return fp(f3 == 0 ? Op::kFminS : Op::kFmaxS, rs1, rs2);
    case 0x08:  // FCVT.S.D (fmt S, rs2 = 1) and FCVT.D.S (fmt D, rs2 = 0)
      if (!rm_ok || rs2 != (fmt ? 0u : 1u))
        return illegal;
      return make(fmt ? Op::kFcvtDS : Op::kFcvtSD, rd, rs1, 0, 0);
    case 0x14:
      if (f3 > 2)
        return illegal;
      return fp(f3 == 0 ? Op::kFleS : f3 == 1 ? Op::kFltS : Op::kFeqS, rs1, rs2);
    case 0x18: {
      static const Op ops[4] = {Op::kFcvtWS, Op::kFcvtWuS, Op::kFcvtLS, Op::kFcvtLuS};
      return rm_ok && rs2 < 4 ? fp(ops[rs2], rs1, 0) : illegal;
    }
    case 0x1a: {
      static const Op ops[4] = {Op::kFcvtSW, Op::kFcvtSWu, Op::kFcvtSL, Op::kFcvtSLu};
      return rm_ok && rs2 < 4 ? fp(ops[rs2], rs1, 0) : illegal;
    }
    case 0x1c:
      if (rs2 != 0 || f3 > 1)
        return illegal;
      return fp(f3 == 0 ? Op::kFmvXW : Op::kFclassS, rs1, 0);
    case 0x1e:
      return rs2 == 0 && f3 == 0 ? fp(Op::kFmvWX, rs1, 0) : illegal;
  }
  return illegal;
}

Insn decode32(uint32_t w)
{
  const unsigned rd = bits(w, 11, 7), rs1 = bits(w, 19, 15), rs2 = bits(w, 24, 20);
  const unsigned f3 = bits(w, 14, 12), f7 = bits(w, 31, 25);
  const int32_t imm_i = sext(bits(w, 31, 20), 12);
  const int32_t imm_s = sext((bits(w, 31, 25) << 5) | bits(w, 11, 7), 12);
  const int32_t imm_b = sext((bit(w, 31) << 12) | (bit(w, 7) << 11) | (bits(w, 30, 25) << 5) |
                                 (bits(w, 11, 8) << 1),
                             13);
  const int32_t imm_u = int32_t(w & 0xfffff000u);
  const int32_t imm_j = sext((bit(w, 31) << 20) | (bits(w, 19, 12) << 12) | (bit(w, 20) << 11) |
                                 (bits(w, 30, 21) << 1),
                             21);
  const Insn illegal = make(Op::kIllegal, 0, 0, 0, 0);

  switch (bits(w, 6, 0)) {
    case 0x37: return make(Op::kLui, rd, 0, 0, imm_u);
    case 0x17: return make(Op::kAuipc, rd, 0, 0, imm_u);
    case 0x6f: return make(Op::kJal, rd, 0, 0, imm_j);
    case 0x67: return f3 == 0 ? make(Op::kJalr, rd, rs1, 0, imm_i) : illegal;
    case 0x63: {
      static const Op ops[8] = {Op::kBeq, Op::kBne, Op::kIllegal, Op::kIllegal,
                                Op::kBlt, Op::kBge, Op::kBltu,    Op::kBgeu};
      return make(ops[f3], 0, rs1, rs2, imm_b);
    }
    case 0x03: {
      static const Op ops[8] = {Op::kLb, Op::kLh, Op::kLw, Op::kLd,
                                Op::kLbu, Op::kLhu, Op::kLwu, Op::kIllegal};
      return make(ops[f3], rd, rs1, 0, imm_i);
    }
    case 0x23: {
      static const Op ops[8] = {Op::kSb, Op::kSh, Op::kSw, Op::kSd,
                                Op::kIllegal, Op::kIllegal, Op::kIllegal, Op::kIllegal};
      return make(ops[f3], 0, rs1, rs2, imm_s);
    }
    case 0x13: {
      const unsigned shamt = bits(w, 25, 20), f6 = bits(w, 31, 26);
      switch (f3) {
        case 0: return make(Op::kAddi, rd, rs1, 0, imm_i);
        case 2: return make(Op::kSlti, rd, rs1, 0, imm_i);
        case 3: return make(Op::kSltiu, rd, rs1, 0, imm_i);
        case 4: return make(Op::kXori, rd, rs1, 0, imm_i);
        case 6: return make(Op::kOri, rd, rs1, 0, imm_i);
        case 7: return make(Op::kAndi, rd, rs1, 0, imm_i);
        case 1: return f6 == 0 ? make(Op::kSlli, rd, rs1, 0, int32_t(shamt)) : illegal;
        case 5:
          if (f6 == 0)
            return make(Op::kSrli, rd, rs1, 0, int32_t(shamt));
          if (f6 == 0x10)
            return make(Op::kSrai, rd, rs1, 0, int32_t(shamt));
          return illegal;
      }
      return illegal;
    }
    case 0x1b: {
      const unsigned shamt = bits(w, 24, 20);
      switch (f3) {
        case 0: return make(Op::kAddiw, rd, rs1, 0, imm_i);
        case 1: return f7 == 0 ? make(Op::kSlliw, rd, rs1, 0, int32_t(shamt)) : illegal;
        case 5:
          if (f7 == 0)
            return make(Op::kSrliw, rd, rs1, 0, int32_t(shamt));
          if (f7 == 0x20)
            return make(Op::kSraiw, rd, rs1, 0, int32_t(shamt));
          return illegal;
      }
      return illegal;
    }
    case 0x33: {
      if (f7 == 0) {
        static const Op ops[8] = {Op::kAdd, Op::kSll, Op::kSlt, Op::kSltu,
                                  Op::kXor, Op::kSrl, Op::kOr,  Op::kAnd};
        return make(ops[f3], rd, rs1, rs2, 0);
      }
      if (f7 == 0x20 && (f3 == 0 || f3 == 5))
        return make(f3 == 0 ? Op::kSub : Op::kSra, rd, rs1, rs2, 0);
      if (f7 == 1) {
        static const Op ops[8] = {Op::kMul, Op::kMulh, Op::kMulhsu, Op::kMulhu,
                                  Op::kDiv, Op::kDivu, Op::kRem,    Op::kRemu};
        return make(ops[f3], rd, rs1, rs2, 0);
      }
      return illegal;
    }
    case 0x3b: {
      if (f7 == 0 && (f3 == 0 || f3 == 1 || f3 == 5)) {
        const Op op = f3 == 0 ? Op::kAddw : f3 == 1 ? Op::kSllw : Op::kSrlw;
        return make(op, rd, rs1, rs2, 0);
      }
      if (f7 == 0x20 && (f3 == 0 || f3 == 5))
        return make(f3 == 0 ? Op::kSubw : Op::kSraw, rd, rs1, rs2, 0);
      if (f7 == 1) {
        static const Op ops[8] = {Op::kMulw,    Op::kIllegal, Op::kIllegal, Op::kIllegal,
                                  Op::kDivw,    Op::kDivuw,   Op::kRemw,    Op::kRemuw};
        return make(ops[f3], rd, rs1, rs2, 0);
      }
      return illegal;
    }
    case 0x0f:
      if (f3 == 0)
        return make(Op::kFence, 0, 0, 0, 0);
      if (f3 == 1)
        return make(Op::kFenceI, 0, 0, 0, 0);
      return illegal;
    case 0x73: {
      if (f3 == 0) {
        if (w == 0x00000073u) return make(Op::kEcall, 0, 0, 0, 0);
        if (w == 0x00100073u) return make(Op::kEbreak, 0, 0, 0, 0);
        if (w == 0x30200073u) return make(Op::kMret, 0, 0, 0, 0);
        if (w == 0x10200073u) return make(Op::kSret, 0, 0, 0, 0);
        if (w == 0x10500073u) return make(Op::kWfi, 0, 0, 0, 0);
        if (f7 == 0x09 && rd == 0) return make(Op::kSfenceVma, 0, rs1, rs2, 0);
        if (f7 == 0x0b && rd == 0) return make(Op::kSinvalVma, 0, rs1, rs2, 0);
        if (f7 == 0x0c && rd == 0 && rs1 == 0 && rs2 <= 1)
          return make(rs2 == 0 ? Op::kSfenceWInval : Op::kSfenceInvalIr, 0, 0, 0, 0);
        return illegal;
      }
      static const Op ops[8] = {Op::kIllegal, Op::kCsrrw,  Op::kCsrrs,  Op::kCsrrc,
                                Op::kIllegal, Op::kCsrrwi, Op::kCsrrsi, Op::kCsrrci};
      Insn in = make(ops[f3], rd, rs1, 0, int32_t(rs1));
      in.csr = uint16_t(bits(w, 31, 20));
      return in;
    }
    case 0x07:
      if (f3 == 2 || f3 == 3)
        return make(f3 == 2 ? Op::kFlw : Op::kFld, rd, rs1, 0, imm_i);
      return illegal;
    case 0x27:
      if (f3 == 2 || f3 == 3)
        return make(f3 == 2 ? Op::kFsw : Op::kFsd, 0, rs1, rs2, imm_s);
      return illegal;
    case 0x43: case 0x47: case 0x4b: case 0x4f: case 0x53:
      return decode_fp(w, rd, rs1, rs2, f3);
    case 0x2f: {
      if (f3 != 2 && f3 != 3)
        return illegal;
      const unsigned f5 = bits(w, 31, 27);
      Op op;
      switch (f5) {
        case 0x02: op = Op::kLrW; if (rs2 != 0) return illegal; break;
        case 0x03: op = Op::kScW; break;
        case 0x01: op = Op::kAmoswapW; break;
        case 0x00: op = Op::kAmoaddW; break;
        case 0x04: op = Op::kAmoxorW; break;
        case 0x0c: op = Op::kAmoandW; break;
        case 0x08: op = Op::kAmoorW; break;
        case 0x10: op = Op::kAmominW; break;
        case 0x14: op = Op::kAmomaxW; break;
        case 0x18: op = Op::kAmominuW; break;
        case 0x1c: op = Op::kAmomaxuW; break;
        default: return illegal;
      }
      if (f3 == 3)
        op = Op(uint8_t(op) + (uint8_t(Op::kLrD) - uint8_t(Op::kLrW)));
      return make(op, rd, rs1, rs2, 0);
    }
  }
  return illegal;
}

Insn decode16(uint32_t c)
{
  const unsigned f3 = bits(c, 15, 13);
  const unsigned rd = bits(c, 11, 7), rs2 = bits(c, 6, 2);
  const unsigned rdp = bits(c, 4, 2) + 8, rs1p = bits(c, 9, 7) + 8;
  const int32_t imm6 = sext((bit(c, 12) << 5) | bits(c, 6, 2), 6);
  const Insn illegal = make(Op::kIllegal, 0, 0, 0, 0);
  const uint32_t lw_off = (bits(c, 12, 10) << 3) | (bit(c, 6) << 2) | (bit(c, 5) << 6);
  const uint32_t ld_off = (bits(c, 12, 10) << 3) | (bits(c, 6, 5) << 6);

  switch (bits(c, 1, 0)) {
    case 0:
      switch (f3) {
        case 0: {
          const uint32_t imm = (bits(c, 12, 11) << 4) | (bits(c, 10, 7) << 6) |
                               (bit(c, 6) << 2) | (bit(c, 5) << 3);
          return imm ? make(Op::kAddi, rdp, 2, 0, int32_t(imm)) : illegal;
        }
        case 1: return make(Op::kFld, rdp, rs1p, 0, int32_t(ld_off));
        case 2: return make(Op::kLw, rdp, rs1p, 0, int32_t(lw_off));
        case 3: return make(Op::kLd, rdp, rs1p, 0, int32_t(ld_off));
        case 5: return make(Op::kFsd, 0, rs1p, rdp, int32_t(ld_off));
        case 6: return make(Op::kSw, 0, rs1p, rdp, int32_t(lw_off));
        case 7: return make(Op::kSd, 0, rs1p, rdp, int32_t(ld_off));
      }
      return illegal;
    case 1:
      switch (f3) {
        case 0: return make(Op::kAddi, rd, rd, 0, imm6);
        case 1: return rd ? make(Op::kAddiw, rd, rd, 0, imm6) : illegal;
        case 2: return make(Op::kAddi, rd, 0, 0, imm6);
        case 3:
          if (rd == 2) {
            const int32_t imm = sext((bit(c, 12) << 9) | (bit(c, 6) << 4) | (bit(c, 5) << 6) |
                                         (bits(c, 4, 3) << 7) | (bit(c, 2) << 5),
                                     10);
            return imm ? make(Op::kAddi, 2, 2, 0, imm) : illegal;
          } else {
            const int32_t imm = sext((bit(c, 12) << 17) | (bits(c, 6, 2) << 12), 18);
            return imm ? make(Op::kLui, rd, 0, 0, imm) : illegal;
          }
        case 4: {
          const unsigned shamt = (bit(c, 12) << 5) | bits(c, 6, 2);
          switch (bits(c, 11, 10)) {
            case 0: return make(Op::kSrli, rs1p, rs1p, 0, int32_t(shamt));
            case 1: return make(Op::kSrai, rs1p, rs1p, 0, int32_t(shamt));
            case 2: return make(Op::kAndi, rs1p, rs1p, 0, imm6);
            default: {
              static const Op ops[8] = {Op::kSub,  Op::kXor,  Op::kOr,      Op::kAnd,
                                        Op::kSubw, Op::kAddw, Op::kIllegal, Op::kIllegal};
              const Op op = ops[(bit(c, 12) << 2) | bits(c, 6, 5)];
              return op == Op::kIllegal ? illegal : make(op, rs1p, rs1p, rdp, 0);
            }
          }
        }
        case 5: {
          const int32_t imm = sext((bit(c, 12) << 11) | (bit(c, 11) << 4) | (bits(c, 10, 9) << 8) |
                                       (bit(c, 8) << 10) | (bit(c, 7) << 6) | (bit(c, 6) << 7) |
                                       (bits(c, 5, 3) << 1) | (bit(c, 2) << 5),
                                   12);
          return make(Op::kJal, 0, 0, 0, imm);
        }
        default: {
          const int32_t imm = sext((bit(c, 12) << 8) | (bits(c, 11, 10) << 3) |
                                       (bits(c, 6, 5) << 6) | (bits(c, 4, 3) << 1) | (bit(c, 2) << 5),
                                   9);
          return make(f3 == 6 ? Op::kBeq : Op::kBne, 0, rs1p, 0, imm);
        }
      }
    case 2:
      switch (f3) {
        case 0: return make(Op::kSlli, rd, rd, 0, int32_t((bit(c, 12) << 5) | bits(c, 6, 2)));
        case 1: {
          const uint32_t off = (bit(c, 12) << 5) | (bits(c, 6, 5) << 3) | (bits(c, 4, 2) << 6);
          return make(Op::kFld, rd, 2, 0, int32_t(off));  // C.FLDSP: f0 is a valid rd
        }
        case 2: {
          const uint32_t off = (bit(c, 12) << 5) | (bits(c, 6, 4) << 2) | (bits(c, 3, 2) << 6);
          return rd ? make(Op::kLw, rd, 2, 0, int32_t(off)) : illegal;
        }
        case 3: {
          const uint32_t off = (bit(c, 12) << 5) | (bits(c, 6, 5) << 3) | (bits(c, 4, 2) << 6);
          return rd ? make(Op::kLd, rd, 2, 0, int32_t(off)) : illegal;
        }
        case 4:
          if (!bit(c, 12)) {
            if (rs2 == 0)
              return rd ? make(Op::kJalr, 0, rd, 0, 0) : illegal;
            return make(Op::kAdd, rd, 0, rs2, 0);
          }
          if (rd == 0 && rs2 == 0)
            return make(Op::kEbreak, 0, 0, 0, 0);
          if (rs2 == 0)
            return make(Op::kJalr, 1, rd, 0, 0);
          return make(Op::kAdd, rd, rd, rs2, 0);
        case 5: {
          const uint32_t off = (bits(c, 12, 10) << 3) | (bits(c, 9, 7) << 6);
          return make(Op::kFsd, 0, 2, rs2, int32_t(off));
        }
        case 6: {
          const uint32_t off = (bits(c, 12, 9) << 2) | (bits(c, 8, 7) << 6);
          return make(Op::kSw, 0, 2, rs2, int32_t(off));
        }
        case 7: {
          const uint32_t off = (bits(c, 12, 10) << 3) | (bits(c, 9, 7) << 6);
          return make(Op::kSd, 0, 2, rs2, int32_t(off));
        }
      }
      return illegal;
  }
  return illegal;
}

}  // namespace

Insn decode(uint32_t bits_in)
{
  const bool compressed = (bits_in & 3) != 3;
  Insn in = compressed ? decode16(bits_in & 0xffff) : decode32(bits_in);
  in.len = compressed ? 2 : 4;
  in.raw = compressed ? (bits_in & 0xffff) : bits_in;
  in.cls = class_of(in.op);
  return in;
}

const char* op_name(Op op)
{
  static const char* const names[] = {
      "undecoded", "illegal",
      "lui", "auipc", "jal", "jalr",
      "beq", "bne", "blt", "bge", "bltu", "bgeu",
      "lb", "lh", "lw", "ld", "lbu", "lhu", "lwu",
      "sb", "sh", "sw", "sd",
      "addi", "slti", "sltiu", "xori", "ori", "andi", "slli", "srli", "srai",
      "add", "sub", "sll", "slt", "sltu", "xor", "srl", "sra", "or", "and",
      "addiw", "slliw", "srliw", "sraiw", "addw", "subw", "sllw", "srlw", "sraw",
      "fence", "fence.i", "ecall", "ebreak", "mret", "sret", "wfi", "sfence.vma",
      "sinval.vma", "sfence.w.inval", "sfence.inval.ir",
      "csrrw", "csrrs", "csrrc", "csrrwi", "csrrsi", "csrrci",
      "mul", "mulh", "mulhsu", "mulhu", "div", "divu", "rem", "remu",
      "mulw", "divw", "divuw", "remw", "remuw",
      "lr.w", "sc.w", "amoswap.w", "amoadd.w", "amoxor.w", "amoand.w", "amoor.w", "amomin.w",
      "amomax.w", "amominu.w", "amomaxu.w",
      "lr.d", "sc.d", "amoswap.d", "amoadd.d", "amoxor.d", "amoand.d", "amoor.d", "amomin.d",
      "amomax.d", "amominu.d", "amomaxu.d",
      "flw", "fsw", "fmadd.s", "fmsub.s", "fnmsub.s", "fnmadd.s", "fadd.s", "fsub.s", "fmul.s",
      "fdiv.s", "fsqrt.s", "fsgnj.s", "fsgnjn.s", "fsgnjx.s", "fmin.s", "fmax.s", "fcvt.w.s",
      "fcvt.wu.s", "fcvt.l.s", "fcvt.lu.s", "fmv.x.w", "feq.s", "flt.s", "fle.s", "fclass.s",
      "fcvt.s.w", "fcvt.s.wu", "fcvt.s.l", "fcvt.s.lu", "fmv.w.x",
      "fld", "fsd", "fmadd.d", "fmsub.d", "fnmsub.d", "fnmadd.d", "fadd.d", "fsub.d", "fmul.d",
      "fdiv.d", "fsqrt.d", "fsgnj.d", "fsgnjn.d", "fsgnjx.d", "fmin.d", "fmax.d", "fcvt.w.d",
      "fcvt.wu.d", "fcvt.l.d", "fcvt.lu.d", "fmv.x.d", "feq.d", "flt.d", "fle.d", "fclass.d",
      "fcvt.d.w", "fcvt.d.wu", "fcvt.d.l", "fcvt.d.lu", "fmv.d.x",
      "fcvt.s.d", "fcvt.d.s"};
  static_assert(sizeof(names) / sizeof(names[0]) == std::size_t(Op::kCount), "one name per op");
  return names[std::size_t(op)];
}

bool writes_f_rd(Op op)
{
  if (!is_fp(op))
    return false;
  const Op s = (op >= Op::kFld && op <= Op::kFmvDX) ? Op(unsigned(op) - kFpDouble) : op;
  switch (s) {
    case Op::kFsw: case Op::kFcvtWS: case Op::kFcvtWuS: case Op::kFcvtLS: case Op::kFcvtLuS:
    case Op::kFmvXW: case Op::kFeqS: case Op::kFltS: case Op::kFleS: case Op::kFclassS:
      return false;
    default:
      return true;
  }
}

bool writes_x_rd(Op op)
{
  if (is_fp(op))
    return !writes_f_rd(op) && op != Op::kFsw && op != Op::kFsd;
  switch (op) {
    case Op::kBeq: case Op::kBne: case Op::kBlt: case Op::kBge: case Op::kBltu: case Op::kBgeu:
    case Op::kSb: case Op::kSh: case Op::kSw: case Op::kSd: case Op::kFence: case Op::kFenceI:
    case Op::kEcall: case Op::kEbreak: case Op::kMret: case Op::kSret: case Op::kWfi:
    case Op::kSfenceVma: case Op::kSinvalVma: case Op::kSfenceWInval: case Op::kSfenceInvalIr:
    case Op::kIllegal: case Op::kUndecoded:
      return false;
    default:
      return true;
  }
}

}  // namespace vmplat::cpu
