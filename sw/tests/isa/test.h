/* Mini framework for the self-checking ISA tests.
 *
 * Every line a test prints must be defined by the architecture and the virt map, because
 * the differential tests compare vmplat's console with qemu-system-riscv64's byte for byte:
 * print results and trap causes, never timing, misa's full value or vendor ids.
 *
 *   CHECK("add.overflow", got, expected)  prints "PASS add.overflow" or
 *                                         "FAIL add.overflow: got 0x.. expected 0x.."
 *   SHOW("mhartid", value)                prints "mhartid = 0x.."
 *   return t_done("rv64i");               prints the summary; main's return value is the
 *                                         finisher code, i.e. the number of failures.
 */
#ifndef VMPLAT_ISA_TEST_H
#define VMPLAT_ISA_TEST_H

#include <stdint.h>

#include "platform.h"

void t_check(const char *name, uint64_t got, uint64_t expected);
void t_show(const char *name, uint64_t value);
int t_done(const char *suite);
/* Whether the boot arguments hold `word`: dtb is the device tree QEMU and vmplat pass in a1
 * (main's second argument). Lets a test run checks on vmplat only (--append word) where
 * QEMU 7.2 departs from the specification, and keep the differential output identical. */
int t_bootarg(const void *dtb, const char *word);

#define CHECK(name, got, expected) t_check((name), (uint64_t)(got), (uint64_t)(expected))
#define SHOW(name, value) t_show((name), (uint64_t)(value))

/* One instruction in its 32-bit encoding (the assembler would otherwise pick a compressed
 * form where one exists, and the C tests live in c.S). */
#define NORVC(insn) ".option push\n.option norvc\n" insn "\n.option pop\n"

#define OP_RR(op, a, b)                                                                   \
  ({                                                                                      \
    uint64_t r_;                                                                          \
    asm volatile(NORVC(op " %0, %1, %2") : "=r"(r_) : "r"((uint64_t)(a)), "r"((uint64_t)(b))); \
    r_;                                                                                   \
  })
#define OP_RI(op, a, imm)                                                                 \
  ({                                                                                      \
    uint64_t r_;                                                                          \
    asm volatile(NORVC(op " %0, %1, %2") : "=r"(r_) : "r"((uint64_t)(a)), "i"(imm));      \
    r_;                                                                                   \
  })

#endif
