# Device registers as firmware sees them, compared with QEMU's virt machine.
vmplat_system_test(NAME diff.qemu.devices LABELS diff TIMEOUT 60
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/run_firmware.py diff
          ${VMPLAT_SW_DIR}/tests/platform/devices.elf --vmplat ${VMPLAT_EXE} --qemu ${QEMU_RISCV64})
set_tests_properties(diff.qemu.devices PROPERTIES SKIP_RETURN_CODE 77)
# An interrupt-driven console that never reads IIR (sw/tests/platform/uart_irq.c). With the
# default gateway (plic.gateway=qemu) it passes with one interrupt per byte, and its console,
# interrupt counts included, equals QEMU's. With the PLIC spec's level gateway the completion
# re-pends the still-high THR-empty line at once: the hart never leaves the handler loop, so
# the run is given an instruction limit (exit code 124) and the storm shows in the claims.
set(UART_IRQ_ELF ${VMPLAT_SW_DIR}/tests/platform/uart_irq.elf)
vmplat_system_test(NAME platform.uart_irq LABELS platform TIMEOUT 60
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/run_firmware.py run ${UART_IRQ_ELF}
          --vmplat ${VMPLAT_EXE} --expect "DONE uart_irq: 3 checks, 0 failures"
          --stat "plic.claims.uart<=193" --stat "plic.claims.none==0")
vmplat_system_test(NAME diff.qemu.uart_irq LABELS platform diff TIMEOUT 60
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/run_firmware.py diff ${UART_IRQ_ELF}
          --vmplat ${VMPLAT_EXE} --qemu ${QEMU_RISCV64})
set_tests_properties(diff.qemu.uart_irq PROPERTIES SKIP_RETURN_CODE 77)
vmplat_system_test(NAME platform.uart_irq.level LABELS platform TIMEOUT 60
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/run_firmware.py run ${UART_IRQ_ELF}
          --vmplat ${VMPLAT_EXE} --vmplat-arg=--set --vmplat-arg=plic.gateway=level
          --vmplat-arg=--max-instructions --vmplat-arg=2000000 --exit-code 124
          --expect "uart_irq: interrupt-driven console, IIR never read"
          --stat "plic.claims.uart>=10000")
# The same firmware alone: each register observation has its expected value in the firmware.
vmplat_system_test(NAME platform.devices LABELS platform TIMEOUT 30
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/run_firmware.py run
          ${VMPLAT_SW_DIR}/tests/platform/devices.elf --vmplat ${VMPLAT_EXE}
          --expect "DONE devices: 45 checks, 0 failures")
# Regions of interest through the sim-control device (sw/tests/platform/roi.c): snapshots
# exact to the instruction, with fast and with timed memory and quantum boundaries inside the
# regions; END's argument is the exit code.
set(ROI_TEST ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/roi_test.py --vmplat ${VMPLAT_EXE}
    --sw ${VMPLAT_SW_DIR} --workdir ${CMAKE_CURRENT_BINARY_DIR})
foreach(case firmware firmware_timed)
  vmplat_system_test(NAME platform.roi.${case} LABELS platform TIMEOUT 60
    COMMAND ${ROI_TEST} ${case})
endforeach()
