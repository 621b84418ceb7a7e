// Catch2 main for the unit tests. SystemC wants sc_main; Catch owns main, so tests that
// simulate call sc_core::sc_start() themselves after building their modules.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <systemc>

int sc_main(int, char*[]) { return 0; }

int main(int argc, char* argv[])
{
  return Catch::Session().run(argc, argv);
}
