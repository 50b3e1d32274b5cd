"""How many CPU threads CTranslate2 gets for one translation model, and how idle threads wait.

CTranslate2 runs each batch on ``intra_threads`` OpenMP threads that meet at a barrier after every
matrix product, layer norm and softmax. argos passes ``ARGOS_INTRA_THREADS`` (default 0: CTranslate2's
own default, ``min(4, CPUs)``, which counts every CPU of the machine, not the ones this process may run
on). Shared work pays for the barriers on argos's real packages (Transformer-base, 60-100 MB of int8
weights); on a tiny model such as the demo packages (0.4 MB, 64 wide) a step is a few microseconds of
work and the threads spend the batch waiting for each other. And OpenMP's default wait is a spin (libgomp:
300,000 turns before it sleeps): when another process holds a core (a shared machine, or subpipe's own
second film), the spinning thread burns the time slice its partner needs, and every barrier waits for
the scheduler. Measured on 2 cores shared with other work (medians of 7-12 separate processes taken in
turns, load 2-8; times at one setting varied up to 9x between processes): on the demo model argos's
per-cue loop took 2.2 ms per cue on one thread, 7.9 on two spinning threads (argos's default) and 5.7
on two passive ones, the batched engine 1.3, 1.9 and 1.8 (BENCHMARKS.md's threads table, taken inside
one process, has seen two passive threads ahead batched; one thread wins the loop everywhere, and four
threads are 5-40x slower). On a Transformer-base-sized model a second thread gains up to 1.4x when its
core is free (BENCHMARKS.md at load 1) and nothing when it is not; there argos's loop took 475 ms per
cue on two spinning threads, 273 on two passive ones and 315 on one, the engine about 100 on each.

So subpipe, before CTranslate2 is imported, sets ``OMP_WAIT_POLICY=PASSIVE`` unless the user set it
(`set_openmp_env`), and chooses ``intra_threads`` per model (`choose_threads`), first match wins:

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
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path

from subpipe.errors import ErrorCode
from subpipe.limits import whole_number_setting

# Read by the OpenMP runtime CTranslate2 bundles (GNU libgomp) once, when ctranslate2 is first imported.
OPENMP_ENV = {"OMP_WAIT_POLICY": "PASSIVE"}
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


def set_openmp_env(environ: MutableMapping[str, str] | None = None) -> None:
    """Put `OPENMP_ENV` in the environment, each variable only when unset (the user's value wins).

    Effective only before ctranslate2 is first imported: subpipe calls it in ``configure_argos``, which runs
    before anything of subpipe imports argostranslate or CTranslate2.
    """
    environ = os.environ if environ is None else environ
    for var, value in OPENMP_ENV.items():
        environ.setdefault(var, value)


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


def choose_threads(model_dir: str | Path | None, *, argos_setting: str | int | None = None,
                   environ: Mapping[str, str] | None = None) -> ThreadChoice:
    """``intra_threads`` for the model in `model_dir` (see the module docstring for the order).

    `argos_setting` is ``ARGOS_INTRA_THREADS`` as argos reads it (``settings.get_setting``: environment,
    then its settings file), None when the user did not set it.
    """
    environ = os.environ if environ is None else environ
    if argos_setting is not None and str(argos_setting).strip():
        value = whole_number_setting(ARGOS_THREADS, str(argos_setting), zero="is CTranslate2's default",
                                     code=ErrorCode.SETTINGS)
        return ThreadChoice(value, ARGOS_THREADS)
    raw = environ.get(ENV_THREADS)
    if raw is not None and raw.strip():
        value = whole_number_setting(ENV_THREADS, raw, zero="lets subpipe choose", code=ErrorCode.SETTINGS)
        if value:
            return ThreadChoice(value, ENV_THREADS)
    size = model_weight_bytes(model_dir)
    if size is not None and size < SMALL_MODEL_BYTES:
        return ThreadChoice(1, "small model")
    return ThreadChoice(min(usable_cores(), MAX_THREADS), "usable cores")
