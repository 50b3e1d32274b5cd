"""Limits on what one input may cost: settings with defaults, refused with a clear error beyond them.

Hostile or broken files are input like any other, so reading one must stay cheap. Each limit has a
default, an environment variable that overrides it for the process, and can be given per call
(``read_track(path, limits=Limits(max_cues=500))``):

- ``max_file_bytes`` (``SUBPIPE_MAX_FILE_BYTES``, default 50,000,000 = 50 MB): the size of one
  subtitle file. A feature film's track is 50-200 KB; a 200 MB "subtitle" is refused before it is
  read.
- ``max_cue_chars`` (``SUBPIPE_MAX_CUE_CHARS``, default 10,000): the characters of one cue's text,
  markup included. A real cue holds two lines of about 42; 10,000 leaves room for karaoke markup.
- ``max_cues`` (``SUBPIPE_MAX_CUES``, default 100,000): the cues of one track. A three-hour film
  has about 3,000.
- ``max_glossary_entries`` (``SUBPIPE_MAX_GLOSSARY_ENTRIES``, default 200,000): the entries of one
  glossary (CSV, TSV, JSON or TBX). Real termbases reach 100,000.

A value of 0 in an environment variable means "no limit". A value that is not a whole number is a
`SubpipeError` naming the variable. Beyond a limit, readers raise `SubpipeError` with
``code=ErrorCode.LIMIT`` naming the file (and line, where there is one) and the setting that refused it.

>>> Limits().max_cue_chars
10000
>>> Limits.from_env({"SUBPIPE_MAX_CUES": "500"}).max_cues
500
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields

from subpipe.errors import ErrorCode, SubpipeError

_ENV = {
    "max_file_bytes": "SUBPIPE_MAX_FILE_BYTES",
    "max_cue_chars": "SUBPIPE_MAX_CUE_CHARS",
    "max_cues": "SUBPIPE_MAX_CUES",
    "max_glossary_entries": "SUBPIPE_MAX_GLOSSARY_ENTRIES",
}
_UNLIMITED = 2**63 - 1


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 50_000_000
    max_cue_chars: int = 10_000
    max_cues: int = 100_000
    max_glossary_entries: int = 200_000

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Limits":
        """The defaults, overridden by any ``SUBPIPE_MAX_*`` variable set in `environ` (os.environ)."""
        environ = os.environ if environ is None else environ
        values = {}
        for f in fields(cls):
            raw = environ.get(_ENV[f.name])
            if raw is None or not raw.strip():
                continue
            values[f.name] = whole_number_setting(_ENV[f.name], raw, zero="means no limit") or _UNLIMITED
        return cls(**values)


def whole_number_setting(name: str, raw: str, *, zero: str, code: ErrorCode = ErrorCode.LIMIT) -> int:
    """The whole number (``1_000`` allowed) an environment variable holds, refused naming the variable when
    it holds something else or a negative number; `zero` says what 0 means, for that message.

    >>> whole_number_setting("SUBPIPE_MAX_CUES", " 1_000 ", zero="means no limit")
    1000
    """
    try:
        value = int(raw.strip().replace("_", ""))
    except ValueError:
        raise SubpipeError(f"{name}={raw!r} is not a whole number", code=code) from None
    if value < 0:
        raise SubpipeError(f"{name}={raw!r} is negative (0 {zero})", code=code)
    return value


def current_limits(limits: Limits | None = None) -> Limits:
    """`limits` when given, else the defaults as the environment overrides them now."""
    return limits if limits is not None else Limits.from_env()


def env_name(setting: str) -> str:
    """The environment variable of a `Limits` field: ``env_name("max_cues") == "SUBPIPE_MAX_CUES"``."""
    return _ENV[setting]


def excerpt(text: str, max_chars: int = 80) -> str:
    """`text` quoted for a message, cut at `max_chars` (a finding never carries a whole hostile line).

    >>> excerpt("abc"), excerpt("x" * 100, 5)
    ("'abc'", "'xxxxx'… (100 characters)")
    """
    if len(text) <= max_chars:
        return repr(text)
    return f"{text[:max_chars]!r}… ({len(text):,} characters)"
