/* Saving and loading a process's FP registers and fcsr (sw/kernel/fp.c). The kernel is
 * built without F/D (soft-float ABI, no FP instructions of its own); only these two
 * routines use FP instructions, and only while sstatus.FS is not Off. */
  .section .text
  .option push
  .option arch, +d

/* void fp_save(struct fpstate *s) */
  .globl fp_save
fp_save:
  .irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
  fsd f\n, (8 * \n)(a0)
  .endr
  .irp n, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
  fsd f\n, (8 * \n)(a0)
  .endr
  frcsr t0
  sd t0, 256(a0)
  ret

/* void fp_load(const struct fpstate *s) */
  .globl fp_load
fp_load:
  .irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
  fld f\n, (8 * \n)(a0)
  .endr
  .irp n, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
  fld f\n, (8 * \n)(a0)
  .endr
  ld t0, 256(a0)
  fscsr t0
  ret

  .option pop
