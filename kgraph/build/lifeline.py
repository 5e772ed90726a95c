"""Worker processes end with the build that started them, however it ends (issue 24).

Workers are forked from a fork server, so their parent is that server, not the build. The fork
server ends once no worker holds its "alive" pipe any more, and the resource tracker once no
process holds its pipe, so both follow the workers: the workers are what must not outlive the
build. Each one gets the build's process id and watches it from a thread of its own: on Linux
through a pidfd (the kernel wakes the thread the moment the build ends, whether it finished,
was interrupted or was killed with SIGKILL, and a pid reused since cannot fool it), elsewhere
by polling the pid twice a second. When the build is gone, the worker exits at once (os._exit:
there is nothing of its own to save; results go to the build, which is gone).

A parent-death signal (prctl PR_SET_PDEATHSIG) would not do: it follows the parent, the fork
server, which stays alive as long as its children do.
"""

from __future__ import annotations

import os
import select
import threading
import time
from collections.abc import Callable

POLL_S = 0.5


def watch(build_pid: int) -> None:
    """Exit this process as soon as process ``build_pid`` has ended (from a daemon thread)."""
    try:
        pidfd = os.pidfd_open(build_pid)  # Linux 5.3+
    except ProcessLookupError:
        os._exit(1)  # it ended before this worker started
    except (AttributeError, OSError):
        pidfd = None
    threading.Thread(target=_wait, args=(build_pid, pidfd), name="kgraph-lifeline", daemon=True).start()


def _wait(build_pid: int, pidfd: int | None) -> None:
    if pidfd is not None:
        select.select([pidfd], [], [])  # readable once the process has ended
    else:
        while _exists(build_pid):
            time.sleep(POLL_S)
    os._exit(1)


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def start_worker(build_pid: int, initializer: Callable[..., None] | None, initargs: tuple) -> None:
    """A worker's initializer: watch the build, then run the pool's own initializer."""
    watch(build_pid)
    if initializer is not None:
        initializer(*initargs)
