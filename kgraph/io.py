"""Write outputs whole or not at all: a temporary file beside the target, then a rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from kgraph.errors import OutputError


_UMASK_LOCK = threading.Lock()  # reading the umask sets it for a moment; a build writes from two threads


def _umask() -> int:
    with _UMASK_LOCK:
        mask = os.umask(0)
        os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike[str], mode: str = "w") -> Iterator[IO]:
    """Yield a file that replaces ``path`` only if the block finishes without an exception."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise OutputError(str(target.parent), "is a file, not a folder") from None
    if target.is_dir():
        raise OutputError(str(target), "is a folder, not a file")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)  # see temporary_files
    encoding = None if "b" in mode else "utf-8"
    try:
        with os.fdopen(fd, mode, encoding=encoding) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the file the usual permissions
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def temporary_files(folder: Path, name: str = "*") -> list[Path]:
    """The temporary files ``atomic_writer`` makes in ``folder`` for a file called ``name`` (any
    file: ``*``), left behind only by a process killed while writing."""
    return sorted(folder.glob(f".{name}.*.tmp"))


def write_text(path: str | os.PathLike[str], text: str) -> None:
    with atomic_writer(path) as handle:
        handle.write(text)
