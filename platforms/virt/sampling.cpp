#include "platforms/virt/sampling.h"

#include <cmath>
#include <cstdio>
#include <string>

#include "models/common/config.h"
#include "models/common/sim.h"
#include "models/common/stats.h"

namespace vmplat::virt {

namespace {

using nlohmann::json;

// Student t, 0.975 quantile, for 1..30 degrees of freedom; 40, 60, 120 and 1000 below.
constexpr double kT975[30] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306,
                              2.262,  2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120,
                              2.110,  2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
                              2.060,  2.056, 2.052, 2.048, 2.045, 2.042};

uint64_t count(const json& counts, const std::string& name)
{
  auto it = counts.find(name);
  return it == counts.end() || !it->is_number_unsigned() ? 0 : it->get<uint64_t>();
}

// The sum of every counter named "<prefix>*" (all access kinds of a TLB's misses).
uint64_t count_prefix(const json& counts, const std::string& prefix)
{
  uint64_t sum = 0;
  for (const auto& [name, v] : counts.items())
    if (name.compare(0, prefix.size(), prefix) == 0 && v.is_number_unsigned())
      sum += v.get<uint64_t>();
  return sum;
}

uint64_t histogram_sum(const json& counts, const std::string& name)
{
  auto it = counts.find(name);
  return it == counts.end() || !it->is_object() ? 0 : it->value("sum", uint64_t{0});
}

double per_kilo(uint64_t events, uint64_t instructions)
{
  return instructions ? 1000.0 * double(events) / double(instructions) : 0.0;
}

json estimate_json(const Estimate& e)
{
  return {{"mean", e.mean}, {"sd", e.sd}, {"n", e.n}, {"ci95", {e.lo, e.hi}}};
}

}  // namespace

double student_t_975(uint64_t dof)
{
  if (dof == 0)
    return NAN;
  if (dof <= 30)
    return kT975[dof - 1];
  if (dof < 40)
    return kT975[29];
  if (dof < 60)
    return 2.021;
  if (dof < 120)
    return 2.000;
  return dof < 1000 ? 1.980 : 1.962;
}

Estimate estimate(const std::vector<double>& xs)
{
  Estimate e;
  e.n = xs.size();
  if (xs.empty())
    return e;
  double sum = 0;
  for (double x : xs)
    sum += x;
  e.mean = sum / double(e.n);
  e.lo = e.hi = e.mean;
  if (e.n < 2)
    return e;
  double ss = 0;
  for (double x : xs)
    ss += (x - e.mean) * (x - e.mean);
  e.sd = std::sqrt(ss / double(e.n - 1));
  const double half = student_t_975(e.n - 1) * e.sd / std::sqrt(double(e.n));
  e.lo = e.mean - half;
  e.hi = e.mean + half;
  return e;
}

Sampler::Sampler(mem::Dram& dram, std::vector<mem::Cache*> caches)
    : m_dram(dram), m_caches(std::move(caches))
{
  auto& cfg = common::config();
  m_ff = cfg.u64("sampling.fast_forward", 0, "instructions",
                 "run this many instructions (retired plus traps) in the fast mode first, then "
                 "switch to dram.mode at the first quantum boundary at or after them; the "
                 "statistics' \"detailed\" part is what came after (0: off)",
                 0, UINT64_MAX);
  m_period = cfg.u64("sampling.period", 0, "instructions",
                     "sample every this many instructions: between samples the fast mode, each "
                     "sample sampling.warmup + sampling.length instructions in dram.mode (0: off)",
                     0, UINT64_MAX);
  m_length = cfg.u64("sampling.length", 10000, "instructions",
                     "instructions each sample measures (reached at a quantum boundary, so up to "
                     "one quantum more)",
                     1, UINT64_MAX);
  m_warmup = cfg.u64("sampling.warmup", 2000, "instructions",
                     "instructions in dram.mode before each sample's measurement, warming the "
                     "DRAM bank state (which starts cold) and the data caches",
                     0, UINT64_MAX);
  if (m_period && (m_length > m_period || m_warmup > m_period - m_length))
    throw common::UserError(
        "sampling.length + sampling.warmup = " + std::to_string(m_length) + " + " +
        std::to_string(m_warmup) + " exceeds sampling.period = " + std::to_string(m_period) +
        "; allowed: length + warmup <= period");
  if (!m_ff && !m_period)
    return;
  if (m_ff) {
    m_phase = Phase::kFastForward;
    set_fast(true);
  } else {
    m_switched = true;  // sampling from reset: its origin is instruction 0
    m_phase = Phase::kWarmup;
    m_next_sample = m_period;
  }
  common::sim().add_boundary_hook([this](uint64_t progress) { on_boundary(progress); });
}

void Sampler::set_fast(bool on)
{
  if (on == m_fast)
    return;
  m_fast = on;
  // The caches first: the DRAM's switch invalidates the DMI grants that pass through them.
  for (mem::Cache* c : m_caches)
    if (c)
      c->set_bypass(on);
  m_dram.set_fast_forward(on);
}

void Sampler::on_boundary(uint64_t progress)
{
  while (step(progress)) {
  }
  set_fast(m_phase == Phase::kFastForward || m_phase == Phase::kBetween);
}

