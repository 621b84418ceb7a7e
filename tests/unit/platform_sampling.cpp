// virt::estimate and virt::student_t_975: the confidence interval the sampled runs report.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "platforms/virt/sampling.h"

using namespace vmplat;

TEST_CASE("sampling: Student t quantiles from the table, conservative between its entries")
{
  CHECK(virt::student_t_975(1) == Approx(12.706));
  CHECK(virt::student_t_975(4) == Approx(2.776));
  CHECK(virt::student_t_975(30) == Approx(2.042));
  // Between table entries the smaller degrees of freedom's (the wider interval).
  CHECK(virt::student_t_975(45) == Approx(2.021));
  CHECK(virt::student_t_975(60) == Approx(2.000));
  CHECK(virt::student_t_975(200) == Approx(1.980));
  CHECK(virt::student_t_975(100000) == Approx(1.962));
  // The quantile falls as the degrees of freedom grow.
  for (uint64_t dof = 1; dof < 2000; ++dof)
    CHECK(virt::student_t_975(dof + 1) <= virt::student_t_975(dof));
}

TEST_CASE("sampling: the estimate is the mean with a Student t 95% interval")
{
  const virt::Estimate e = virt::estimate({1, 2, 3, 4, 5});
  CHECK(e.n == 5);
  CHECK(e.mean == Approx(3));
  CHECK(e.sd == Approx(std::sqrt(2.5)));
  const double half = 2.776 * std::sqrt(2.5) / std::sqrt(5.0);
  CHECK(e.lo == Approx(3 - half));
  CHECK(e.hi == Approx(3 + half));

  // One sample has no spread to estimate: the interval is the point.
  const virt::Estimate one = virt::estimate({1.5});
  CHECK(one.n == 1);
  CHECK(one.mean == 1.5);
  CHECK(one.sd == 0);
  CHECK(one.lo == 1.5);
  CHECK(one.hi == 1.5);
  CHECK(virt::estimate({}).n == 0);
}
