// Placeholder until the platform lands (issue 2).
#include <systemc>
int sc_main(int, char*[]) { return 0; }
