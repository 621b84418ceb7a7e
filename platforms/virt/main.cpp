// vmplat: boot a firmware ELF on the virt platform, then report how the run ended and what
// the models counted.
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <systemc>

#include "models/common/config.h"
#include "models/common/log.h"
#include "models/common/sim.h"
#include "models/common/stats.h"
#include "platforms/virt/checkpoint.h"
#include "platforms/virt/platform.h"
#include "platforms/virt/sampling.h"
#ifdef VMPLAT_HAVE_RTL
#include "models/cosim/register.h"
#endif

using vmplat::common::UserError;

namespace {

constexpr const char* kVersion = "0.1.0";

// Exit codes besides the firmware's own (see README "Exit codes").
constexpr int kExitUsage = 2;
constexpr int kExitInstructionLimit = 124;  // also the cycle limit
constexpr int kExitIdle = 125;
constexpr int kExitTrapLoop = vmplat::cpu::Hart::kTrapLoopExitCode;  // 95
constexpr int kExitTimeout = vmplat::common::Sim::kTimeoutExitCode;  // 94
// Set by the cosim library (models/cosim): RTL and model disagree, an RTL assertion failed.
constexpr int kExitLockstepMismatch = 90;
constexpr int kExitRtlAssertion = 91;
constexpr int kExitKilled = vmplat::debug::GdbServer::kKilledExitCode;
constexpr int kExitReboot = vmplat::periph::Finisher::kResetExitCode;
constexpr int kExitConsole = vmplat::periph::Uart16550::kConsoleExitCode;

const char* const kUsage = R"(usage: vmplat [options] firmware.elf
       vmplat [options] --bios fw_jump.bin --kernel Image [--initrd initrd.cpio]
       vmplat [options] --restore CHECKPOINT_DIR

Runs a RISC-V RV64 firmware ELF, or firmware and a Linux kernel as QEMU's -bios/-kernel do,
on the virt platform (the QEMU virt memory map, docs/linux.md). The guest's console (UART)
is vmplat's standard output; vmplat's own messages and the statistics summary go to
standard error. The exit code is the firmware's (test finisher or HTIF), 124 when the
instruction or cycle limit was reached, 125 when the hart sleeps in WFI with nothing left
that could wake it, 90 when a TLB in lockstep disagreed with the model, 91 when an RTL
assertion failed, 92 when a debugger killed the run, 93 when the guest asked for a reboot,
94 when the wall-clock timeout expired, 95 when the hart loops from trap to trap without
retiring an instruction, 96 when Ctrl-A x ended it (uart.terminal_keys=qemu), 2 for bad
usage or input.

options:
  --config FILE          JSON configuration file (repeatable; --set and the options below
                         override it)
  --set KEY=VALUE        set a configuration key (repeatable); vmplat --help-config lists them
  --ram SIZE             DRAM size, e.g. 128M or 4G                      [dram.size]
  --mode fast|timed      memory mode: DMI at a fixed latency, or every access through the
                         DRAM bank/row model                            [dram.mode]
  --max-instructions N   stop after N retired instructions, each trap taken counting as
                         one too (exit 124)                              [cpu.max_instructions]
  --max-cycles N         stop after N hart cycles (exit 124)             [cpu.max_cycles]
  --timeout SECONDS      stop after SECONDS of wall-clock time (exit 94), a last resort
                         for sweeps; 0: none                             [sim.timeout]
  --smp N                harts, 1..8, each with its own MMU (docs/smp.md) [cpu.harts]
  --quantum NS           temporal decoupling quantum in ns               [cpu.quantum_ns]
  --fast-forward N       run the first N instructions in the fast mode (no DRAM timing,
                         caches bypassed), then switch to --mode at the first quantum
                         boundary at or after N; --stats adds the "detailed" part
                                                                   [sampling.fast_forward]
  --sample PERIOD:LENGTH every PERIOD instructions measure LENGTH in --mode (after
                         sampling.warmup more), the fast mode between; --stats adds
                         "samples" and "sample_estimate" (docs/exploration.md)
                                                     [sampling.period, sampling.length]
  --uart-out FILE        guest console output to FILE instead of stdout  [uart.output]
  --uart-in stdin|none|FILE
                         guest console input: standard input by default (a terminal is
                         read a key at a time, Ctrl-C still ends vmplat; at the end of the
                         input reception ends), none to disconnect, or a file [uart.input]
  --trace FILE           instruction trace in Spike's commit-log format  [cpu.trace]
  --mmu-trace FILE       MMU event trace: TLB misses, fills, evictions, flushes and page
                         walks, a line each (docs/debugging.md)          [mmu.trace.file]
  --gdb PORT             GDB server on 127.0.0.1:PORT (0: any free port)  [gdb.port]
  --gdb-wait             halt before the first instruction until GDB continues [gdb.wait]
  --vcd FILE.vcd         waveform of interrupts, privilege and timers    [waves.file]
  --drive file=IMG       virtio block device backed by a raw image file  [disk.image]
  --drive size=SIZE      virtio block device in memory, e.g. 64M         [disk.size]
  --bios FILE            M-mode firmware (e.g. OpenSBI): ELF, or a raw binary loaded at
                         0x80000000; the positional firmware.elf is the same (ELF only)
  --kernel FILE          kernel: ELF, or a RISC-V Linux Image (loaded at 0x80200000);
                         OpenSBI starts it in S mode (a2 = fw_dynamic_info)
  --initrd FILE          initial RAM disk, high in RAM, in /chosen/linux,initrd-start/end
  --append ARGS          boot arguments, in the device tree's /chosen/bootargs
  --dtb FILE             boot with this device tree instead of the generated one
  --dump-dtb FILE        write the device tree vmplat would pass, then exit
  --checkpoint-at N      write a checkpoint at the first quantum boundary at or after N
                         instructions where the disk is idle (docs/checkpoints.md)
                                                                         [checkpoint.at]
  --checkpoint-on-marker write a checkpoint when the guest asks (sim-control CHECKPOINT)
                                                                  [checkpoint.on_marker]
  --checkpoint-dir DIR   where the checkpoint goes (the n-th: DIR.n)    [checkpoint.dir]
  --checkpoint-stop      end the run (exit 0) once the checkpoint is written
                                                                        [checkpoint.stop]
  --restore DIR          continue the run a checkpoint saved, bit for bit, with its
                         configuration as the base that --config/--set change (TLBs, caches
                         and DRAM banks of another geometry start cold); no firmware
  --stats FILE           write configuration and statistics as JSON, with the guest's
                         region-of-interest snapshots (docs/exploration.md)
  --quiet                no summary on standard error
  --log LEVEL            error, warning (default), info or debug
  --help                 this text
  --help-config          every configuration key with its default, unit and meaning
  --help-stats           every statistic with its meaning
  --version              the version
)";

