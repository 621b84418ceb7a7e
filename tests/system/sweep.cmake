# Design-space exploration (tools/vmplat-sweep, docs/exploration.md), by
# tests/system/sweep_test.py on the real vmplat and kernel:
#   sweep.table      a small sweep: CSV/JSON lines columns, summary, PNG/SVG plots; a fully
#                    associative LRU DTLB never misses more when it grows
#   sweep.resume     SIGINT half way; the rerun runs only the missing points
#   sweep.resume_sigterm  the same with SIGTERM
#   sweep.failed     a failing point is recorded with its error; the others still run
#   sweep.bad_files  unknown knob, bad value, refused constraint, unknown workload, ...:
#                    rejected before anything runs, naming the problem
#   sweep.checkpoint "checkpoint": "marker": one boot per satp mode, points restored from
#                    it count only the workload; a rerun boots nothing
#   sweep.examples   every examples/*.json sweep is accepted by `vmplat-sweep check`
#   sweep.slurm      tests/system/sweep_slurm.py: the Slurm backend on a single-node Slurm
#                    the test starts itself (skipped, code 77, where Slurm cannot be
#                    installed or started)
set(SWEEP_TOOL ${PROJECT_SOURCE_DIR}/tools/vmplat-sweep)
set(SWEEP_TEST ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/sweep_test.py --tool ${SWEEP_TOOL}
    --vmplat ${VMPLAT_EXE} --build ${PROJECT_BINARY_DIR} --workdir ${CMAKE_CURRENT_BINARY_DIR})
foreach(case table resume resume_sigterm failed bad_files checkpoint)
  vmplat_system_test(NAME sweep.${case} LABELS sweep TIMEOUT 120 COMMAND ${SWEEP_TEST} ${case})
endforeach()
file(GLOB SWEEP_EXAMPLES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/examples/*.json)
foreach(example ${SWEEP_EXAMPLES})
  get_filename_component(name ${example} NAME_WE)
  vmplat_system_test(NAME sweep.examples.${name} LABELS sweep TIMEOUT 60
    COMMAND ${Python3_EXECUTABLE} ${SWEEP_TOOL} check ${example} --vmplat ${VMPLAT_EXE}
            --build ${PROJECT_BINARY_DIR})
endforeach()
vmplat_system_test(NAME sweep.slurm LABELS sweep slurm TIMEOUT 300
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/sweep_slurm.py --tool ${SWEEP_TOOL}
          --vmplat ${VMPLAT_EXE} --build ${PROJECT_BINARY_DIR})
set_tests_properties(sweep.slurm PROPERTIES SKIP_RETURN_CODE 77)
