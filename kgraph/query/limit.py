"""A time limit on a query run from the command line: the engines cannot be interrupted, so the
process ends (exit status 2, one line) when the query runs too long."""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator


@contextlib.contextmanager
def time_limit(seconds: float, source: str) -> Iterator[None]:
    """Stop this process (exit status 2, one line) if the block runs longer than ``seconds`` (0: no
    limit). Ending the process is what really stops a query: the engines cannot be interrupted
    (Oxigraph runs it without holding the GIL, so this timer's thread runs meanwhile)."""
    if not seconds:
        yield
        return

    def stop() -> None:
        sys.stderr.write(f"kgraph: error: {source}: the query ran longer than {seconds:g} s and was stopped "
                         "(--timeout SECONDS to change the limit, 0 for none)\n")
        sys.stderr.flush()
        os._exit(2)

    timer = threading.Timer(seconds, stop)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
