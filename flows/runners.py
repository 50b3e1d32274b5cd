"""The Prefect runner of the library's pipelines: each step the library submits becomes a task run.

`subpipe.localize.localize_film` and `subpipe.batch.run_batch` own their step sequences and hand each
step to a runner (`subpipe.runners.Runner`). `PrefectRunner` maps each step function to its Prefect
task (name, run name, retries, cache policy) and submits it, to the flow's task runner or to one given
(threads, Dask), so the UI shows every step as a task run while the steps stay the library's. The
flows add artifacts and the final state (`final_state`), never steps of their own.
(No postponed annotations here: flows/ keeps real annotations for deployment forms.)
"""

import inspect
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from prefect import Task, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.states import Completed, Failed, State
from prefect.utilities.annotations import quote

from subpipe.batch import TRANSIENT_ERRORS
from subpipe.errors import SubpipeError

PARTIALLY_FAILED = "Partially failed"
# The same words for a film and a batch: the library's status -> the name of the run's final state.
STATE_NAMES = {"partially failed": PARTIALLY_FAILED, "failed": "Failed"}


def retry_transient(task, task_run, state) -> bool:
    """Retry after a transient error (I/O, time-outs, memory); bad input (SubpipeError, a missing
    model included) and bugs fail at once."""
    try:
        state.result()
    except SubpipeError:
        return False
    except TRANSIENT_ERRORS:
        return True
    except Exception:
        return False
    return False


class StepFuture:
    """A submitted step: ``result()`` as the library expects, ``cached`` when Prefect's cache answered."""

    def __init__(self, future) -> None:
        self.future = future

    def result(self) -> Any:
        return self.future.result()

    @property
    def cached(self) -> bool:
        return self.future.state.name == "Cached"


class PrefectRunner:
    """Submit library steps as their Prefect tasks (`tasks`: step function -> task); a step with no
    task of its own runs as a plain, uncached task named after the function."""

    def __init__(self, tasks: Mapping[Callable, Task], task_runner=None) -> None:
        self.tasks = dict(tasks)
        self.task_runner = task_runner

    def task_for(self, fn: Callable) -> Task:
        if fn not in self.tasks:
            self.tasks[fn] = task(fn, name=fn.__name__.replace("_", "-"), cache_policy=NO_CACHE)
        return self.tasks[fn]

    def submit(self, fn: Callable, /, *args, **kwargs) -> StepFuture:
        step = self.task_for(fn)
        if self.task_runner is None:
            # The library hands steps values, never futures: quoted, Prefect passes them through as they
            # are instead of walking every cue of every track for futures (tenths of a second a step).
            # (A task runner given here, Dask's, takes the films of a batch: small, and it would not
            # unquote them on its workers.)
            return StepFuture(step.submit(*(quote(a) for a in args), **{k: quote(v) for k, v in kwargs.items()}))
        parameters = dict(inspect.signature(fn).bind(*args, **kwargs).arguments)
        return StepFuture(self.task_runner.submit(step, parameters=parameters))

    def as_completed(self, futures: Iterable[StepFuture]) -> Iterator[StepFuture]:
        by_future = {f.future: f for f in futures}
        for done in as_completed(list(by_future)):
            yield by_future[done]


def final_state(status: str, what: str, summary: dict, message: str) -> State:
    """Completed, or a FAILED-type state named "Partially failed" (something delivered) or "Failed",
    carrying the summary: the UI shows the name as the run's badge."""
    if status in STATE_NAMES:
        return Failed(name=STATE_NAMES[status], message=f"{what}: {message}", data=summary)
    return Completed(message=f"{what}: {message}", data=summary)

