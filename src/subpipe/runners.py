"""How the pipeline runs its independent steps: in turn by default, or by any runner given to it.

The library owns every step sequence (`subpipe.localize.localize_film`, `subpipe.batch.run_batch`) and
hands each step to a `Runner`: ``runner.submit(step_function, *args, **kwargs)`` returns a future whose
``result()`` gives the step's value or raises its error. `InTurn` runs the step at once in the caller's
thread; the Prefect flows pass a runner that submits each step as a task (retries, caching, concurrency),
so a plain Python call and a flow run take exactly the same steps.

    >>> InTurn().submit(sum, [1, 2, 3]).result()
    6
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from subpipe.errors import SubpipeError


@runtime_checkable
class Future(Protocol):
    def result(self) -> Any:
        """The step's value, or its error raised."""
        ...


@runtime_checkable
class Runner(Protocol):
    def submit(self, fn: Callable, /, *args, **kwargs) -> Future:
        """Start `fn(*args, **kwargs)` (now or later, here or elsewhere)."""
        ...


class Done:
    """A step already run: its value or its error."""

    def __init__(self, value: Any = None, error: BaseException | None = None) -> None:
        self._value, self._error = value, error

    def result(self) -> Any:
        if self._error is not None:
            raise self._error
        return self._value


class InTurn:
    """Run each step at once, one after another, in the caller's thread (the CLI's runner)."""

    def submit(self, fn: Callable, /, *args, **kwargs) -> Done:
        try:
            return Done(fn(*args, **kwargs))
        except Exception as exc:  # kept for result(): the pipeline decides what an error means
            return Done(error=exc)


def as_completed(runner: Runner, futures: Iterable[Future]) -> Iterator[Future]:
    """`futures` as they finish when the runner can tell (``runner.as_completed``), else in order."""
    finish_order = getattr(runner, "as_completed", None)
    return iter(finish_order(list(futures))) if finish_order else iter(list(futures))


@dataclass(frozen=True)
class StepError:
    """One step's failure, as every summary records it: which step, on which file, what and why."""

    step: str
    path: str | None
    code: str
    message: str
    line: int | None = None

    @classmethod
    def of(cls, step: str, path, exc: BaseException) -> "StepError":
        """A step's exception as a record; anything not a SubpipeError keeps its type as the code."""
        if isinstance(exc, SubpipeError):
            return cls(step, exc.path or (str(path) if path is not None else None), exc.code, exc.message,
                       exc.line)
        return cls(step, str(path) if path is not None else None, type(exc).__name__, str(exc) or repr(exc))

    def to_dict(self) -> dict:
        return {"step": self.step, "path": self.path, "code": self.code, "message": self.message,
                "line": self.line}

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.path and self.line else self.path or self.step
        return f"{where}: {self.message}"
