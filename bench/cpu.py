"""CPU seconds used by the server processes this process started (Linux /proc), so a benchmark
can print CPU per item beside its rate: on a shared machine the rate moves with the neighbours'
load, the CPU per item much less."""

from __future__ import annotations

import os
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK")


def children_cpu_s() -> float:
    """User plus system CPU seconds of this process's live children (all their threads)."""
    me, total = os.getpid(), 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            raw = stat.read_text()
        except OSError:
            continue  # ended while we looked
        fields = raw[raw.rindex(")") + 2 :].split()  # after "pid (name) "
        if int(fields[1]) == me:  # ppid
            total += (int(fields[11]) + int(fields[12])) / _TICK  # utime, stime
    return total
