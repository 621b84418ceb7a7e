// The statistics registry: every module registers its counters and histograms under a
// dotted name ("mmu.dtlb.misses.load"); at the end of a run the platform writes them all
// as JSON and prints the ones marked for the summary. Counting is a plain add: no lookup,
// no allocation, no lock on the hot path.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace vmplat::common {

class Counter {
 public:
  Counter& operator++()
  {
    ++m_value;
    return *this;
  }
  Counter& operator+=(uint64_t n)
  {
    m_value += n;
    return *this;
  }
  uint64_t value() const { return m_value; }
  void reset() { m_value = 0; }
  // For models that keep a hot count in a plain member and publish it when collected.
  void set(uint64_t v) { m_value = v; }

 private:
  uint64_t m_value = 0;
};

// Buckets are given by their inclusive upper bounds; one more bucket takes the rest.
class Histogram {
 public:
  explicit Histogram(std::vector<uint64_t> upper_bounds);
  // Bounds 1, 2, 4, ... 2^(n-1).
  static std::vector<uint64_t> pow2(unsigned n);
  // Bounds step, 2*step, ... n*step.
  static std::vector<uint64_t> linear(uint64_t step, unsigned n);

  void sample(uint64_t v)
  {
    ++m_counts[bucket(v)];
    ++m_count;
    m_sum += v;
    if (v < m_min || m_count == 1)
      m_min = v;
    if (v > m_max)
      m_max = v;
  }
  uint64_t count() const { return m_count; }
  uint64_t sum() const { return m_sum; }
  uint64_t min() const { return m_count ? m_min : 0; }
  uint64_t max() const { return m_max; }
  double mean() const { return m_count ? double(m_sum) / double(m_count) : 0.0; }
  const std::vector<uint64_t>& bounds() const { return m_bounds; }
  const std::vector<uint64_t>& counts() const { return m_counts; }
  nlohmann::json to_json() const;
  void reset();
  // The bucket v falls in: the first whose upper bound is >= v, or the last (the rest).
  // The two shapes the models use are computed (the DRAM latency is sampled per access);
  // any other list of bounds is searched.
  size_t bucket(uint64_t v) const
  {
    const size_t n = m_bounds.size();
    switch (m_shape) {
      case Shape::kLinear:  // bounds s, 2s, ..., n s with s = 2^m_step_shift
        return std::min<uint64_t>(v == 0 ? 0 : (v - 1) >> m_step_shift, n);
      case Shape::kPow2:  // bounds 1, 2, 4, ..., 2^(n-1)
        return std::min<uint64_t>(v <= 1 ? 0 : 64 - unsigned(__builtin_clzll(v - 1)), n);
      case Shape::kOther:
        break;
    }
    size_t i = 0;
    while (i < n && v > m_bounds[i])
      ++i;
    return i;
  }

 private:
  enum class Shape : uint8_t { kOther, kLinear, kPow2 };
  Shape m_shape = Shape::kOther;
  unsigned m_step_shift = 0;
  std::vector<uint64_t> m_bounds;
  std::vector<uint64_t> m_counts;
  uint64_t m_count = 0, m_sum = 0, m_min = 0, m_max = 0;
};

class Stats {
 public:
  static Stats& instance();

  // The returned reference stays valid for the life of the registry. Registering a name
  // twice returns the same object (so a model rebuilt in a test keeps counting).
  Counter& counter(const std::string& name, const std::string& doc, bool summary = false);
  Histogram& histogram(const std::string& name, const std::string& doc,
                       std::vector<uint64_t> upper_bounds, bool summary = false);
  // A value computed when the statistics are written (ratios, rates).
  void derived(const std::string& name, const std::string& doc, std::function<double()> fn,
               bool summary = false);

  // Names registered from now on begin with `prefix` ("hart1."): the models of one hart of
  // several register the names they always use and land under their hart's prefix.
  void set_prefix(const std::string& prefix) { m_prefix = prefix; }
  const std::string& prefix() const { return m_prefix; }
  // For every counter registered under the first of `prefixes` ("hart0.mmu.walks"), a
  // counter under the bare name ("mmu.walks") that holds the sum over all the prefixes,
  // taking over the summary flag, which the prefixed statistics then lose except those in
  // `summary_per_prefix` (bare names); derived values and histograms get no sum. Call after all the prefixed models registered; the
  // sums are made by a collector of `owner`.
  void add_totals(const void* owner, const std::vector<std::string>& prefixes,
                  const std::vector<std::string>& summary_per_prefix);

  // Called before statistics are read out (to_json, write_summary, value): models that
  // count in plain members publish them here. A model registers under its own address and
  // calls forget() in its destructor; the counters keep the values last published.
  void on_collect(const void* owner, std::function<void()> fn);
  void forget(const void* owner);
  void collect() const;

  const Counter* find_counter(const std::string& name) const;
  const Histogram* find_histogram(const std::string& name) const;
  // Value of a counter or derived value by name; 0 if absent.
  double value(const std::string& name) const;

  nlohmann::json to_json() const;
  // The counters and histograms only (no derived values): what can be subtracted. A
  // histogram is {count, sum, bucket_upper_bounds, bucket_counts}.
  nlohmann::json counts() const;
  // later - earlier, two counts() of one run: what happened between them (a region of
  // interest, a sample). A name missing from `earlier` counts from zero.
  static nlohmann::json difference(const nlohmann::json& later, const nlohmann::json& earlier);
  void write_summary(std::ostream& os) const;
  // Name, kind and doc of every statistic, for docs and --help-stats.
  void print_help(std::ostream& os) const;
  void reset();

 private:
  struct Entry {
    std::string doc;
    bool summary = false;
    Counter* counter = nullptr;
    Histogram* histogram = nullptr;
    std::function<double()> fn;
  };
  std::map<std::string, Entry> m_entries;
  std::vector<std::string> m_order;  // registration order, for the summary
  std::deque<Counter> m_counters;
  std::deque<Histogram> m_histograms;
  std::vector<std::pair<const void*, std::function<void()>>> m_collectors;
  std::string m_prefix;
};

// Sets the registry's name prefix for the life of the object, then restores the previous.
class StatsPrefix {
 public:
  explicit StatsPrefix(const std::string& prefix) : m_saved(Stats::instance().prefix())
  {
    Stats::instance().set_prefix(prefix);
  }
  ~StatsPrefix() { Stats::instance().set_prefix(m_saved); }
  StatsPrefix(const StatsPrefix&) = delete;
  StatsPrefix& operator=(const StatsPrefix&) = delete;

 private:
  std::string m_saved;
};

inline Stats& stats() { return Stats::instance(); }

}  // namespace vmplat::common
