// Fast-forward and SMARTS-style sampling (docs/exploration.md, "Fast-forward and sampling").
//
// Fast-forward: the first `sampling.fast_forward` instructions run in the fast mode (DRAM
// through plain DMI at dram.fast_latency, walks and DMA at that latency too, no bank/row
// model, caches bypassed: mem::Dram::set_fast_forward, mem::Cache::set_bypass); at the first
// quantum boundary at or after it the run switches to the configured mode, and the
// statistics at that moment are kept so the detailed part is the difference.
//
// Sampling: every `sampling.period` instructions from there (or from reset without a
// fast-forward) the run switches to the configured mode for `sampling.warmup` instructions
// (warming the DRAM bank state, which starts cold) and then `sampling.length` measured ones,
// and back to the fast mode. Each switch happens at the first quantum boundary at or after
// the instruction count it is due at (common/sim.h), so a sample measures between LENGTH and
// LENGTH plus one quantum's instructions. "Instructions" count as --max-instructions does:
// retired ones plus traps taken.
//
// TLBs and page-walk caches are simulated the same in both modes (they are functional in
// vmplat), so they are warm at every switch; the data caches on cpu.data_path and
// mmu.walker.path keep the lines the last detailed part left them.
//
// Configuration
//   sampling.fast_forward  instructions  0 (off)
//   sampling.period        instructions  0 (off)    sampling.length   instructions  10000
//   sampling.warmup        instructions  2000        (length + warmup <= period)
//
// --stats JSON (besides "stats", which always covers the whole run)
//   "fast_forward": {"requested", "instructions", "progress", "stats"}: counts at the switch
//   "detailed": {"instructions", "cycles", "cpi", "stats"}: the run after the switch (without
//               sampling)
//   "samples": [{"start", "end", "instructions", "cycles", "cpi", "dtlb_mpki", "itlb_mpki",
//               "walks_pki", "mean_walk_cycles"}]
//   "sample_estimate": per metric {"mean", "sd", "n", "ci95": [lo, hi]}, and "cycles": the
//               estimated cycles of the sampled part (mean CPI x its instructions)
#pragma once

#include <cstdint>
#include <ostream>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/mem/cache.h"
#include "models/mem/dram.h"

namespace vmplat::virt {

// The 0.975 quantile of Student's t distribution with `dof` degrees of freedom (dof >= 1):
// tabulated for 1..30, 40, 60, 120 and 1000 (1.962, within 0.1% of the normal 1.960), and
// between table entries the smaller dof's (larger, so conservative) value.
double student_t_975(uint64_t dof);

// Mean, sample standard deviation and 95% confidence interval of the mean (Student t) of
// independent observations; sd and the interval are 0 and [mean, mean] for fewer than two.
struct Estimate {
  double mean = 0, sd = 0, lo = 0, hi = 0;
  uint64_t n = 0;
};
Estimate estimate(const std::vector<double>& xs);

class Sampler {
 public:
  // Declares the sampling.* keys (a bad combination is a UserError naming them) and, when
  // fast-forward or sampling is on, puts the memory in its starting mode and installs the
  // quantum-boundary hook. `caches` are the platform's data caches, null entries allowed.
  Sampler(mem::Dram& dram, std::vector<mem::Cache*> caches);

  bool fast_forward_on() const { return m_ff > 0; }
  bool sampling_on() const { return m_period > 0; }
  // Adds "fast_forward", "detailed", "samples" and "sample_estimate" as they apply.
  void add_json(nlohmann::json& j) const;
  // One or two lines saying what the run's detailed part and samples measured.
  void write_summary(std::ostream& os) const;

 private:
  enum class Phase { kFastForward, kDetailed, kBetween, kWarmup, kMeasure };
  void on_boundary(uint64_t progress);
  // Moves through the phases due at `progress`; false when nothing more is due.
  bool step(uint64_t progress);
  void set_fast(bool on);
  nlohmann::json detailed_json() const;

  mem::Dram& m_dram;
  std::vector<mem::Cache*> m_caches;
  uint64_t m_ff = 0, m_period = 0, m_length = 0, m_warmup = 0;

  Phase m_phase = Phase::kDetailed;
  bool m_fast = false;
  uint64_t m_phase_start = 0;  // progress at which the current phase began
  uint64_t m_next_sample = 0;  // progress at which the next sample's warm-up is due
  // The fast-forward's end: whether it came, where, and the counts then.
  bool m_switched = false;
  uint64_t m_switch_progress = 0;
  nlohmann::json m_switch_counts;
  nlohmann::json m_measure_counts;  // counts at the current sample's measurement start
  nlohmann::json m_samples = nlohmann::json::array();
};

}  // namespace vmplat::virt
