"""Staff review of culture-specific terms in the Prefect UI: the run pauses with a typed form.

`review_in_ui` is the review hook of the `localize-film` flow (``review_terms``): after flagging, the
terms nobody has decided yet (`subpipe.terms.review.review_items`, minus the film's stored decisions)
become a `RunInput` form, one group per term with an *action* drop-down (keep, translate, adapt,
ignore), a *rendering* per target language and a *note*, its cues and timecodes in the group's
description; the defaults are the glossary's (what happens if nobody decides). The run pauses
(`prefect.flow_runs.pause_flow_run(wait_for_input=...)`); the UI draws the form behind the run's
**Resume** button; the table of terms with every timecode is the run's ``review-terms`` artifact (the
form's intro text is saved too, but Prefect 3.9's UI draws it under the fields, so nothing relies on
it). Submitting posts the answers to ``POST /api/flow_runs/{id}/resume`` with ``run_input``; the flow
stores them (``<out>/<Title>/review/decisions.json``) and translates with them.

A run nobody resumes waits ``SUBPIPE_REVIEW_TIMEOUT`` seconds (default 3600; plus at most one poll, 5 s),
then goes on with the glossary's defaults and says so (``status: timed-out``); see `ReviewDeadline` for
why that is not Prefect's own pause timeout. Prefect's UI does not tell a flow who resumed it: the form
has a *reviewer* field (default "Prefect UI"), recorded as each decision's `who`; `when` is the UTC time
the flow read the answers. (No postponed-annotations import here: the form is built from real
annotations.)
"""

import os
import threading
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path

import pydantic
from prefect import get_run_logger
from prefect.client.orchestration import get_client
from prefect.client.schemas.responses import SetStateStatus
from prefect.context import FlowRunContext
from prefect.flow_runs import pause_flow_run
from prefect.input import RunInput

from flows import artifacts
from subpipe.reports import markdown_table
from subpipe.terms.glossary import Glossary
from subpipe.terms.review import (
    Decision,
    ReviewItem,
    ReviewOutcome,
    decisions_path,
    run_review,
    utc_now,
)

TIMEOUT_SETTING = "SUBPIPE_REVIEW_TIMEOUT"
DEFAULT_TIMEOUT = 3600
POLL_SECONDS = 5  # how soon a resumed run notices; one API read per poll
GRACE_SECONDS = 120  # Prefect's own pause outlasts the review deadline by this much (see ReviewDeadline)
REVIEWER = "Prefect UI"
PAUSE_KEY = "review-terms"
FORM_ROWS = 40  # terms listed above the form in the Resume dialog (all are in the artifact and the form)


class ReviewAction(StrEnum):
    """What to do with the term: keep it as is, translate it as given, adapt it (a cultural substitute
    given as the rendering), or ignore it (machine translation as usual)."""

    KEEP = "keep"
    TRANSLATE = "translate"
    ADAPT = "adapt"
    IGNORE = "ignore"


def review_timeout() -> int:
    """Seconds a paused review waits: ``SUBPIPE_REVIEW_TIMEOUT``, default an hour."""
    raw = os.environ.get(TIMEOUT_SETTING, "").strip()
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        seconds = int(raw)
    except ValueError:
        raise ValueError(f"{TIMEOUT_SETTING}={raw!r} is not a number of seconds") from None
    if seconds < 1:
        raise ValueError(f"{TIMEOUT_SETTING}={raw!r}: the review must wait at least a second")
    return seconds


def field_name(n: int) -> str:
    return f"term_{n:02d}"


def rendering_field(lang: str) -> str:
    """``pt-BR`` -> ``rendering_pt_br``: a form field per target language."""
    return "rendering_" + lang.lower().replace("-", "_")


def _term_title(n: int, item: ReviewItem) -> str:
    return f"{n}. {item.term} ({item.category}, {item.kind})"


