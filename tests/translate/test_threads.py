"""CTranslate2's threads per model: what subpipe chooses reaches the translator, and the user's setting wins.

Speed is measured in bench/bench_translate.py ("CTranslate2's threads"); these tests check the choice and
where it goes, never a time.
"""

import json
import os

import ctranslate2
import pytest

from subpipe.errors import SubpipeError
from subpipe.translate.argos import ArgosEngine, _Hop, reference_translate
from subpipe.translate.threads import SMALL_MODEL_BYTES, choose_threads, usable_cores


@pytest.fixture()
def fresh_translators(demo_models, monkeypatch):
    """Every demo package's hop with its shared translator dropped (put back after the test), and the
    keyword arguments of each ``ctranslate2.Translator`` made meanwhile (the real one is made)."""
    made: list[dict] = []
    real = ctranslate2.Translator

    def spy(*args, **kwargs):
        made.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(ctranslate2, "Translator", spy)
    monkeypatch.delenv("ARGOS_INTRA_THREADS", raising=False)
    monkeypatch.delenv("SUBPIPE_MT_THREADS", raising=False)
    hops = {(p.from_code, p.to_code): _Hop(p) for p in demo_models}
    for hop in hops.values():
        monkeypatch.setattr(hop.translation, "translator", None)
    return hops, made


def test_the_demo_models_translate_on_one_thread(fresh_translators):
    hops, made = fresh_translators
    hop = hops[("en", "es")]
    assert hop.threads().origin == "small model"
    engine = ArgosEngine(use_cache=False)
    assert engine.translate_batch(["Where is the house?"], "en", "es") == ["¿Dónde está la casa?"]
    assert [m["intra_threads"] for m in made] == [1]
    assert hop.translation.translator is not None  # argos's own translate shares it


def test_argos_own_translate_runs_on_the_translator_subpipe_makes(fresh_translators):
    hops, made = fresh_translators
    assert reference_translate("Where is the house?", "en", "es") == "¿Dónde está la casa?"
    assert [m["intra_threads"] for m in made] == [1]
    reference_translate("¿Dónde está la casa?", "es", "fr")  # through English: two translators
    assert [m["intra_threads"] for m in made] == [1, 1, 1]


def test_subpipe_mt_threads_sets_every_model(fresh_translators, monkeypatch):
    hops, made = fresh_translators
    monkeypatch.setenv("SUBPIPE_MT_THREADS", "2")
    ArgosEngine(use_cache=False).translate_batch(["Where is the house?"], "en", "es")
    assert [m["intra_threads"] for m in made] == [2]
    assert hops[("en", "es")].threads().origin == "SUBPIPE_MT_THREADS"


def test_the_users_argos_intra_threads_wins(fresh_translators, monkeypatch):
    hops, made = fresh_translators
    monkeypatch.setenv("SUBPIPE_MT_THREADS", "2")
    monkeypatch.setenv("ARGOS_INTRA_THREADS", "0")  # argos's own meaning: CTranslate2's default
    ArgosEngine(use_cache=False).translate_batch(["Where is the house?"], "en", "es")
    assert [m["intra_threads"] for m in made] == [0]
    assert hops[("en", "es")].threads().origin == "ARGOS_INTRA_THREADS"


def test_argos_settings_file_counts_as_the_users_setting(fresh_translators, monkeypatch, tmp_path):
    import argostranslate.settings

    hops, made = fresh_translators
    settings = tmp_path / "settings.json"
    settings.write_text(json.dumps({"ARGOS_INTRA_THREADS": "3"}), encoding="utf-8")
    monkeypatch.setattr(argostranslate.settings, "settings_file", settings)
    hops[("en", "es")].translator()
    assert [m["intra_threads"] for m in made] == [3]


def test_a_real_sized_model_gets_the_usable_cores(demo_models, tmp_path):
    demo = next(p for p in demo_models if (p.from_code, p.to_code) == ("en", "es")).path / "model"
    assert choose_threads(demo, environ={}).intra_threads == 1
    big = tmp_path / "model"
    big.mkdir()
    with open(big / "model.bin", "wb") as f:  # sparse: only the size is read
        f.truncate(3 * SMALL_MODEL_BYTES)
    choice = choose_threads(big, environ={})
    assert choice.origin == "usable cores"
    assert choice.intra_threads == min(len(os.sched_getaffinity(0)), 4) == min(usable_cores(), 4)
    assert choose_threads(big, environ={"SUBPIPE_MT_THREADS": "0"}) == choice  # 0: let subpipe choose


@pytest.mark.parametrize("raw", ["two", "-1", "1.5"])
def test_a_bad_thread_setting_is_an_error_naming_the_variable(raw):
    with pytest.raises(SubpipeError, match="SUBPIPE_MT_THREADS") as err:
        choose_threads(None, environ={"SUBPIPE_MT_THREADS": raw})
    assert err.value.code == "settings"


OPENMP_PROBE = """
import sys
from subpipe.translate.argos import _argos
_argos()
assert "ctranslate2" in sys.modules
"""


def _openmp_spin_counts(code: str, env: dict) -> list[str]:
    """GOMP_SPINCOUNT as each OpenMP runtime loaded by `code` read it at its start (libgomp prints its
    settings when OMP_DISPLAY_ENV=VERBOSE; ctranslate2 bundles its own libgomp, read when it is imported)."""
    import re
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    return re.findall(r"GOMP_SPINCOUNT = '(\w+)'", out.stderr)


def test_openmp_waits_passively_once_subpipe_imports_ctranslate2(demo_models):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OMP_", "GOMP_"))}
    env["OMP_DISPLAY_ENV"] = "VERBOSE"
    # Without subpipe's setting the runtime spins 300,000 times before it sleeps ...
    assert _openmp_spin_counts("import ctranslate2", env) == ["300000"]
    # ... through subpipe every OpenMP runtime (CTranslate2's, and torch's that spaCy imports) sleeps at once.
    counts = _openmp_spin_counts(OPENMP_PROBE, env)
    assert counts and set(counts) == {"0"}
    # A wait policy the user set is kept.
    assert set(_openmp_spin_counts(OPENMP_PROBE, {**env, "OMP_WAIT_POLICY": "ACTIVE"})) != {"0"}
