#include "models/cosim/register.h"

#include "models/cosim/lockstep_tlb.h"
#include "models/cosim/rtl_tlb.h"
#include "models/mmu/set_assoc_tlb.h"

namespace vmplat::cosim {

void register_tlb_impls()
{
  mmu::register_tlb_impl("rtl", [](const mmu::TlbParams& p) -> std::unique_ptr<mmu::Tlb> {
    return RtlTlb::create(p, RtlTlb::options_from_config(p.name));
  });
  mmu::register_tlb_impl("lockstep", [](const mmu::TlbParams& p) -> std::unique_ptr<mmu::Tlb> {
    auto model = std::make_unique<mmu::SetAssocTlb>(p);
    auto rtl = RtlTlb::create(p, RtlTlb::options_from_config(p.name));
    return std::make_unique<LockstepTlb>(p.name, std::move(model), std::move(rtl));
  });
}

}  // namespace vmplat::cosim
