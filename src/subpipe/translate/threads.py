"""How many CPU threads CTranslate2 gets for one translation model, and why.

CTranslate2 runs each batch on ``intra_threads`` OpenMP threads that meet at a barrier after every
matrix product, layer norm and softmax. argos passes ``ARGOS_INTRA_THREADS`` (default 0: CTranslate2's
own default, ``min(4, hardware threads)``, which counts every CPU of the machine, not the ones this
process may run on). That is right for argos's real packages (Transformer-base, 60-100 MB of int8
weights), where one product is enough work to share; it is ruinous for a tiny model such as the demo
packages (0.4 MB, 64 wide): there every step is a few microseconds of work, and the threads spend the
batch waiting for each other, worst when another process holds a core (a shared machine, or subpipe's
own second film), as a waiting thread must then wait for the scheduler to give its partner a turn.
Measured on 2 cores (BENCHMARKS.md, "CTranslate2's threads"): the demo model runs 2x faster batched and
6-40x faster in a per-cue loop on one thread than on two; a Transformer-base-sized model runs up to 1.4x
faster on two threads when the second core is free.

So subpipe chooses per model (`choose_threads`), first match wins:

1. ``ARGOS_INTRA_THREADS``, when the user set it (environment or argos's ``settings.json``): argos's own
   setting, honoured as argos honours it (0 = CTranslate2's default);
2. ``SUBPIPE_MT_THREADS``: a whole number of threads for every model (0 = choose, as below);
3. a model whose weights (``model.bin``) are under `SMALL_MODEL_BYTES` (20 MB): 1 thread;
4. otherwise the cores this process may run on (``os.sched_getaffinity``, so a container or ``taskset``
   limit counts), at most `MAX_THREADS` (4, CTranslate2's own cap).

>>> choose_threads(None, environ={"SUBPIPE_MT_THREADS": "3"})
ThreadChoice(intra_threads=3, origin='SUBPIPE_MT_THREADS')
>>> choose_threads(None, argos_setting="2", environ={"SUBPIPE_MT_THREADS": "3"}).origin
'ARGOS_INTRA_THREADS'
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from subpipe.errors import ErrorCode, SubpipeError

ENV_THREADS = "SUBPIPE_MT_THREADS"
ARGOS_THREADS = "ARGOS_INTRA_THREADS"
# The demo packages' weights are 0.4 MB, argos's real packages 60-100 MB: the line sits far from both.
SMALL_MODEL_BYTES = 20_000_000
MAX_THREADS = 4


@dataclass(frozen=True)
class ThreadChoice:
    """``intra_threads`` for one model's translator and where the number came from."""

    intra_threads: int
    origin: str  # ARGOS_INTRA_THREADS, SUBPIPE_MT_THREADS, "small model" or "usable cores"

    def describe(self) -> str:
        threads = "CTranslate2's default" if self.intra_threads == 0 else f"{self.intra_threads}"
        return f"{threads} ({self.origin})"


def usable_cores() -> int:
    """The CPUs this process may run on (its affinity mask), not every CPU of the machine."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # no affinity call on this platform
        return max(1, os.cpu_count() or 1)


def model_weight_bytes(model_dir: str | Path | None) -> int | None:
    """The size of a CTranslate2 model's weights (``model.bin``), or None when there is none to read."""
    if model_dir is None:
        return None
    try:
        return (Path(model_dir) / "model.bin").stat().st_size
    except OSError:
        return None


def _whole_number(name: str, raw: str) -> int:
    try:
        value = int(raw.strip().replace("_", ""))
    except ValueError:
        raise SubpipeError(f"{name}={raw!r} is not a whole number of threads", code=ErrorCode.SETTINGS) from None
    if value < 0:
        raise SubpipeError(f"{name}={raw!r} is negative (0 lets subpipe choose)", code=ErrorCode.SETTINGS)
    return value


def choose_threads(model_dir: str | Path | None, *, argos_setting: str | int | None = None,
                   environ: Mapping[str, str] | None = None) -> ThreadChoice:
    """``intra_threads`` for the model in `model_dir` (see the module docstring for the order).

    `argos_setting` is ``ARGOS_INTRA_THREADS`` as argos reads it (``settings.get_setting``: environment,
    then its settings file), None when the user did not set it.
    """
    environ = os.environ if environ is None else environ
    if argos_setting is not None and str(argos_setting).strip():
        return ThreadChoice(_whole_number(ARGOS_THREADS, str(argos_setting)), ARGOS_THREADS)
    raw = environ.get(ENV_THREADS)
    if raw is not None and raw.strip():
        value = _whole_number(ENV_THREADS, raw)
        if value:
            return ThreadChoice(value, ENV_THREADS)
    size = model_weight_bytes(model_dir)
    if size is not None and size < SMALL_MODEL_BYTES:
        return ThreadChoice(1, "small model")
    return ThreadChoice(min(usable_cores(), MAX_THREADS), "usable cores")
