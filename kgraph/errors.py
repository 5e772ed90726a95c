"""The one error type users see: a bad input, named by file and line."""

from __future__ import annotations


class InputError(Exception):
    """Bad user input; the CLI prints it as one line and exits with status 2."""

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        self.path = _one_line(str(path))
        self.line = line
        self.message = _one_line(message)  # a quoted value or a file name may hold a line end
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.message}"


def _one_line(text: str) -> str:
    """``text`` with its line ends written as escapes, so an error is always one line."""
    if "\n" in text or "\r" in text:
        return text.replace("\r", "\\r").replace("\n", "\\n")
    return text


class OutputError(InputError):
    """An output path that cannot be written (a file where a folder should be, or the reverse)."""
