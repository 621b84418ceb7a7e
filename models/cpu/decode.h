// RV64IMAFDC + Zicsr + Zifencei decoding. Every instruction, 16- or 32-bit, is decoded once
// into an Insn (compressed forms expand to their base operation) and cached by the hart.
#pragma once

#include <cstdint>

namespace vmplat::cpu {

enum class Op : uint8_t {
  kUndecoded = 0,  // a decode-cache slot not filled yet (must stay 0: slots are zeroed)
  kIllegal,
  // RV64I
  kLui, kAuipc, kJal, kJalr,
  kBeq, kBne, kBlt, kBge, kBltu, kBgeu,
  kLb, kLh, kLw, kLd, kLbu, kLhu, kLwu,
  kSb, kSh, kSw, kSd,
  kAddi, kSlti, kSltiu, kXori, kOri, kAndi, kSlli, kSrli, kSrai,
  kAdd, kSub, kSll, kSlt, kSltu, kXor, kSrl, kSra, kOr, kAnd,
  kAddiw, kSlliw, kSrliw, kSraiw, kAddw, kSubw, kSllw, kSrlw, kSraw,
  kFence, kFenceI, kEcall, kEbreak, kMret, kSret, kWfi, kSfenceVma,
  kSinvalVma, kSfenceWInval, kSfenceInvalIr,  // Svinval
  kCsrrw, kCsrrs, kCsrrc, kCsrrwi, kCsrrsi, kCsrrci,
  // M
  kMul, kMulh, kMulhsu, kMulhu, kDiv, kDivu, kRem, kRemu,
  kMulw, kDivw, kDivuw, kRemw, kRemuw,
  // A (W forms, then D forms in the same order)
  kLrW, kScW, kAmoswapW, kAmoaddW, kAmoxorW, kAmoandW, kAmoorW, kAmominW, kAmomaxW,
  kAmominuW, kAmomaxuW,
  kLrD, kScD, kAmoswapD, kAmoaddD, kAmoxorD, kAmoandD, kAmoorD, kAmominD, kAmomaxD,
  kAmominuD, kAmomaxuD,
  // F, then D in the same order (unprivileged spec chapters 11, 12). For the fused ops rs3
  // is raw bits 31:27; for every op that rounds, rm is raw bits 14:12 (insn_rm, insn_rs3).
  kFlw, kFsw, kFmaddS, kFmsubS, kFnmsubS, kFnmaddS, kFaddS, kFsubS, kFmulS, kFdivS, kFsqrtS,
  kFsgnjS, kFsgnjnS, kFsgnjxS, kFminS, kFmaxS, kFcvtWS, kFcvtWuS, kFcvtLS, kFcvtLuS,
  kFmvXW, kFeqS, kFltS, kFleS, kFclassS, kFcvtSW, kFcvtSWu, kFcvtSL, kFcvtSLu, kFmvWX,
  kFld, kFsd, kFmaddD, kFmsubD, kFnmsubD, kFnmaddD, kFaddD, kFsubD, kFmulD, kFdivD, kFsqrtD,
  kFsgnjD, kFsgnjnD, kFsgnjxD, kFminD, kFmaxD, kFcvtWD, kFcvtWuD, kFcvtLD, kFcvtLuD,
  kFmvXD, kFeqD, kFltD, kFleD, kFclassD, kFcvtDW, kFcvtDWu, kFcvtDL, kFcvtDLu, kFmvDX,
  kFcvtSD, kFcvtDS,
  kCount
};
constexpr Op kFirstFpOp = Op::kFlw, kLastFpOp = Op::kFcvtDS;
// The distance from an S form to its D form.
constexpr unsigned kFpDouble = unsigned(Op::kFld) - unsigned(Op::kFlw);

// Cycle-cost classes; the cost of each is a configuration knob (cpu.cycles.<class>).
enum class InsnClass : uint8_t { kAlu, kMul, kDiv, kLoad, kStore, kBranch, kJump, kCsr, kSystem,
                                 kAmo, kFp, kFdiv, kCount };

struct Insn {
  Op op = Op::kUndecoded;
  uint8_t rd = 0, rs1 = 0, rs2 = 0;
  uint8_t len = 4;        // 2 for compressed
  InsnClass cls = InsnClass::kAlu;
  uint16_t csr = 0;       // CSR number for Zicsr
  int32_t imm = 0;        // sign-extended immediate (uimm for CSR*I in rs1)
  uint32_t raw = 0;       // the instruction bits (16 or 32), for mtval and traces
};
static_assert(sizeof(Insn) == 16, "Insn is kept small for the decode cache");

// Fields the hart reads from the raw bits of 32-bit FP instructions.
inline unsigned insn_rm(const Insn& in) { return (in.raw >> 12) & 7; }
inline unsigned insn_rs3(const Insn& in) { return in.raw >> 27; }
inline bool is_fp(Op op) { return op >= kFirstFpOp && op <= kLastFpOp; }
// Whether the op writes an integer register rd, or an FP register rd.
bool writes_x_rd(Op op);
bool writes_f_rd(Op op);

// Decodes a 32-bit instruction (low two bits 11) or a 16-bit one (anything else; only the
// low 16 bits of `bits` are used). Unknown and reserved encodings give Op::kIllegal.
Insn decode(uint32_t bits);

// Mnemonic for traces and debugging.
const char* op_name(Op op);

}  // namespace vmplat::cpu
