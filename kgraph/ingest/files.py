"""Read an input file as text: the one place where unreadable, binary or non-UTF-8 files are refused.

Every reader starts from this text, so a bad file fails the same way whatever its format, with
the path and, where one applies, the line of the first bad byte. Only regular files are read
(a FIFO, a device or a socket could block or never end), and none larger than a limit
(``--max-input-size``), so no input can hang a run or exhaust its memory.
"""

from __future__ import annotations

import codecs
import os
import re
import stat

from kgraph.errors import InputError

MAX_INPUT_BYTES = 1 << 30  # 1 GiB: about 700,000 abstracts as JSON Lines
_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*", re.IGNORECASE)
# Byte order marks, longest first (the UTF-32 LE mark begins with the UTF-16 LE one).
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"), (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
         (codecs.BOM_UTF8, "utf-8", "UTF-8"),
         (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"), (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"))
_KINDS = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def parse_size(text: str) -> int:
    """A size in bytes from ``1048576``, ``500M``, ``2G``, ``2GiB`` (binary units); ValueError otherwise."""
    match = _SIZE.fullmatch(text)
    if not match:
        raise ValueError(f"not a size: {text!r} (e.g. 500M, 2G)")
    size = int(float(match.group(1)) * _UNITS[match.group(2).lower()])
    if size < 1:
        raise ValueError("a size is at least 1 byte")
    return size


def format_size(size: int) -> str:
    for unit in "TGMK":
        if size >= _UNITS[unit.lower()] and size % _UNITS[unit.lower()] == 0:
            return f"{size // _UNITS[unit.lower()]}{unit}"
    return f"{size} bytes"


def read_bytes(path: str | os.PathLike[str], max_bytes: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``; an InputError for anything else."""
    try:
        # O_NONBLOCK: opening a FIFO without a writer would otherwise wait forever.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except IsADirectoryError:
        raise InputError(path, "is a directory, not a file") from None
    except OSError as err:
        raise InputError(path, f"cannot read file: {err.strerror or err}") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        if stat.S_ISDIR(mode):
            raise InputError(path, "is a directory, not a file")
        kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
        raise InputError(path, f"is {kind}, not a regular file; only files are read")
    with os.fdopen(fd, "rb") as handle:
        too_large = (f"larger than the input size limit ({format_size(max_bytes)}); "
                     "raise it with --max-input-size")
        if os.fstat(fd).st_size > max_bytes:
            raise InputError(path, too_large)
        os.set_blocking(fd, True)
        try:
            data = handle.read(max_bytes + 1)  # the file may grow while it is read
        except OSError as err:
            raise InputError(path, f"cannot read file: {err.strerror or err}") from None
        if len(data) > max_bytes:
            raise InputError(path, too_large)
        return data


def read_text(path: str | os.PathLike[str], max_bytes: int = MAX_INPUT_BYTES) -> str:
    """Return the file's text with line ends normalised to ``\\n``: UTF-8 (a BOM is dropped), or
    UTF-16 or UTF-32 when the file starts with their byte order mark."""
    data = read_bytes(path, max_bytes)
    encoding, name = "utf-8", "UTF-8"
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            data, encoding, name = data[len(bom):], codec, label
            break
    if encoding == "utf-8":
        nul = data.find(b"\0")
        if nul >= 0:
            hint = "; UTF-16 without a byte order mark? save the file as UTF-8" if _looks_utf16(data) else ""
            raise InputError(path, f"binary data (NUL byte), not a text file{hint}", _line_at(data, nul))
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as err:
            message = f"not UTF-8 text (byte 0x{data[err.start]:02x}); save the file as UTF-8"
            raise InputError(path, message, _line_at(data, err.start)) from None
    else:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as err:
            line = _line_at_text(data[:err.start].decode(encoding, "replace"), len(data))
            raise InputError(path, f"not {name} text despite its byte order mark ({err.reason}); "
                                   "save the file as UTF-8", line) from None
        nul = text.find("\0")
        if nul >= 0:
            raise InputError(path, "binary data (NUL character), not a text file", _line_at_text(text, nul))
    if not text or text.isspace():  # (not by strip(): a copy of the whole text)
        raise InputError(path, "empty file")
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text  # (a search is faster than a copy)


def _looks_utf16(data: bytes) -> bool:
    """Every other byte NUL at the start: UTF-16 text saved without its byte order mark."""
    head = data[:64]
    return len(head) >= 4 and (head[1::2].count(0) == len(head[1::2]) or head[0::2].count(0) == len(head[0::2]))


def _line_at(data: bytes, offset: int) -> int:
    """1-based line of a byte offset, counting ``\\n``, ``\\r\\n`` and lone ``\\r`` as line ends."""
    head = data[:offset]
    return head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1


def _line_at_text(text: str, offset: int) -> int:
    head = text[:offset]
    return head.count("\n") + head.count("\r") - head.count("\r\n") + 1
