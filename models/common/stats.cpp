#include "models/common/stats.h"

#include <algorithm>
#include <iomanip>

namespace vmplat::common {

Histogram::Histogram(std::vector<uint64_t> upper_bounds)
    : m_bounds(std::move(upper_bounds)), m_counts(m_bounds.size() + 1, 0)
{
  if (m_bounds.empty())
    return;
  const uint64_t step = m_bounds[0];
  bool linear = step != 0 && (step & (step - 1)) == 0;
  bool pow2 = true;
  for (size_t i = 0; i < m_bounds.size(); ++i) {
    linear = linear && m_bounds[i] == step * (i + 1) && m_bounds[i] / (i + 1) == step;
    pow2 = pow2 && i < 64 && m_bounds[i] == uint64_t{1} << i;
  }
  if (pow2) {
    m_shape = Shape::kPow2;
  } else if (linear) {
    m_shape = Shape::kLinear;
    m_step_shift = unsigned(__builtin_ctzll(step));
  }
}

std::vector<uint64_t> Histogram::pow2(unsigned n)
{
  std::vector<uint64_t> b;
  for (unsigned i = 0; i < n; ++i)
    b.push_back(uint64_t{1} << i);
  return b;
}

std::vector<uint64_t> Histogram::linear(uint64_t step, unsigned n)
{
  std::vector<uint64_t> b;
  for (unsigned i = 1; i <= n; ++i)
    b.push_back(step * i);
  return b;
}

nlohmann::json Histogram::to_json() const
{
  nlohmann::json j;
  j["count"] = m_count;
  j["sum"] = m_sum;
  j["min"] = min();
  j["max"] = m_max;
  j["mean"] = mean();
  j["bucket_upper_bounds"] = m_bounds;
  j["bucket_counts"] = m_counts;
  return j;
}

void Histogram::reset()
{
  std::fill(m_counts.begin(), m_counts.end(), 0);
  m_count = m_sum = m_min = m_max = 0;
}

Stats& Stats::instance()
{
  static Stats s;
  return s;
}

Counter& Stats::counter(const std::string& bare, const std::string& doc, bool summary)
{
  const std::string name = m_prefix + bare;
  auto it = m_entries.find(name);
  if (it != m_entries.end() && it->second.counter)
    return *it->second.counter;
  m_counters.emplace_back();
  Entry e{doc, summary, &m_counters.back(), nullptr, {}};
  if (it == m_entries.end())
    m_order.push_back(name);
  m_entries[name] = e;
  return m_counters.back();
}

Histogram& Stats::histogram(const std::string& bare, const std::string& doc,
                            std::vector<uint64_t> upper_bounds, bool summary)
{
  const std::string name = m_prefix + bare;
  auto it = m_entries.find(name);
  if (it != m_entries.end() && it->second.histogram)
    return *it->second.histogram;
  m_histograms.emplace_back(std::move(upper_bounds));
  Entry e{doc, summary, nullptr, &m_histograms.back(), {}};
  if (it == m_entries.end())
    m_order.push_back(name);
  m_entries[name] = e;
  return m_histograms.back();
}

void Stats::derived(const std::string& bare, const std::string& doc, std::function<double()> fn,
                    bool summary)
{
  const std::string name = m_prefix + bare;
  if (m_entries.find(name) == m_entries.end())
    m_order.push_back(name);
  m_entries[name] = Entry{doc, summary, nullptr, nullptr, std::move(fn)};
}

void Stats::add_totals(const void* owner, const std::vector<std::string>& prefixes,
                       const std::vector<std::string>& summary_per_prefix)
{
  if (prefixes.empty())
    return;
  const std::string& first = prefixes.front();
  std::vector<std::pair<Counter*, std::vector<const Counter*>>> sums;
  const std::vector<std::string> order = m_order;
  for (const auto& name : order) {
    if (name.compare(0, first.size(), first) != 0 || !m_entries.at(name).counter)
      continue;
    const std::string bare = name.substr(first.size());
    const bool keep = std::find(summary_per_prefix.begin(), summary_per_prefix.end(), bare) !=
                      summary_per_prefix.end();
    std::vector<const Counter*> parts;
    bool summary = false;
    for (const auto& prefix : prefixes) {
      auto it = m_entries.find(prefix + bare);
      if (it == m_entries.end() || !it->second.counter)
        continue;
      summary = summary || it->second.summary;
      it->second.summary = it->second.summary && keep;
      parts.push_back(it->second.counter);
    }
    const std::string doc = m_entries.at(name).doc + " (all harts)";
    const std::string saved = m_prefix;
    m_prefix.clear();
    Counter& total = counter(bare, doc, summary);
    m_prefix = saved;
    sums.emplace_back(&total, std::move(parts));
  }
  // Derived values and histograms have no sum; the summary shows them for all harts only
  // where asked.
  for (const auto& prefix : prefixes)
    for (auto& [name, e] : m_entries)
      if (!e.counter && name.compare(0, prefix.size(), prefix) == 0 &&
          std::find(summary_per_prefix.begin(), summary_per_prefix.end(),
                    name.substr(prefix.size())) == summary_per_prefix.end())
        e.summary = false;
  on_collect(owner, [sums] {
    for (const auto& [total, parts] : sums) {
      uint64_t v = 0;
      for (const Counter* part : parts) v += part->value();
      total->set(v);
    }
  });
}

void Stats::on_collect(const void* owner, std::function<void()> fn)
{
  m_collectors.emplace_back(owner, std::move(fn));
}

void Stats::forget(const void* owner)
{
  m_collectors.erase(std::remove_if(m_collectors.begin(), m_collectors.end(),
                                    [owner](const auto& c) { return c.first == owner; }),
                     m_collectors.end());
}

void Stats::collect() const
{
  for (const auto& c : m_collectors)
    c.second();
}

const Counter* Stats::find_counter(const std::string& name) const
{
  auto it = m_entries.find(name);
  return it == m_entries.end() ? nullptr : it->second.counter;
}

const Histogram* Stats::find_histogram(const std::string& name) const
{
  auto it = m_entries.find(name);
  return it == m_entries.end() ? nullptr : it->second.histogram;
}

double Stats::value(const std::string& name) const
{
  collect();
  auto it = m_entries.find(name);
  if (it == m_entries.end())
    return 0.0;
  if (it->second.counter)
    return double(it->second.counter->value());
  if (it->second.fn)
    return it->second.fn();
  if (it->second.histogram)
    return double(it->second.histogram->count());
  return 0.0;
}

nlohmann::json Stats::to_json() const
{
  collect();
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [name, e] : m_entries) {
    if (e.counter)
      j[name] = e.counter->value();
    else if (e.histogram)
      j[name] = e.histogram->to_json();
    else if (e.fn)
      j[name] = e.fn();
  }
  return j;
}

