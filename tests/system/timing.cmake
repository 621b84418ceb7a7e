# Timed DMI (docs/memory.md): in timed mode the hart reads and writes DRAM directly and asks
# the bank/row model for each access's latency itself, instead of sending a b_transport.
# It must be the same model: the same cycles, the same statistics (every DRAM counter and
# histogram bucket, the MMU's, the kernel's) and the same console as the b_transport path.
set(KERNEL_ELF_FOR_TIMING ${VMPLAT_SW_DIR}/kernel/kernel.elf)
vmplat_system_test(NAME timing.timed_dmi.kernel LABELS timing TIMEOUT 120
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/run_firmware.py same
          ${KERNEL_ELF_FOR_TIMING} --vmplat ${VMPLAT_EXE} --timeout 100
          --vmplat-arg=--drive --vmplat-arg=size=64M --vmplat-arg=--append
          --vmplat-arg=frames=64 --vmplat-arg=--set --vmplat-arg=dram.mode=timed
          --a-arg=--set --a-arg=dram.timed_dmi=false --b-arg=--set --b-arg=dram.timed_dmi=true)
# The same for an FP program with loads and stores of every size (and refresh stalls).
vmplat_system_test(NAME timing.timed_dmi.rv64d LABELS timing TIMEOUT 60
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/run_firmware.py same
          ${VMPLAT_SW_DIR}/tests/isa/rv64d.elf --vmplat ${VMPLAT_EXE}
          --vmplat-arg=--set --vmplat-arg=dram.mode=timed
          --a-arg=--set --a-arg=dram.timed_dmi=false --b-arg=--set --b-arg=dram.timed_dmi=true)

# Lazy quanta (Hart::quantum_sync): with one hart, a quantum's end at which nothing else is
# scheduled up to the hart's time is passed without waiting for SystemC. Nothing may tell:
# the kernel demo (timer interrupts, the virtio disk, the UART) gives the same console and
# statistics with every quantum's end waited for and with most of them passed.
foreach(mode fast timed)
  vmplat_system_test(NAME timing.lazy_quanta.${mode} LABELS timing TIMEOUT 120
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/run_firmware.py same
            ${KERNEL_ELF_FOR_TIMING} --vmplat ${VMPLAT_EXE} --timeout 100
            --vmplat-arg=--drive --vmplat-arg=size=64M --vmplat-arg=--append
            --vmplat-arg=frames=64 --vmplat-arg=--mode --vmplat-arg=${mode}
            --a-arg=--set --a-arg=cpu.lazy_quanta=false --b-arg=--set --b-arg=cpu.lazy_quanta=true
            --ignore cpu.quanta. --a-stat cpu.quanta.passed==0 --b-stat cpu.quanta.passed>=100000)
endforeach()
