// Makes the Verilated TLB selectable per TLB in the configuration tree:
// <name>.impl=rtl (rtl/tlb/tlb.sv alone) or <name>.impl=lockstep (the C++ model and the RTL,
// compared on every operation). The platform calls this once before building the MMU when
// vmplat is built with Verilator (VMPLAT_HAVE_RTL is defined by linking vmplat_cosim).
#pragma once

namespace vmplat::cosim {

void register_tlb_impls();

}  // namespace vmplat::cosim
