/* Sv39 paging firmware: the same console output on vmplat and qemu-system-riscv64.
 *
 * M mode opens PMP (QEMU enforces it), delegates U ecalls and page faults to S, and drops
 * to S. S mode builds Sv39 tables (identity gigapages for devices and DRAM, supervisor
 * only; 4 KiB user pages at 0x4000_0000), checks SUM, MXR, U-page fetch and canonical
 * addresses from S, then runs the U program of paging_asm.S and handles its faults: a page
 * mapped on demand, stores and an AMO to a read-only page, a load of kernel memory and a
 * fetch from a data page; LR/SC on a translated address and a misaligned access across
 * two pages. Finally it prints the A/D bits the hardware set. The finisher
 * exit code is the number of checks that failed.
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>

#include "platform.h"

#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_U (1UL << 4)
#define PTE_G (1UL << 5)
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)

#define SSTATUS_SPP (1UL << 8)
#define SSTATUS_SUM (1UL << 18)
#define SSTATUS_MXR (1UL << 19)

#define USER_CODE_VA 0x40000000UL
#define DATA_VA 0x40001000UL
#define RO_VA 0x40002000UL
#define DEMAND_VA 0x40003000UL
#define XONLY_VA 0x40004000UL

#define CAUSE_FETCH_PF 12
#define CAUSE_LOAD_PF 13
#define CAUSE_STORE_PF 15
#define CAUSE_ECALL_U 8

typedef uint64_t pte_t;

static pte_t root[512] __attribute__((aligned(4096)));
static pte_t user_l1[512] __attribute__((aligned(4096)));
static pte_t user_l0[512] __attribute__((aligned(4096)));
static uint64_t data_frame[512] __attribute__((aligned(4096)));
static uint64_t ro_frame[512] __attribute__((aligned(4096)));
static uint64_t demand_frame[512] __attribute__((aligned(4096)));
static uint64_t xonly_frame[512] __attribute__((aligned(4096)));
static uint8_t trap_stack[4096] __attribute__((aligned(16)));

extern char user_text[], user_text_end[];
void s_trap_entry(void);
uint64_t s_load(uint64_t addr);
void s_store(uint64_t addr, uint64_t value);

static jmp_buf user_done;
static unsigned faults, failures;

static pte_t leaf(uint64_t pa, uint64_t flags) { return ((pa >> 12) << 10) | flags | PTE_V; }
static pte_t pointer(void *table) { return ((uint64_t)(uintptr_t)table >> 12) << 10 | PTE_V; }

static void check(int ok, const char *what)
{
  printf("%s %s\n", ok ? "ok  " : "FAIL", what);
  if (!ok)
    ++failures;
}

static const char *cause_name(uint64_t cause)
{
  switch (cause) {
    case CAUSE_FETCH_PF: return "instruction page fault";
    case CAUSE_LOAD_PF: return "load page fault";
    case CAUSE_STORE_PF: return "store page fault";
    default: return "unexpected trap";
  }
}

static void sfence_all(void) { asm volatile("sfence.vma zero, zero" ::: "memory"); }
static void sfence_page(uint64_t va) { asm volatile("sfence.vma %0, zero" ::"r"(va) : "memory"); }

void s_trap(uint64_t *regs)
{
  const uint64_t cause = read_csr(scause), tval = read_csr(stval), epc = read_csr(sepc);
  const int from_user = !(read_csr(sstatus) & SSTATUS_SPP);
  if (cause == CAUSE_ECALL_U) {
    if (regs[17] == 2) {
      printf("U: exit\n");
      write_csr(sscratch, (uint64_t)(uintptr_t)(trap_stack + sizeof trap_stack));
      longjmp(user_done, 1);
    }
    printf("U: value 0x%lx\n", (unsigned long)regs[10]);
    write_csr(sepc, epc + 4);
    return;
  }
  ++faults;
  printf("%c: %s at va 0x%lx\n", from_user ? 'U' : 'S', cause_name(cause), (unsigned long)tval);
  if (cause != CAUSE_FETCH_PF && cause != CAUSE_LOAD_PF && cause != CAUSE_STORE_PF) {
    printf("FAIL unexpected cause %lu, epc 0x%lx\n", (unsigned long)cause, (unsigned long)epc);
    vp_exit(100);
  }
  if (from_user && (tval & ~0xfffUL) == DEMAND_VA && !(user_l0[3] & PTE_V)) {
    user_l0[3] = leaf((uint64_t)(uintptr_t)demand_frame, PTE_R | PTE_W | PTE_U);
    sfence_page(DEMAND_VA);
    printf("S: mapped 0x%lx on demand, retrying\n", (unsigned long)DEMAND_VA);
    return;
  }
  /* A failed fetch came from a call: resume at the return address. */
  write_csr(sepc, cause == CAUSE_FETCH_PF ? regs[1] : epc + 4);
}