def term_model(n: int, item: ReviewItem, target_langs: Sequence[str]) -> type[pydantic.BaseModel]:
    """One term's group of fields, its defaults the glossary's (what happens if nobody decides)."""
    fields = {"action": (ReviewAction, pydantic.Field(ReviewAction(item.default_action(target_langs)),
                                                      description="keep / translate / adapt / ignore"))}
    for lang in target_langs:
        fields[rendering_field(lang)] = (str, pydantic.Field(
            item.default_rendering(lang), title=f"Rendering ({lang})",
            description=f"For translate: the {lang} translation; for adapt: the {lang} cultural substitute. "
                        "Left empty for keep and ignore."))
    fields["note"] = (str, pydantic.Field("", description="Why (kept with the decision)."))
    model = pydantic.create_model(f"Term{n:02d}", __config__=pydantic.ConfigDict(extra="forbid"), **fields)
    model.__doc__ = f"{item.term}: {item.describe()}. {item.reason}"
    return model


def _duration(seconds: int) -> str:
    """``3600`` -> ``60 min``, ``90`` -> ``1 min 30 s``, ``45`` -> ``45 s``."""
    minutes, rest = divmod(seconds, 60)
    return " ".join(part for part in (f"{minutes} min" if minutes else "", f"{rest} s" if rest else "") if part)


def review_markdown(title: str, items: Sequence[ReviewItem], target_langs: Sequence[str], *,
                    timeout: int | None = None) -> str:
    """The table of terms to decide: where each is said, why it is asked, what the glossary would do."""
    rows = [{"#": n, "term": item.term, "kind": item.kind, "category": item.category,
             "cues": " ".join(map(str, item.cues())),
             "timecodes": "; ".join(o.timecode() for o in item.occurrences[:3]) +
                          (f" (+{len(item.occurrences) - 3})" if len(item.occurrences) > 3 else ""),
             "why": item.reason,
             "glossary default": item.default_action(target_langs) + "".join(
                 f" {lang}: {item.default_rendering(lang)}" for lang in target_langs
                 if item.default_rendering(lang))}
            for n, item in enumerate(items, 1)]
    wait = f" The run waits {_duration(timeout)}, then goes on with the glossary's defaults." if timeout else ""
    return "\n".join([
        f"## Review culture-specific terms: {title} -> {', '.join(target_langs)}", "",
        f"{len(items)} terms to decide. Per term choose **keep** (do not translate), **translate** (as the "
        "rendering), **adapt** (a cultural substitute, as the rendering) or **ignore**; add a note if useful, "
        f"and your name as reviewer.{wait}", "",
        markdown_table(rows)])


def review_form(title: str, items: Sequence[ReviewItem], target_langs: Sequence[str], *,
                timeout: int | None = None) -> type[RunInput]:
    """The typed form the UI draws when the run pauses: a reviewer, then one group per term."""
    fields: dict = {"reviewer": (str, pydantic.Field(
        REVIEWER, min_length=1, max_length=200,
        description="Who decides (Prefect's UI does not tell the flow who is logged in)."))}
    for n, item in enumerate(items, 1):
        model = term_model(n, item, target_langs)
        fields[field_name(n)] = (model, pydantic.Field(model(), title=_term_title(n, item),
                                                       description=f"{item.describe()}. {item.reason}"))
    form = pydantic.create_model("TermReview", __base__=RunInput, **fields)
    form._description = form_intro(title, items, target_langs, timeout=timeout)
    return form


def form_intro(title: str, items: Sequence[ReviewItem], target_langs: Sequence[str], *,
               timeout: int | None = None) -> str:
    """The text above the form in the Resume dialog: short, since a wide table there is drawn under the
    form's fields; the full table is the ``review-terms`` artifact."""
    wait = f" The run waits {_duration(timeout)}, then goes on with the glossary's defaults." if timeout else ""
    listed = [f"{n}. **{item.term}** ({item.kind}): cues {', '.join(map(str, item.cues()[:8]))}"
              f"{' ...' if len(item.cues()) > 8 else ''}, from {item.occurrences[0].timecode().split(' ')[0]}"
              for n, item in enumerate(items[:FORM_ROWS], 1)]
    if len(items) > FORM_ROWS:
        listed.append(f"... and {len(items) - FORM_ROWS} more")
    return "\n".join([
        f"**{title}** ({', '.join(target_langs)}): {len(items)} terms to decide. Per term choose *keep* (do not "
        "translate), *translate* or *adapt* (a cultural substitute) with the rendering, or *ignore*; put your "
        f"name as reviewer.{wait} Table with every timecode: artifact `{PAUSE_KEY}`.", "", *listed])


