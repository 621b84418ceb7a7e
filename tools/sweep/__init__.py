"""vmplat-sweep: design-space exploration over vmplat configuration knobs and workloads.

Modules:
  spec     the sweep file: parse, validate, expand into points
  vmplat   the vmplat executable: configuration schema, command lines, running one point
  results  result identity (hash), the results directory, running one point
  local    the local backend: parallel processes with a progress bar
  slurm    the Slurm backend: one job array task per point
  table    CSV / JSON lines table, derived metrics, the text summary
  plot     gnuplot figures (PNG and SVG)
  cli      the command line
"""


class SweepError(Exception):
    """A user error: one line naming what, where and what is allowed."""