bool Sampler::step(uint64_t progress)
{
  switch (m_phase) {
    case Phase::kFastForward:
      if (progress < m_ff)
        return false;
      m_switched = true;
      m_switch_progress = progress;
      m_switch_counts = common::stats().counts();
      m_phase = m_period ? Phase::kWarmup : Phase::kDetailed;
      m_phase_start = progress;
      m_next_sample = m_ff + m_period;
      return m_period != 0;
    case Phase::kDetailed:
      return false;
    case Phase::kBetween:
      if (progress < m_next_sample)
        return false;
      m_phase = Phase::kWarmup;
      m_phase_start = progress;
      m_next_sample += m_period;
      return true;
    case Phase::kWarmup:
      if (progress < m_phase_start + m_warmup)
        return false;
      m_measure_counts = common::stats().counts();
      m_phase = Phase::kMeasure;
      m_phase_start = progress;
      return false;
    case Phase::kMeasure: {
      if (progress < m_phase_start + m_length)
        return false;
      const json end = common::stats().counts();
      const json d = common::Stats::difference(end, m_measure_counts);
      const uint64_t instructions = count(d, "cpu.instret");
      const uint64_t cycles = count(d, "cpu.cycles");
      const uint64_t walks = count(d, "mmu.walker.walks");
      json s = {{"start", m_phase_start},
                {"end", progress},
                {"instructions", instructions},
                {"cycles", cycles},
                {"cpi", instructions ? double(cycles) / double(instructions) : 0.0},
                {"dtlb_mpki", per_kilo(count_prefix(d, "mmu.dtlb.misses."), instructions)},
                {"itlb_mpki", per_kilo(count_prefix(d, "mmu.itlb.misses."), instructions)},
                {"walks_pki", per_kilo(walks, instructions)}};
      // Without walks a sample says nothing about their latency.
      s["mean_walk_cycles"] =
          walks ? json(double(histogram_sum(d, "mmu.walker.latency")) / double(walks)) : json();
      m_samples.push_back(std::move(s));
      m_phase = Phase::kBetween;
      return true;
    }
  }
  return false;
}

json Sampler::detailed_json() const
{
  const json d = common::Stats::difference(common::stats().counts(), m_switch_counts);
  const uint64_t instructions = count(d, "cpu.instret");
  const uint64_t cycles = count(d, "cpu.cycles");
  return {{"instructions", instructions},
          {"cycles", cycles},
          {"cpi", instructions ? double(cycles) / double(instructions) : 0.0},
          {"stats", d}};
}

void Sampler::add_json(json& j) const
{
  if (m_ff) {
    json ff = {{"requested", m_ff}, {"reached", m_switched}};
    if (m_switched)
      ff.update({{"instructions", count(m_switch_counts, "cpu.instret")},
                 {"progress", m_switch_progress},
                 {"stats", m_switch_counts}});
    j["fast_forward"] = std::move(ff);
    if (m_switched && !m_period)
      j["detailed"] = detailed_json();
  }
  if (!m_period)
    return;
  j["samples"] = m_samples;
  json est = json::object();
  for (const char* metric :
       {"cpi", "dtlb_mpki", "itlb_mpki", "walks_pki", "mean_walk_cycles"}) {
    std::vector<double> xs;
    for (const json& s : m_samples)
      if (s[metric].is_number())
        xs.push_back(s[metric].get<double>());
    est[metric] = estimate_json(estimate(xs));
  }
  // The sampled part: from the fast-forward's end (or reset) to the end of the run.
  const uint64_t total = count(common::stats().counts(), "cpu.instret") -
                         (m_switched ? count(m_switch_counts, "cpu.instret") : 0);
  const json& cpi = est["cpi"];
  est["instructions"] = total;
  est["cycles"] = {{"mean", cpi["mean"].get<double>() * double(total)},
                   {"ci95",
                    {cpi["ci95"][0].get<double>() * double(total),
                     cpi["ci95"][1].get<double>() * double(total)}}};
  j["sample_estimate"] = std::move(est);
}

void Sampler::write_summary(std::ostream& os) const
{
  char buf[256];
  if (m_ff && !m_switched) {
    std::snprintf(buf, sizeof buf,
                  "vmplat: the run ended inside the fast-forward of %llu instructions: every "
                  "statistic below is of the fast mode\n",
                  (unsigned long long)m_ff);
    os << buf;
  } else if (m_ff && !m_period) {
    const json d = detailed_json();
    std::snprintf(buf, sizeof buf,
                  "vmplat: fast-forward of %llu instructions ended at %llu; the statistics "
                  "below cover the whole run, the detailed part after it: %llu instructions, "
                  "%llu cycles, CPI %.4f\n",
                  (unsigned long long)m_ff, (unsigned long long)m_switch_progress,
                  (unsigned long long)d["instructions"].get<uint64_t>(),
                  (unsigned long long)d["cycles"].get<uint64_t>(), d["cpi"].get<double>());
    os << buf;
  }
  if (!m_period)
    return;
  json j;
  add_json(j);
  const json& cpi = j["sample_estimate"]["cpi"];
  std::snprintf(buf, sizeof buf,
                "vmplat: sampled CPI %.4f, 95%% interval [%.4f, %.4f] from %llu samples of "
                "%llu instructions every %llu; the statistics below cover the whole run, "
                "mostly in the fast mode\n",
                cpi["mean"].get<double>(), cpi["ci95"][0].get<double>(),
                cpi["ci95"][1].get<double>(), (unsigned long long)cpi["n"].get<uint64_t>(),
                (unsigned long long)m_length, (unsigned long long)m_period);
  os << buf;
}

}  // namespace vmplat::virt