struct Options {
  std::vector<std::string> config_files;
  std::vector<std::pair<std::string, std::string>> sets;  // assignment, where
  std::string firmware, bios, kernel, initrd, dtb, dump_dtb, bootargs, stats_file, restore,
      log_level = "warning";
  bool quiet = false, help_config = false, help_stats = false;
};

// Thrown rather than exit()ed, so that sc_main's handler prints it and every frame unwinds
// (the sanitizer build's leak check sees no string left behind on a stack).
[[noreturn]] void usage_error(const std::string& msg)
{
  throw UserError(msg);
}

Options parse(int argc, char* argv[])
{
  Options o;
  auto value = [&](int& i, const std::string& opt) -> std::string {
    if (i + 1 >= argc)
      usage_error("option " + opt + " needs a value; see vmplat --help");
    return argv[++i];
  };
  auto shortcut = [&](const std::string& key, const std::string& v, const std::string& opt) {
    o.sets.push_back({key + "=" + v, opt});
  };
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      std::exit(0);
    } else if (a == "--version") {
      std::cout << "vmplat " << kVersion << "\n";
      std::exit(0);
    } else if (a == "--help-config") {
      o.help_config = true;
    } else if (a == "--help-stats") {
      o.help_stats = true;
    } else if (a == "--config") {
      o.config_files.push_back(value(i, a));
    } else if (a == "--set") {
      o.sets.push_back({value(i, a), "--set"});
    } else if (a == "--ram") {
      shortcut("dram.size", value(i, a), a);
    } else if (a == "--mode") {
      shortcut("dram.mode", value(i, a), a);
    } else if (a == "--max-instructions") {
      shortcut("cpu.max_instructions", value(i, a), a);
    } else if (a == "--max-cycles") {
      shortcut("cpu.max_cycles", value(i, a), a);
    } else if (a == "--timeout") {
      shortcut("sim.timeout", value(i, a), a);
    } else if (a == "--smp") {
      shortcut("cpu.harts", value(i, a), a);
    } else if (a == "--quantum") {
      shortcut("cpu.quantum_ns", value(i, a), a);
    } else if (a == "--fast-forward") {
      shortcut("sampling.fast_forward", value(i, a), a);
    } else if (a == "--sample") {
      const std::string v = value(i, a);
      const size_t colon = v.find(':');
      if (colon == std::string::npos)
        usage_error("--sample '" + v + "': expected PERIOD:LENGTH in instructions, e.g. "
                    "1000000:10000");
      shortcut("sampling.period", v.substr(0, colon), a);
      shortcut("sampling.length", v.substr(colon + 1), a);
    } else if (a == "--uart-out") {
      shortcut("uart.output", value(i, a), a);
    } else if (a == "--uart-in") {
      shortcut("uart.input", value(i, a), a);
    } else if (a == "--trace") {
      shortcut("cpu.trace", value(i, a), a);
    } else if (a == "--mmu-trace") {
      shortcut("mmu.trace.file", value(i, a), a);
    } else if (a == "--gdb") {
      shortcut("gdb.port", value(i, a), a);
    } else if (a == "--gdb-wait") {
      shortcut("gdb.wait", "true", a);
    } else if (a == "--vcd") {
      shortcut("waves.file", value(i, a), a);
    } else if (a == "--drive") {
      const std::string v = value(i, a);
      if (v.rfind("file=", 0) == 0)
        shortcut("disk.image", v.substr(5), a);
      else if (v.rfind("size=", 0) == 0)
        shortcut("disk.size", v.substr(5), a);
      else
        usage_error("--drive '" + v + "': expected file=IMAGE or size=SIZE");
    } else if (a == "--append") {
      o.bootargs = value(i, a);
    } else if (a == "--bios") {
      o.bios = value(i, a);
    } else if (a == "--kernel") {
      o.kernel = value(i, a);
    } else if (a == "--initrd") {
      o.initrd = value(i, a);
    } else if (a == "--dtb") {
      o.dtb = value(i, a);
    } else if (a == "--dump-dtb") {
      o.dump_dtb = value(i, a);
    } else if (a == "--checkpoint-at") {
      shortcut("checkpoint.at", value(i, a), a);
    } else if (a == "--checkpoint-on-marker") {
      shortcut("checkpoint.on_marker", "true", a);
    } else if (a == "--checkpoint-dir") {
      shortcut("checkpoint.dir", value(i, a), a);
    } else if (a == "--checkpoint-stop") {
      shortcut("checkpoint.stop", "true", a);
    } else if (a == "--restore") {
      o.restore = value(i, a);
    } else if (a == "--stats") {
      o.stats_file = value(i, a);
    } else if (a == "--quiet") {
      o.quiet = true;
    } else if (a == "--log") {
      o.log_level = value(i, a);
      if (o.log_level != "error" && o.log_level != "warning" && o.log_level != "info" &&
          o.log_level != "debug")
        usage_error("--log '" + o.log_level + "': allowed: error, warning, info, debug");
    } else if (a.size() > 1 && a[0] == '-') {
      usage_error("unknown option '" + a + "'; see vmplat --help");
    } else if (o.firmware.empty()) {
      o.firmware = a;
    } else {
      usage_error("more than one firmware given ('" + o.firmware + "' and '" + a +
                  "'); vmplat runs one ELF");
    }
  }
  if (!o.firmware.empty() && !o.bios.empty())
    usage_error("both a firmware ('" + o.firmware + "') and --bios ('" + o.bios +
                "') given; the positional firmware is the --bios, give one");
  if (!o.initrd.empty() && o.kernel.empty())
    usage_error("--initrd '" + o.initrd + "' needs a kernel to use it; give --kernel");
  if (!o.restore.empty() && (!o.firmware.empty() || !o.bios.empty() || !o.kernel.empty() ||
                             !o.dtb.empty() || !o.bootargs.empty() || !o.dump_dtb.empty()))
    usage_error("--restore '" + o.restore +
                "' takes no firmware, kernel, initrd, device tree or boot arguments: the "
                "checkpoint holds the machine's memory");
  if (o.firmware.empty() && o.bios.empty() && o.kernel.empty() && o.dump_dtb.empty() &&
      o.restore.empty() && !o.help_config && !o.help_stats)
    usage_error("no firmware given; usage: vmplat [options] firmware.elf (see --help)");
  return o;
}