static void build_tables(void)
{
  /* Gigapages 0 (devices) and 2 (DRAM), identity, supervisor only, global. */
  root[0] = leaf(0x00000000UL, PTE_R | PTE_W | PTE_A | PTE_D | PTE_G);
  root[2] = leaf(0x80000000UL, PTE_R | PTE_W | PTE_X | PTE_A | PTE_D | PTE_G);
  root[1] = pointer(user_l1);
  user_l1[0] = pointer(user_l0);
  /* User pages. A and D clear where the hardware is expected to set them. */
  user_l0[0] = leaf((uint64_t)(uintptr_t)user_text, PTE_R | PTE_X | PTE_U);
  user_l0[1] = leaf((uint64_t)(uintptr_t)data_frame, PTE_R | PTE_W | PTE_U);
  user_l0[2] = leaf((uint64_t)(uintptr_t)ro_frame, PTE_R | PTE_U);
  /* user_l0[3] (DEMAND_VA) stays invalid until the first touch. */
  user_l0[4] = leaf((uint64_t)(uintptr_t)xonly_frame, PTE_X | PTE_A);  /* supervisor, X only */
  ro_frame[0] = 0xfeed;
  xonly_frame[0] = 0x5eed;
}

static void s_checks(void)
{
  unsigned before = faults;
  data_frame[0] = 0xabcd;
  /* A user page from S: a fault without SUM, readable with it. */
  s_load(DATA_VA);
  check(faults == before + 1, "S load of a U page without SUM faults");
  set_csr(sstatus, SSTATUS_SUM);
  check(s_load(DATA_VA) == 0xabcd, "S load of a U page with SUM reads it");
  /* Never executable from S, even with SUM. */
  before = faults;
  ((void (*)(void))USER_CODE_VA)();
  check(faults == before + 1, "S fetch from a U page faults");
  clear_csr(sstatus, SSTATUS_SUM);
  /* Execute-only: readable only with MXR. */
  before = faults;
  s_load(XONLY_VA);
  check(faults == before + 1, "S load of an execute-only page faults");
  set_csr(sstatus, SSTATUS_MXR);
  check(s_load(XONLY_VA) == 0x5eed, "S load of an execute-only page with MXR reads it");
  clear_csr(sstatus, SSTATUS_MXR);
  /* Bit 38 set, 63:39 clear: not canonical in Sv39. */
  before = faults;
  s_store(0x0000004000000000UL, 1);
  check(faults == before + 1, "non-canonical store faults");
}

static void run_user(void)
{
  if (setjmp(user_done) == 0) {
    write_csr(sepc, USER_CODE_VA);
    clear_csr(sstatus, SSTATUS_SPP);
    asm volatile("sret");
  }
}

static void s_main(void)
{
  write_csr(stvec, (uint64_t)(uintptr_t)s_trap_entry);
  write_csr(sscratch, (uint64_t)(uintptr_t)(trap_stack + sizeof trap_stack));
  build_tables();
  write_csr(satp, (8UL << 60) | ((uint64_t)(uintptr_t)root >> 12));
  sfence_all();
  printf("S: Sv39 on, satp mode %lu\n", (unsigned long)(read_csr(satp) >> 60));
  s_checks();

  faults = 0;
  run_user();
  check(faults == 6, "U program took 6 page faults");
  check(data_frame[0] == 0x1235, "U stores and SC reached the data frame");
  check(demand_frame[1] == 77, "U store reached the demand-mapped frame");
  check(ro_frame[0] == 0xfeed, "read-only frame unchanged");
  printf("A/D: code %lu/%lu data %lu/%lu ro %lu/%lu demand %lu/%lu\n",
         (user_l0[0] >> 6) & 1, (user_l0[0] >> 7) & 1, (user_l0[1] >> 6) & 1,
         (user_l0[1] >> 7) & 1, (user_l0[2] >> 6) & 1, (user_l0[2] >> 7) & 1,
         (user_l0[3] >> 6) & 1, (user_l0[3] >> 7) & 1);

  /* Remap the data page to another frame; after the fence the new frame is seen. */
  demand_frame[0] = 0x7777;
  user_l0[1] = leaf((uint64_t)(uintptr_t)demand_frame, PTE_R | PTE_W | PTE_U | PTE_A | PTE_D);
  sfence_page(DATA_VA);
  set_csr(sstatus, SSTATUS_SUM);
  check(s_load(DATA_VA) == 0x7777, "remapped page after sfence.vma");
  clear_csr(sstatus, SSTATUS_SUM);

  printf("DONE paging: %u failures\n", failures);
  vp_exit((int)failures);
}

int main(void)
{
  /* PMP entry 0: NAPOT over everything, RWX, so S and U can reach memory. */
  write_csr(pmpaddr0, ~0UL);
  write_csr(pmpcfg0, 0x1f);
  write_csr(medeleg, (1UL << CAUSE_ECALL_U) | (1UL << CAUSE_FETCH_PF) | (1UL << CAUSE_LOAD_PF) |
                         (1UL << CAUSE_STORE_PF));
  printf("M: dropping to S\n");
  uint64_t ms = read_csr(mstatus);
  ms = (ms & ~(3UL << 11)) | (1UL << 11);
  write_csr(mstatus, ms);
  write_csr(mepc, (uint64_t)(uintptr_t)s_main);
  asm volatile("mret");
  return 1;
}
