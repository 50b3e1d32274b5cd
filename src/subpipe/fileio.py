"""Files in and out: inputs read with every OS failure as a `SubpipeError`, outputs written atomically.

Reading: `read_input` is the one way subpipe reads an input file's bytes. Whatever the operating system
says (no such file, a directory, no permission, a NUL in the name, a symlink loop, a FIFO, a file
beyond the size limit) becomes a `SubpipeError` naming the input, never an `OSError`, `ValueError` or
`RuntimeError`. `resolve_input` resolves a path's symlinks under the same rule, for callers that
check where a path really leads (confinement).

Writing: to a temporary file beside the target, then renamed into place, so readers see the old file
or the whole new one. The new file gets the mode a plain ``open(path, "w")`` would give it: the
target's mode when it exists, else 0666 less the umask (mkstemp alone would leave 0600).
"""

import errno
import json
import os
import re
import stat
import sys
import tempfile
from pathlib import Path

from subpipe.errors import ErrorCode, SubpipeError
from subpipe.limits import env_name

# ---------------------------------------------------------------------------------------- reading

def _check_name(path: str | os.PathLike, what: str) -> str:
    name = os.fspath(path)
    if isinstance(name, bytes):
        name = os.fsdecode(name)
    if "\x00" in name:
        raise SubpipeError(f"{what} name contains a NUL character", path=name.replace("\x00", "\\x00"),
                           code=ErrorCode.BAD_PATH)
    return name


def _os_error(exc: OSError, name: str, what: str) -> SubpipeError:
    if exc.errno == errno.ENOENT:
        return SubpipeError(f"no such {what}", path=name, code=ErrorCode.NOT_FOUND)
    if exc.errno == errno.EISDIR:
        return SubpipeError(f"is a directory, not a {what}", path=name, code=ErrorCode.IS_A_DIRECTORY)
    if exc.errno in (errno.EACCES, errno.EPERM):
        return SubpipeError(f"permission denied: cannot read this {what}", path=name, code=ErrorCode.PERMISSION)
    if exc.errno == errno.ELOOP:
        return SubpipeError(f"symlink loop: this {what} name never leads to a file", path=name,
                            code=ErrorCode.SYMLINK_LOOP)
    return SubpipeError(f"cannot read this {what}: {exc.strerror or exc}", path=name, code=ErrorCode.IO)


def resolve_input(path: str | os.PathLike, what: str = "file") -> Path:
    """`path` with every symlink resolved (it need not exist), or `SubpipeError` for a loop or a NUL.

    >>> resolve_input("/tmp/../tmp") == Path("/tmp").resolve()
    True
    """
    name = _check_name(path, what)
    try:
        return Path(name).resolve()
    except RuntimeError:  # Python 3.11 reports a symlink loop so
        raise SubpipeError(f"symlink loop: this {what} name never leads to a file", path=name,
                           code=ErrorCode.SYMLINK_LOOP) from None
    except OSError as exc:
        raise _os_error(exc, name, what) from None


def check_input_file(path: str | os.PathLike, what: str = "file") -> os.stat_result:
    """The `os.stat` of `path` when it is a regular file (symlinks followed), else the `SubpipeError`
    reading it would raise (no such file, a directory, a device, ...), without opening it.

    >>> check_input_file("/tmp", "subtitle file")
    Traceback (most recent call last):
    subpipe.errors.SubpipeError: /tmp: is a directory, not a subtitle file
    """
    name = _check_name(path, what)
    try:
        # stat before open: opening a FIFO would block until someone writes to it
        info = os.stat(name)
    except OSError as exc:
        raise _os_error(exc, name, what) from None
    if stat.S_ISDIR(info.st_mode):
        raise _os_error(IsADirectoryError(errno.EISDIR, "Is a directory"), name, what)
    if not stat.S_ISREG(info.st_mode):
        raise SubpipeError(f"not a regular file (a device, socket or pipe), not a {what}", path=name,
                           code=ErrorCode.IO)
    return info


def input_file_problem(path: str | os.PathLike, what: str = "file") -> SubpipeError | None:
    """The `SubpipeError` `check_input_file` would raise for `path`, or None for a regular file."""
    try:
        check_input_file(path, what)
    except SubpipeError as exc:
        return exc
    return None


def read_input(path: str | os.PathLike, *, what: str = "file", max_bytes: int | None = None) -> bytes:
    """The bytes of input file `path`; `SubpipeError` naming it for anything that stops the reading.

    `max_bytes` refuses a larger file before reading it (and a file that grows past it while read).
    """
    name = _check_name(path, what)
    info = check_input_file(name, what)
    if max_bytes is not None and info.st_size > max_bytes:
        raise too_large(name, what, info.st_size, max_bytes)
    try:
        with open(name, "rb") as fh:
            data = _read_up_to(fh, max_bytes)
    except OSError as exc:
        raise _os_error(exc, name, what) from None
    if max_bytes is not None and len(data) > max_bytes:
        raise too_large(name, what, len(data), max_bytes)
    return data