std::vector<uint8_t> read_file(const std::string& path)
{
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw UserError("device tree '" + path + "' cannot be read (missing or no permission)");
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
}

const char* describe_exit(int code)
{
  switch (code) {
    case 0: return "passed";
    case kExitInstructionLimit: return "stopped at the instruction limit";
    case kExitIdle: return "stopped: the hart is idle with nothing left to wake it";
    case kExitTrapLoop: return "stopped: the hart loops from trap to trap";
    case kExitTimeout: return "stopped: the wall-clock timeout expired";
    case kExitLockstepMismatch: return "stopped: the RTL TLB disagreed with the model";
    case kExitRtlAssertion: return "stopped: an RTL assertion failed";
    case kExitKilled: return "stopped: killed by the debugger";
    case kExitReboot: return "stopped: the guest asked for a reboot";
    case kExitConsole: return "stopped from the console";
    default: return "failed";
  }
}

int run(const Options& o)
{
  auto& cfg = vmplat::common::config();
  std::optional<vmplat::virt::CheckpointManifest> checkpoint;
  if (!o.restore.empty()) {
    checkpoint = vmplat::virt::read_checkpoint_manifest(o.restore);
    vmplat::virt::apply_checkpoint_config(*checkpoint);
  }
  for (const auto& f : o.config_files)
    cfg.load_json_file(f);
  for (const auto& [assignment, where] : o.sets)
    cfg.set(assignment, where);
  if (checkpoint)
    vmplat::virt::apply_checkpoint_disk(*checkpoint);
  vmplat::common::install_report_handler(o.log_level);

#ifdef VMPLAT_HAVE_RTL
  vmplat::cosim::register_tlb_impls();  // <tlb>.impl=rtl|lockstep (docs/cosim.md)
#endif
  vmplat::virt::Platform platform;
  vmplat::virt::Checkpointer checkpointer(platform, kVersion);
  vmplat::virt::Sampler sampler(platform.dram, {platform.l1d.get(), platform.l2.get()});
  cfg.check_all_used();
  if (platform.hart_count() > 1 && (sampler.fast_forward_on() || sampler.sampling_on()))
    throw UserError(
        std::string(sampler.sampling_on() ? "sampling.period" : "sampling.fast_forward") +
        ": sampling counts one hart's instructions; allowed with cpu.harts > 1: 0 "
        "(docs/smp.md)");
  if (o.help_config) {
    cfg.print_help(std::cout);
    return 0;
  }
  if (o.help_stats) {
    vmplat::common::stats().print_help(std::cout);
    return 0;
  }
  vmplat::virt::BootSpec spec;
  spec.bios = o.firmware.empty() ? o.bios : o.firmware;
  spec.bios_elf_only = !o.firmware.empty();
  spec.kernel = o.kernel;
  spec.initrd = o.initrd;
  spec.dtb = o.dtb;
  spec.bootargs = o.bootargs;
  if (!o.dump_dtb.empty()) {
    // The tree as it would be passed: with the /chosen entries the images would get, if any.
    std::vector<uint8_t> fdt;
    if (spec.bios.empty() && spec.kernel.empty()) {
      vmplat::virt::FdtNode tree = o.dtb.empty()
                                       ? vmplat::virt::virt_fdt(platform.fdt_info())
                                       : vmplat::virt::fdt_read(read_file(o.dtb), o.dtb);
      vmplat::virt::fdt_set_chosen(tree, {o.bootargs, false, 0, 0});
      fdt = vmplat::virt::fdt_write(tree);
    } else {
      fdt = vmplat::virt::plan_boot(spec, platform.fdt_info()).fdt;
    }
    std::ofstream out(o.dump_dtb, std::ios::binary);
    if (!out.write(reinterpret_cast<const char*>(fdt.data()), std::streamsize(fdt.size())))
      throw UserError("--dump-dtb: cannot write '" + o.dump_dtb + "'");
    out.close();
    if (!out)
      throw UserError("--dump-dtb: cannot write '" + o.dump_dtb + "'");
    std::cerr << "vmplat: device tree written to " << o.dump_dtb << " (" << fdt.size()
              << " bytes)\n";
    return 0;
  }
  if (checkpoint) {
    const std::vector<std::string> cold = vmplat::virt::restore_checkpoint(platform, *checkpoint);
    if (!o.quiet) {
      std::cerr << "vmplat: restored " << o.restore << " at instret " << platform.hart.instret();
      for (size_t i = 0; i < cold.size(); ++i)
        std::cerr << (i ? ", " : "; cold: ") << cold[i];
      std::cerr << "\n";
    }
  } else {
    platform.load(vmplat::virt::plan_boot(spec, platform.fdt_info()));
  }

  auto& st = vmplat::common::stats();
  const auto t0 = std::chrono::steady_clock::now();
  double host_seconds = 0;
  st.derived("sim.host_seconds", "wall-clock seconds the simulation ran",
             [&host_seconds] { return host_seconds; }, true);
  st.derived(
      "sim.host_mips", "simulated instructions per host second, in millions",
      [&, instret0 = platform.instret()] {
        return host_seconds > 0 ? (platform.instret() - instret0) / host_seconds / 1e6 : 0;
      },
      true);
  st.derived("sim.time_ns", "simulated time at the end of the run, in ns",
             [&platform] { return platform.synced_time().to_seconds() * 1e9; }, true);

  vmplat::common::sim().start_clock();
  sc_core::sc_start();
  host_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  auto& sim = vmplat::common::sim();
  int code;
  std::string reason;
  if (sim.stop_requested()) {
    code = sim.exit_code();
    reason = sim.reason();
  } else {
    code = kExitIdle;
    reason = "the hart waits in WFI and no device or timer can raise an interrupt";
  }
  if (code == kExitInstructionLimit || code == kExitIdle || code == kExitTrapLoop ||
      code == kExitTimeout)
    std::cerr << "vmplat: " << reason << "\n";
  std::cout.flush();
  if (platform.gdb)
    platform.gdb->finished(code);
  checkpointer.finish();

  if (!o.stats_file.empty()) {
    nlohmann::json j;
    j["vmplat"] = {{"version", kVersion}, {"firmware", o.firmware.empty() ? o.bios : o.firmware},
                   {"kernel", o.kernel}, {"initrd", o.initrd}, {"exit_code", code},
                   {"stop_reason", reason}};
    if (checkpoint)  // the statistics count from here
      j["vmplat"]["restored"] = {{"checkpoint", o.restore},
                                 {"instret", checkpoint->json.value("instret", uint64_t{0})},
                                 {"cycles", checkpoint->json.value("cycles", uint64_t{0})}};
    j["config"] = cfg.effective();
    j["stats"] = st.to_json();
    sampler.add_json(j);
    j["snapshots"] = platform.simctl.snapshots_json();
    std::ofstream out(o.stats_file);
    if (!out)
      throw UserError("--stats: cannot write '" + o.stats_file + "'");
    out << j.dump(2) << "\n";
  }
  if (!o.quiet) {
    std::cerr << "vmplat: firmware " << describe_exit(code) << " (exit code " << code << ": "
              << reason << ")\n";
    sampler.write_summary(std::cerr);
    st.write_summary(std::cerr);
    platform.simctl.write_summary(std::cerr);
  }
  return code;
}

}  // namespace

int sc_main(int argc, char* argv[])
{
  try {
    const Options options = parse(argc, argv);
    return run(options);
  } catch (const UserError& e) {
    std::cerr << "vmplat: error: " << e.what() << "\n";
    return kExitUsage;
  } catch (const sc_core::sc_report& r) {
    std::cerr << "vmplat: error: " << r.get_msg() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "vmplat: error: " << e.what() << "\n";
    return 1;
  }
}

// SystemC prints its banner on stdout, the guest console's stream, before sc_main runs,
// unless this variable is set: so vmplat has its own main.
int main(int argc, char* argv[])
{
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  return sc_core::sc_elab_and_sim(argc, argv);
}