nlohmann::json Stats::counts() const
{
  collect();
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [name, e] : m_entries) {
    if (e.counter) {
      j[name] = e.counter->value();
    } else if (e.histogram) {
      const Histogram& h = *e.histogram;
      j[name] = {{"count", h.count()}, {"sum", h.sum()}, {"bucket_upper_bounds", h.bounds()},
                 {"bucket_counts", h.counts()}};
    }
  }
  return j;
}

nlohmann::json Stats::difference(const nlohmann::json& later, const nlohmann::json& earlier)
{
  auto sub = [](const nlohmann::json& a, const nlohmann::json* b) -> uint64_t {
    return a.get<uint64_t>() - (b ? b->get<uint64_t>() : 0);
  };
  nlohmann::json d = nlohmann::json::object();
  for (const auto& [name, v] : later.items()) {
    const auto it = earlier.find(name);
    const nlohmann::json* e = it == earlier.end() ? nullptr : &*it;
    if (v.is_number_unsigned()) {
      d[name] = sub(v, e);
      continue;
    }
    nlohmann::json h = v;
    h["count"] = sub(v["count"], e ? &(*e)["count"] : nullptr);
    h["sum"] = sub(v["sum"], e ? &(*e)["sum"] : nullptr);
    const auto& lc = v["bucket_counts"];
    for (size_t i = 0; i < lc.size(); ++i)
      h["bucket_counts"][i] = sub(lc[i], e ? &(*e)["bucket_counts"][i] : nullptr);
    d[name] = h;
  }
  return d;
}

void Stats::write_summary(std::ostream& os) const
{
  collect();
  size_t width = 0;
  for (const auto& name : m_order)
    if (m_entries.at(name).summary)
      width = std::max(width, name.size());
  for (const auto& name : m_order) {
    const Entry& e = m_entries.at(name);
    if (!e.summary)
      continue;
    os << "  " << std::left << std::setw(int(width)) << name << "  ";
    if (e.counter)
      os << e.counter->value();
    else if (e.histogram)
      os << "n=" << e.histogram->count() << " mean=" << std::fixed << std::setprecision(1)
         << e.histogram->mean() << " max=" << e.histogram->max() << std::defaultfloat;
    else if (e.fn)
      os << std::fixed << std::setprecision(3) << e.fn() << std::defaultfloat;
    os << "\n";
  }
}

void Stats::print_help(std::ostream& os) const
{
  for (const auto& [name, e] : m_entries) {
    const char* kind = e.counter ? "counter" : e.histogram ? "histogram" : "derived";
    os << name << " (" << kind << ")\n    " << e.doc << "\n";
  }
}

void Stats::reset()
{
  m_entries.clear();
  m_order.clear();
  m_counters.clear();
  m_histograms.clear();
  m_collectors.clear();
}

}  // namespace vmplat::common