def read_text_input(path: str | os.PathLike, *, what: str = "file", code: str = "io",
                    max_bytes: int | None = None) -> str:
    """The UTF-8 text of input file `path` (`read_input`); bytes that are not UTF-8 are a
    `SubpipeError` with `code` naming the file, the line they are on and their column."""
    data = read_input(path, what=what, max_bytes=max_bytes)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        column = len(data[line_start:exc.start].decode("utf-8")) + 1  # the bytes before it decode
        raise SubpipeError(f"{what} is not UTF-8 text (byte {exc.start:,}, column {column} of its line, cannot "
                           "be decoded)", path=_check_name(path, what), line=data.count(b"\n", 0, exc.start) + 1,
                           code=code) from None


def read_json_input(path: str | os.PathLike, *, what: str = "file", code: str = "io",
                    max_bytes: int | None = None):
    """The JSON value in input file `path` (`read_text_input`); invalid JSON is a `SubpipeError`
    with `code` naming the file, line and column (`parse_json`)."""
    text = read_text_input(path, what=what, code=code, max_bytes=max_bytes)
    return parse_json(text, what=what, path=_check_name(path, what), code=code)


def parse_json(text: str, *, what: str, path: str | None, code: str = "io"):
    """The JSON value of `text`; invalid JSON is a `SubpipeError` with `code` naming `path`, the line and
    the column, and so is JSON nested too deep for the parser (``[[[[...``) or a number of more digits
    than Python converts (where it starts).

    >>> parse_json('{"a": 1,\\n "b": }', what="overrides file", path="o.json")
    Traceback (most recent call last):
    subpipe.errors.SubpipeError: o.json:2: overrides file is not valid JSON: Expecting value (column 7)
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SubpipeError(f"{what} is not valid JSON: {exc.msg} (column {exc.colno})", path=path,
                           line=exc.lineno, code=code) from None
    except RecursionError:
        line, column = line_column(text, _nesting_beyond(text, _DEEP))
        raise SubpipeError(f"{what} is nested too deep to read (more than {_DEEP} arrays or objects inside each "
                           f"other from column {column})", path=path, line=line, code=code) from None
    except ValueError as exc:  # an integer beyond sys.get_int_max_str_digits()
        digits = re.search(rf"[0-9]{{{sys.get_int_max_str_digits() + 1},}}", text)
        line, column = line_column(text, digits.start()) if digits else (None, None)
        raise SubpipeError(f"{what} is not readable JSON: {exc}" + (f" (column {column})" if column else ""),
                           path=path, line=line, code=code) from None


_DEEP = 500  # a nesting the message names: the parser gives up somewhat below the recursion limit
_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _nesting_beyond(text: str, depth: int) -> int:
    """Where (an index of `text`) the JSON nesting first goes `depth` levels deep; 0 if it never does."""
    level = 0
    for token in _JSON_TOKENS.finditer(text):
        mark = token.group()
        if mark in "[{":
            level += 1
            if level > depth:
                return token.start()
        elif mark in "]}":
            level -= 1
    return 0


def line_column(text: str, index: int) -> tuple[int, int]:
    """The 1-based line and column of `text[index]`.

    >>> line_column("ab\\ncd", 4)
    (2, 2)
    """
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def _read_up_to(fh, max_bytes: int | None) -> bytes:
    """The file's bytes, stopping once past `max_bytes` (a file growing while read). Read in blocks:
    ``read(max_bytes + 1)`` would allocate the whole limit for every file, and fail for "no limit"."""
    blocks, total = [], 0
    while block := fh.read(1 << 20):
        blocks.append(block)
        total += len(block)
        if max_bytes is not None and total > max_bytes:
            break
    return b"".join(blocks)


def too_large(name: str, what: str, size: int, max_bytes: int) -> SubpipeError:
    """The error for an input beyond the size limit (`subpipe.limits`)."""
    return SubpipeError(f"{what} too large: {size:,} bytes, limit {max_bytes:,} "
                        f"({env_name('max_file_bytes')} raises it)", path=name, code=ErrorCode.LIMIT)


# ---------------------------------------------------------------------------------------- writing

def current_umask() -> int:
    """The process umask, read without changing it where the system allows (Linux /proc)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # elsewhere the only way to read it is to set it
    os.umask(mask)
    return mask


def _mode_for(target: Path) -> int:
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        return 0o666 & ~current_umask()


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> Path:
    """Write `data` to `path` so that readers see either the old file or the whole new one."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.fchmod(fd, _mode_for(target))
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return target


def write_text_atomic(path: str | os.PathLike, text: str, encoding: str = "utf-8") -> Path:
    return write_bytes_atomic(path, text.encode(encoding))
