"""Read an input file as text: the one place where unreadable, binary or non-UTF-8 files are refused.

Every reader starts from this text, so a bad file fails the same way whatever its format, with
the path and, where one applies, the line of the first bad byte.
"""

from __future__ import annotations

import codecs
import os
from pathlib import Path

from kgraph.errors import InputError


def read_text(path: str | os.PathLike[str]) -> str:
    """Return the file's UTF-8 text (a BOM is dropped) with line ends normalised to ``\\n``."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except IsADirectoryError:
        raise InputError(path, "is a directory, not a file") from None
    except OSError as err:
        raise InputError(path, f"cannot read file: {err.strerror or err}") from None
    body = data.removeprefix(codecs.BOM_UTF8)
    nul = body.find(b"\0")
    if nul >= 0:
        raise InputError(path, "binary data (NUL byte), not a text file", _line_at(body, nul))
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as err:
        message = f"not UTF-8 text (byte 0x{body[err.start]:02x}); save the file as UTF-8"
        raise InputError(path, message, _line_at(body, err.start)) from None
    if not text or text.isspace():  # (not by strip(): a copy of the whole text)
        raise InputError(path, "empty file")
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text  # (a search is faster than a copy)


def _line_at(data: bytes, offset: int) -> int:
    """1-based line of a byte offset, counting ``\\n``, ``\\r\\n`` and lone ``\\r`` as line ends."""
    head = data[:offset]
    return head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1
