/* Helpers of the MMU firmware tests (sw/tests/mmu): PTE bits, a PTE for a table or page,
 * and data accesses made from M mode at a lower privilege through mstatus.MPRV (privileged
 * spec 3.1.6.3), which translates them while the code itself stays untranslated.
 *
 * Between setting and clearing MPRV nothing else may touch memory; the trap handler
 * (trap.h) runs with MPP = M and leaves MPP = U behind it, so a faulting access returns
 * with MPRV still set and the clearing instruction runs untranslated. */
#ifndef VMPLAT_MMU_SV39_H
#define VMPLAT_MMU_SV39_H

#include <stdint.h>

#include "trap.h"

#define PAGE 4096UL
#define PTE_V 0x01UL
#define PTE_R 0x02UL
#define PTE_W 0x04UL
#define PTE_X 0x08UL
#define PTE_U 0x10UL
#define PTE_G 0x20UL
#define PTE_A 0x40UL
#define PTE_D 0x80UL

/* The PTE pointing at p (a table or a page) with these flags. */
static inline uint64_t pte(const void *p, uint64_t flags)
{
  return ((uint64_t)(uintptr_t)p >> 12) << 10 | flags;
}

/* One access insn (%0: value in and out, %1: address) with MPRV = 1 and MPP = mpp. */
#define MPRV_ACCESS(insn, mpp, addr, value)                                               \
  ({                                                                                      \
    uint64_t v_ = (value);                                                                \
    asm volatile("li t0, 0x1800\n csrc mstatus, t0\n csrs mstatus, %2\n"                  \
                 ".option push\n.option norvc\n" insn "\n.option pop\n"                   \
                 "li t0, 0x20000\n csrc mstatus, t0\n"                                    \
                 : "+&r"(v_) : "r"(addr), "r"(0x20000UL | ((uint64_t)(mpp) << 11))        \
                 : "t0", "memory");                                                       \
    v_;                                                                                   \
  })
#define MPRV_LOAD(mpp, addr) MPRV_ACCESS("ld %0, 0(%1)", mpp, addr, 0)
#define MPRV_STORE(mpp, addr, v) MPRV_ACCESS("sd %0, 0(%1)", mpp, addr, v)

/* A doubleword load or store of va as S mode. */
static inline uint64_t s_load(uint64_t va) { return MPRV_LOAD(PRIV_S, va); }
static inline void s_store(uint64_t va, uint64_t value) { MPRV_STORE(PRIV_S, va, value); }

#endif
