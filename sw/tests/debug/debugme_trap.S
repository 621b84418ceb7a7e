/* The debugme trap handler: counts an ECALL from M and returns past it; any other trap is
 * unexpected (sw/lib's default handler reports it). */
  .bss
  .align 3
debugme_saved_t1:
  .dword 0

  .text
  .align 2
  .globl debugme_trap
debugme_trap:
  csrw mscratch, t0
  csrr t0, mcause
  addi t0, t0, -11
  bnez t0, 1f
  csrr t0, mepc
  addi t0, t0, 4
  csrw mepc, t0
  la t0, debugme_saved_t1
  sd t1, 0(t0)
  la t0, g_traps
  ld t1, 0(t0)
  addi t1, t1, 1
  sd t1, 0(t0)
  la t0, debugme_saved_t1
  ld t1, 0(t0)
  csrr t0, mscratch
  mret
1:
  csrr t0, mscratch
  j vp_default_trap