def decisions_from_answer(answer: pydantic.BaseModel, items: Sequence[ReviewItem], target_langs: Sequence[str],
                          *, when: str | None = None) -> tuple[list[Decision], list[str]]:
    """The decisions in a submitted form, and what could not be taken (a translation without rendering)."""
    when = when or utc_now()
    who = answer.reviewer.strip() or REVIEWER
    decisions, problems = [], []
    for n, item in enumerate(items, 1):
        choice = getattr(answer, field_name(n))
        action = ReviewAction(choice.action).value
        common = {"term": item.term, "action": action, "note": choice.note, "who": who, "when": when,
                  "category": item.category}
        if action not in ("translate", "adapt"):
            decisions.append(Decision(**common))
            continue
        given = {lang: getattr(choice, rendering_field(lang)).strip() for lang in target_langs}
        missing = [lang for lang, text in given.items() if not text]
        if missing:
            problems.append(f"{item.term}: {action} without a rendering for {', '.join(missing)}")
        decisions.extend(Decision(**common, rendering=text, lang=lang) for lang, text in given.items() if text)
    return decisions, problems


class ReviewDeadline:
    """Resume the paused run with the form's defaults when nobody has by `seconds`.

    Prefect's own pause timeout cannot be the deadline: its server fails a run whose pause expires.
    So the run pauses for longer (`pause_seconds`) and this timer resumes it at the deadline; a person
    who resumed first wins (the timer's resume is then refused: the run is no longer paused).
    """

    def __init__(self, seconds: int) -> None:
        self.seconds = seconds
        self.pause_seconds = seconds + GRACE_SECONDS
        self.run_id = FlowRunContext.get().flow_run.id
        self.reached = False
        self._timer = threading.Timer(seconds, self._resume_with_defaults)
        self._timer.daemon = True

    def _resume_with_defaults(self) -> None:
        with get_client(sync_client=True) as client:
            result = client.resume_flow_run(self.run_id, run_input={})
        self.reached = result.status == SetStateStatus.ACCEPT

    def __enter__(self) -> "ReviewDeadline":
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._timer.cancel()
        self._timer.join()


def review_in_ui(title: str, terms_report, glossary: Glossary | None, *, output_dir: str | Path,
                 target_langs: Sequence[str], timeout_seconds: int | None = None) -> ReviewOutcome:
    """The review hook of UI runs: stored decisions applied, the rest asked in the paused run's form."""
    logger = get_run_logger()
    timeout = timeout_seconds or review_timeout()

    def ask(pending: list[ReviewItem]) -> list[Decision] | None:
        form = review_form(title, pending, target_langs, timeout=timeout)
        artifacts.markdown(review_markdown(title, pending, target_langs, timeout=timeout), key=PAUSE_KEY,
                           description=f"{title}: {len(pending)} terms to review (Resume opens the form)")
        logger.info("%s: %d terms to review; open the run and press Resume (waiting at most %d s)", title,
                    len(pending), timeout)
        with ReviewDeadline(timeout) as deadline:
            answer = pause_flow_run(wait_for_input=form, timeout=deadline.pause_seconds,
                                    poll_interval=min(POLL_SECONDS, timeout), key=PAUSE_KEY)
        if deadline.reached:
            logger.warning("%s: nobody reviewed the terms within %d s; going on with the glossary's defaults",
                           title, timeout)
            return None
        decisions, problems = decisions_from_answer(answer, pending, target_langs)
        for problem in problems:
            logger.warning("review: %s (left to the glossary's default)", problem)
        return decisions

    outcome = run_review(title, terms_report, glossary, store=decisions_path(output_dir, title),
                         target_langs=target_langs, ask=ask)
    logger.info("term review: %s (%s)", outcome.status, outcome.note)
    return outcome
