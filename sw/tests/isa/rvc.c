/* RV64C: every integer compressed form (rvc_ops.S), a 32-bit instruction at a 2-mod-4
 * address, c.ebreak and the reserved encodings that must raise illegal instruction with
 * mtval = the 16 instruction bits. */
#include "test.h"
#include "trap.h"

uint64_t rvc_addi(uint64_t), rvc_addiw(uint64_t), rvc_li(void), rvc_lui_neg(void),
    rvc_lui_pos(void), rvc_srli(uint64_t), rvc_srai(uint64_t), rvc_andi(uint64_t),
    rvc_slli(uint64_t), rvc_sub(uint64_t, uint64_t), rvc_xor(uint64_t, uint64_t),
    rvc_or(uint64_t, uint64_t), rvc_and(uint64_t, uint64_t), rvc_subw(uint64_t, uint64_t),
    rvc_addw(uint64_t, uint64_t), rvc_mv(uint64_t, uint64_t), rvc_add(uint64_t, uint64_t),
    rvc_nop(void), rvc_sp_arith(void), rvc_sp_mem(uint64_t), rvc_mem(volatile uint64_t *, uint64_t),
    rvc_beqz(uint64_t), rvc_bnez(uint64_t), rvc_j(void), rvc_jalr(void),
    rvc_unaligned32(uint64_t), rvc_ebreak(void), rvc_zero(void), rvc_lui_zero(void);

#define SEXT32(x) ((uint64_t)(int64_t)(int32_t)(uint32_t)(x))
#define A 0x8000000180000007UL
#define B 0x00000000fffffff9UL

static volatile uint64_t s_buf[2];

int main(void)
{
  trap_install();
  CHECK("c.addi", rvc_addi(10), 10 - 32);
  CHECK("c.addiw", rvc_addiw(0x7fffffffUL), 0xffffffff80000000UL);
  CHECK("c.li", rvc_li(), (uint64_t)-17);
  CHECK("c.lui.neg", rvc_lui_neg(), 0xfffffffffffe1000UL);
  CHECK("c.lui.pos", rvc_lui_pos(), 0x1f000);
  CHECK("c.srli", rvc_srli(A), A >> 60);
  CHECK("c.srai", rvc_srai(A), (uint64_t)((int64_t)A >> 4));
  CHECK("c.andi", rvc_andi(A), A & (uint64_t)-6);
  CHECK("c.slli", rvc_slli(A), A << 36);
  CHECK("c.sub", rvc_sub(A, B), A - B);
  CHECK("c.xor", rvc_xor(A, B), A ^ B);
  CHECK("c.or", rvc_or(A, B), A | B);
  CHECK("c.and", rvc_and(A, B), A & B);
  CHECK("c.subw", rvc_subw(A, B), SEXT32(A - B));
  CHECK("c.addw", rvc_addw(A, B), SEXT32(A + B));
  CHECK("c.mv", rvc_mv(A, B), B);
  CHECK("c.add", rvc_add(A, B), A + B);
  CHECK("c.nop", rvc_nop(), 5);
  CHECK("c.addi16sp_addi4spn", rvc_sp_arith(), 64 * 16 + 24);
  CHECK("c.sdsp_ldsp_swsp_lwsp", rvc_sp_mem(0x0000000180000001UL),
        0x0000000180000001UL + 0xffffffff80000001UL);
  s_buf[0] = s_buf[1] = 0;
  CHECK("c.sw_sd_lw_ld", rvc_mem(s_buf, 0x12345678deadbeefUL),
        0xffffffffdeadbeefUL ^ 0x12345678deadbeefUL);
  CHECK("c.sw.mem", s_buf[0], 0xdeadbeef00000000UL);
  CHECK("c.beqz.taken", rvc_beqz(0), 1);
  CHECK("c.beqz.not_taken", rvc_beqz(1UL << 63), 0);
  CHECK("c.bnez.taken", rvc_bnez(1UL << 63), 1);
  CHECK("c.bnez.not_taken", rvc_bnez(0), 0);
  CHECK("c.j", rvc_j(), 1);
  CHECK("c.jalr.link", rvc_jalr(), 2);
  CHECK("insn32.at_2mod4", rvc_unaligned32(1), 101);

  trap_clear();
  uint64_t site = rvc_ebreak();
  CHECK("c.ebreak.cause", g_trap.cause, 3);
  CHECK("c.ebreak.epc", g_trap.epc, site);
  CHECK("c.ebreak.count", g_trap.count, 1);

  trap_clear();
  site = rvc_zero();
  CHECK("c.zero.cause", g_trap.cause, 2);
  CHECK("c.zero.epc", g_trap.epc, site);
  CHECK("c.zero.mtval", g_trap.tval, 0);

  trap_clear();
  site = rvc_lui_zero();
  CHECK("c.lui0.cause", g_trap.cause, 2);
  CHECK("c.lui0.epc", g_trap.epc, site);
  CHECK("c.lui0.mtval", g_trap.tval, 0x6501);
  return t_done("rvc");
}
