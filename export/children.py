"""Child processes of the export die with it."""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Callable


def die_with_parent(parent: int) -> Callable[[], None] | None:
    """For a child of the export (mkdocs, the ledger writer): die with the exporting process.

    Linux ``PR_SET_PDEATHSIG``: a worker killed mid-build (SIGKILL, OOM) would
    otherwise leave the child running on, writing into a build directory that
    the next export is removing, and recreating it behind its back.
    """
    if not sys.platform.startswith("linux"):
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up before the fork: the child only calls it

    def arm() -> None:
        prctl(1, int(signal.SIGKILL))  # 1 = PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the parent died before the line above
            os._exit(1)

    return arm
