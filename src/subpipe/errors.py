"""The one error type subpipe raises for bad input, and the findings readers report.

A reader either returns a track with findings (what it repaired or noticed, and where) or raises
`SubpipeError` naming the file and line. Nothing else should escape a reader.
"""

from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["info", "warning", "error"]


class SubpipeError(Exception):
    """Bad input or an impossible request, located as precisely as we know.

    >>> str(SubpipeError("timestamp has no milliseconds", path="film.srt", line=12))
    'film.srt:12: timestamp has no milliseconds'
    """

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 code: str = "input") -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.code = code
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = self.path or "<input>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}"

    def to_dict(self) -> dict:
        return {"error": self.code, "message": self.message, "path": self.path, "line": self.line}


@dataclass(frozen=True)
class Finding:
    """Something a reader, a QC rule or a fix noticed or did.

    `kind` is a stable slug ("missing-index", "mojibake-repaired", "reading-speed", ...);
    `position` is the cue's position (index in document order of the file as read, every cue block
    counted); `line` is the 1-based line in the file; `dropped` marks a cue block that could not be
    kept in the track, so that cues in the file = cues in the track + dropped findings.
    """

    kind: str
    message: str
    path: str | None = None
    line: int | None = None
    position: int | None = None
    severity: Severity = "warning"
    fixed: bool = False
    dropped: bool = False
    start_ms: int | None = None
    end_ms: int | None = None

    def where(self) -> str:
        parts = [self.path or "<input>"]
        if self.line is not None:
            parts[0] += f":{self.line}"
        if self.position is not None:
            parts.append(f"cue {self.position}")
        return " ".join(parts)

    def __str__(self) -> str:
        return f"{self.where()}: [{self.kind}] {self.message}"

    def to_dict(self) -> dict:
        return asdict(self)

    def to_error(self) -> SubpipeError:
        return SubpipeError(f"[{self.kind}] {self.message}", path=self.path, line=self.line, code=self.kind)
