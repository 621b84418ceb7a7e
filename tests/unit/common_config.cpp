// The configuration tree: defaults, overrides from --set and JSON, and the errors a user
// gets for unknown keys and bad values.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>

#include "models/common/config.h"

using vmplat::common::Config;
using vmplat::common::UserError;

TEST_CASE("config: declared keys take their default, --set and JSON override it")
{
  Config& c = vmplat::common::config();
  c.reset();
  CHECK(c.u64("a.entries", 64, "entries", "doc", 1, 4096) == 64);
  c.set("a.entries=128");
  CHECK(c.u64("a.entries", 64, "entries", "doc", 1, 4096) == 128);
  c.set("dram.size", "4G", "test");
  CHECK(c.u64("dram.size", 128 << 20, "bytes", "doc") == (4ull << 30));

  const char* path = "config_test.json";
  std::ofstream(path) << R"({"mmu": {"dtlb": {"policy": "lru", "entries": 32}}, "x.flag": true})";
  c.load_json_file(path);
  CHECK(c.choice("mmu.dtlb.policy", "plru", {"lru", "plru", "fifo"}, "doc") == "lru");
  CHECK(c.u64("mmu.dtlb.entries", 64, "entries", "doc") == 32);
  CHECK(c.flag("x.flag", false, "doc"));
  std::remove(path);
  CHECK_NOTHROW(c.check_all_used());
}

TEST_CASE("config: bad values and unknown keys are errors naming key, value and range")
{
  Config& c = vmplat::common::config();
  c.reset();
  c.set("a.entries=5000");
  CHECK_THROWS_WITH(c.u64("a.entries", 64, "entries", "doc", 1, 4096),
                    Catch::Contains("a.entries") && Catch::Contains("5000") &&
                        Catch::Contains("1..4096"));
  c.reset();
  c.set("a.policy=mru");
  CHECK_THROWS_WITH(c.choice("a.policy", "lru", {"lru", "plru"}, "doc"),
                    Catch::Contains("'mru'") && Catch::Contains("lru, plru"));
  c.reset();
  c.set("a.typo=1");
  CHECK_THROWS_AS(c.check_all_used(), UserError);
  c.reset();
  CHECK_THROWS_WITH(c.set("novalue"), Catch::Contains("key=value"));
}
