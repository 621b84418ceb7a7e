/* The table runners of fp.h. */
#include "fp.h"

#include <stdio.h>

#include "platform.h"

const char *const fp_rm_names[8] = {"rne", "rtz", "rdn", "rup", "rmm", "rm5", "rm6", "dyn"};

void fp_check(const char *name, struct fres got, uint64_t want, uint64_t want_flags)
{
  char flags_name[112];
  t_check(name, got.v, want);
  snprintf(flags_name, sizeof flags_name, "%s.fflags", name);
  t_check(flags_name, got.flags, want_flags);
}

static uint64_t src(int how, uint64_t v)
{
  return (how & FP_SRC32) ? BOX(v) : v;
}

static uint64_t dst(int how, uint64_t v)
{
  return (how & FP_DST32) ? BOX(v) : v;
}

static struct fres call(fp_fn fn, int how, int rm, uint64_t a, uint64_t b, uint64_t c)
{
  return fn(rm, src(how, a), src(how, b), src(how, c));
}

void fp_run(const char *insn, fp_fn fn, int how, const struct fp_case *cases, unsigned n)
{
  char name[96];
  for (unsigned i = 0; i < n; ++i) {
    const struct fp_case *k = &cases[i];
    snprintf(name, sizeof name, "%s.%s.%s", insn, k->name, fp_rm_names[k->rm]);
    fp_check(name, call(fn, how, k->rm, k->a, k->b, k->c), dst(how, k->want), k->flags);
  }
}

void fp_run_modes(const char *insn, fp_fn fn, int how, const struct fp_modes_case *cases,
                  unsigned n)
{
  char name[96];
  for (unsigned i = 0; i < n; ++i) {
    const struct fp_modes_case *k = &cases[i];
    for (int rm = RNE; rm <= RMM; ++rm) {
      snprintf(name, sizeof name, "%s.%s.%s", insn, k->name, fp_rm_names[rm]);
      fp_check(name, call(fn, how, rm, k->a, k->b, k->c), dst(how, k->want[rm]), k->flags);
      write_csr(frm, rm);
      snprintf(name, sizeof name, "%s.%s.dyn.%s", insn, k->name, fp_rm_names[rm]);
      fp_check(name, call(fn, how, DYN, k->a, k->b, k->c), dst(how, k->want[rm]), k->flags);
    }
    write_csr(frm, RNE);
  }
}
