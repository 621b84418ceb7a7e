// common::Histogram and the statistics JSON (docs/performance.md): what `--stats` writes for
// a histogram is what the samples say: inclusive upper bounds, count, sum, min, max, mean.
#include <catch2/catch.hpp>

#include "models/common/stats.h"

using vmplat::common::Counter;
using vmplat::common::Histogram;
using vmplat::common::Stats;

TEST_CASE("a histogram bucket holds the samples up to and including its upper bound")
{
  Histogram h({1, 2, 4});
  for (uint64_t v : {0, 1, 2, 3, 4, 5, 9})
    h.sample(v);
  CHECK(h.counts() == std::vector<uint64_t>{2, 1, 2, 2});  // <=1, <=2, <=4, the rest
  CHECK(h.count() == 7);
  CHECK(h.sum() == 24);
}

TEST_CASE("a histogram's min and max are its smallest and largest samples, in any order")
{
  Histogram h(Histogram::pow2(4));
  for (uint64_t v : {5, 12, 3, 7})
    h.sample(v);
  CHECK(h.min() == 3);
  CHECK(h.max() == 12);
  CHECK(h.mean() == Approx(6.75));
  const nlohmann::json j = h.to_json();
  CHECK(j["min"] == 3);
  CHECK(j["max"] == 12);
  CHECK(j["count"] == 4);
  CHECK(j["bucket_upper_bounds"] == std::vector<uint64_t>{1, 2, 4, 8});
  CHECK(j["bucket_counts"] == std::vector<uint64_t>{0, 0, 1, 2, 1});
}

TEST_CASE("a histogram's computed buckets (linear, powers of two) agree with the bounds")
{
  // DRAM latency (linear, step 16), walker latency (powers of two), a linear step that is
  // not a power of two and an irregular list: every value near every bound lands where a
  // search of the bounds puts it.
  const std::vector<std::vector<uint64_t>> shapes = {
      Histogram::linear(16, 48), Histogram::pow2(12), Histogram::pow2(1),
      Histogram::linear(1, 4),   Histogram::linear(3, 5), {2, 3, 10, 1000}};
  for (const auto& bounds : shapes) {
    Histogram h(bounds);
    std::vector<uint64_t> values = {0, 1, 2, ~uint64_t{0}};
    for (uint64_t b : bounds)
      for (uint64_t v : {b - 1, b, b + 1, 2 * b})
        values.push_back(v);
    for (uint64_t v : values) {
      size_t want = 0;
      while (want < bounds.size() && v > bounds[want])
        ++want;
      INFO("bounds of " << bounds.size() << " from " << bounds[0] << ", v = " << v);
      CHECK(h.bucket(v) == want);
    }
  }
}

TEST_CASE("the difference of two counts() is what was counted between them")
{
  Stats s;
  Counter& c = s.counter("t.c", "a counter");
  Histogram& h = s.histogram("t.h", "a histogram", Histogram::pow2(3));
  s.derived("t.d", "derived", [&c] { return double(c.value()) / 2; });
  c += 5;
  h.sample(1);
  const nlohmann::json before = s.counts();
  CHECK_FALSE(before.contains("t.d"));  // derived values cannot be subtracted
  c += 7;
  h.sample(3);
  h.sample(100);
  s.counter("t.late", "registered after the first snapshot") += 2;
  const nlohmann::json d = Stats::difference(s.counts(), before);
  CHECK(d["t.c"] == 7);
  CHECK(d["t.late"] == 2);
  CHECK(d["t.h"]["count"] == 2);
  CHECK(d["t.h"]["sum"] == 103);
  CHECK(d["t.h"]["bucket_counts"] == std::vector<uint64_t>{0, 0, 1, 1});
  CHECK(d["t.h"]["bucket_upper_bounds"] == std::vector<uint64_t>{1, 2, 4});
}
