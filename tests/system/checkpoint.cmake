# Checkpoints (docs/checkpoints.md) of the kernel demo: bit-exact restore in fast and timed
# mode (the state at exit equals a run from reset, file for file), restore with changed
# knobs (cold structures named; RAM, ISA and PMP fixed), the guest's marker
# (--checkpoint-on-marker), --checkpoint-stop, and bad
# checkpoints refused with one line (checkpoint_test.py says each case's claims).
foreach(case exact_fast exact_timed knobs marker stop corrupt)
  vmplat_system_test(NAME checkpoint.${case} LABELS checkpoint TIMEOUT 600
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/checkpoint_test.py
            --vmplat ${VMPLAT_EXE} --kernel ${VMPLAT_SW_DIR}/kernel/kernel.elf ${case})
endforeach()
