#include <map>

#include "models/common/config.h"
#include "models/mmu/set_assoc_tlb.h"
#include "models/mmu/tlb.h"

namespace vmplat::mmu {

namespace {

std::map<std::string, TlbMaker>& registry()
{
  static std::map<std::string, TlbMaker> makers;
  return makers;
}

}  // namespace

void register_tlb_impl(const std::string& impl, TlbMaker maker)
{
  registry()[impl] = std::move(maker);
}

std::unique_ptr<Tlb> make_tlb(const TlbParams& params, const std::string& impl)
{
  if (impl == "model")
    return std::make_unique<SetAssocTlb>(params);
  auto it = registry().find(impl);
  if (it != registry().end())
    return it->second(params);
  std::string allowed = "model";
  for (const auto& [name, maker] : registry())
    allowed += ", " + name;
  const bool known = impl == "rtl" || impl == "lockstep";
  throw common::UserError(params.name + ".impl: '" + impl + "' is not available" +
                          (known ? " (vmplat was built without Verilator)" : "") +
                          "; allowed: " + allowed);
}

}  // namespace vmplat::mmu
