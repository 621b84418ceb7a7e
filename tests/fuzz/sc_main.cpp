// libsystemc refers to sc_main, the entry point of a SystemC program; a fuzz harness's entry
// point is libFuzzer's main, which calls LLVMFuzzerTestOneInput, so this one never runs.
#include <systemc>

int sc_main(int, char*[])
{
  return 1;
}
