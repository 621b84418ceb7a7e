/* Lazy FP context switching. The FP registers belong to one process at a time, the owner;
 * they are saved only when another process needs them and the owner changed them since
 * they were last loaded (sstatus.FS said Dirty on a trap from it), and loaded only when a
 * process executes its first FP instruction after being switched in:
 * - a process runs with FS = Clean if it owns the registers, FS = Off otherwise, so its
 *   first FP instruction traps (illegal instruction with FS = Off);
 * - that trap saves the owner's state (if dirty), loads the process's own (zeros and fcsr
 *   0 the first time) and retries the instruction;
 * - every trap from U notes FS = Dirty: the owner's registers are newer than its copy.
 * Privileged spec 3.1.6.6 describes FS for this purpose; on a hart without F/D, FS is
 * read-only zero and no process ever gets the FPU (FP instructions kill it, as before).
 * With several harts each has its own owner, and a process that leaves a hart with dirty
 * registers has them saved there and then (fp_switch_away), so that its struct fpstate is
 * current whenever it does not run; a process owns a hart's registers only if it last
 * loaded them there (proc.fp_hart), so registers it left behind on another hart and then
 * changed elsewhere are never taken for current. */
#include <string.h>

#include "kernel.h"

#define SSTATUS_FS (3UL << 13)
#define SSTATUS_FS_OFF 0UL
#define SSTATUS_FS_INITIAL (1UL << 13)
#define SSTATUS_FS_CLEAN (2UL << 13)
#define SSTATUS_FS_DIRTY (3UL << 13)

void fp_save(struct fpstate *s);
void fp_load(const struct fpstate *s);

#define m_owner (mycpu()->fp_owner) /* g_procs slot whose state is in the registers */
#define m_dirty (mycpu()->fp_dirty) /* ... and newer there than in its struct fpstate */

static bool owns(const struct proc *p)
{
  return m_owner == (int)(p - g_procs) && p->fp_hart == (int)mycpu()->id;
}

static void set_fs(uint64_t fs)
{
  clear_csr(sstatus, SSTATUS_FS);
  set_csr(sstatus, fs);
}

void fp_trap_entry(void)
{
  if ((read_csr(sstatus) & SSTATUS_FS) == SSTATUS_FS_DIRTY)
    m_dirty = true;
}

void fp_resume(const struct proc *p)
{
  set_fs(owns(p) ? SSTATUS_FS_CLEAN : SSTATUS_FS_OFF);
}

/* Writes the owner's registers back to its fpstate if they are newer. */
static void writeback(void)
{
  if (m_owner < 0 || !m_dirty)
    return;
  set_fs(SSTATUS_FS_INITIAL);
  fp_save(&g_procs[m_owner].fp);
  m_dirty = false;
  g_count.fp_saves++;
}

/* Whether the instruction bits are an F/D instruction or an fflags/frm/fcsr access. */
static bool is_fp_insn(uint32_t insn)
{
  if ((insn & 3) != 3) {
    unsigned quadrant = insn & 3, funct3 = (insn >> 13) & 7;
    return (quadrant == 0 || quadrant == 2) && (funct3 == 1 || funct3 == 5);
  }
  switch (insn & 0x7f) {
  case 0x07: case 0x27: case 0x43: case 0x47: case 0x4b: case 0x4f: case 0x53:
    return true;
  case 0x73: {
    unsigned csr = insn >> 20;
    return ((insn >> 12) & 7) != 0 && csr >= 1 && csr <= 3;
  }
  default:
    return false;
  }
}

bool fp_claim(struct proc *p, uint64_t tval)
{
  if ((read_csr(sstatus) & SSTATUS_FS) != SSTATUS_FS_OFF || owns(p))
    return false; /* the process had the FPU: a genuine illegal instruction */
  uint32_t insn = (uint32_t)tval;
  if (!insn) { /* a hart that leaves stval 0: read the instruction */
    uint16_t half = 0;
    if (vm_copy_in(p->mm, &half, p->tf.sepc, 2) != FAULT_OK)
      return false;
    insn = half;
    if ((half & 3) == 3 && vm_copy_in(p->mm, &insn, p->tf.sepc, 4) != FAULT_OK)
      return false;
  }
  if (!is_fp_insn(insn))
    return false;
  /* Does the hart have an FPU at all? FS is read-only zero without F and D. */
  set_fs(SSTATUS_FS_INITIAL);
  if ((read_csr(sstatus) & SSTATUS_FS) == SSTATUS_FS_OFF)
    return false;
  writeback();
  set_fs(SSTATUS_FS_INITIAL);
  if (!p->fp_used) {
    memset(&p->fp, 0, sizeof(p->fp));
    p->fp_used = true;
    g_count.fp_first_use++;
  } else {
    g_count.fp_restores++;
  }
  fp_load(&p->fp);
  m_owner = (int)(p - g_procs);
  m_dirty = false;
  p->fp_hart = (int)mycpu()->id;
  return true;
}

void fp_fork(struct proc *parent, struct proc *child)
{
  if (owns(parent))
    writeback();
  child->fp = parent->fp;
  child->fp_used = parent->fp_used;
}

void fp_release(struct proc *p)
{
  if (owns(p)) {
    m_owner = -1;
    m_dirty = false;
  }
  p->fp_used = false;
  p->fp_hart = -1;
}

/* p stops running on this hart (several harts only): its dirty registers go to its struct. */
void fp_switch_away(struct proc *p)
{
  if (owns(p))
    writeback();
}
