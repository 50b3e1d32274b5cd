"""Hostile glossaries (issue 9, cases 5 and 7): every one is a SubpipeError naming the file and line, never a
traceback, never memory spent on an endless file, never junk entries."""

import json

import pytest
from conftest import SAMPLES

from subpipe.errors import SubpipeError
from subpipe.terms import load_glossary, max_entries
from subpipe.terms.model import DEFAULT_MAX_ENTRIES, MAX_ENTRIES_ENV

TBX_HEAD = ('<?xml version="1.0"?>\n<martif type="TBX" xml:lang="en"><martifHeader><fileDesc><sourceDesc><p>x</p>'
            '</sourceDesc></fileDesc></martifHeader><text><body>\n')
TBX_TAIL = "</body></text></martif>\n"


def tbx_entry(term: str) -> str:
    return (f'<termEntry><langSet xml:lang="en"><tig><term>{term}</term></tig></langSet>'
            f'<langSet xml:lang="de"><tig><term>{term.upper()}</term></tig></langSet></termEntry>\n')


def refused(path, **kwargs) -> SubpipeError:
    with pytest.raises(SubpipeError) as info:
        load_glossary(path, **kwargs)
    assert info.value.path == str(path)
    return info.value


def test_json_nested_100000_deep_is_refused_with_the_line(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[\n" * 100_000 + "]" * 100_000, encoding="utf-8")
    error = refused(path, lang="en")
    assert "nested more than 32 levels" in error.message
    assert error.line == 33


def test_json_nested_deep_inside_the_entries_object_too(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text('{"language": "en", "entries": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    assert refused(path).line == 1


def test_json_translations_nested_in_lists_are_refused_not_turned_into_text(tmp_path):
    path = tmp_path / "junk.json"
    path.write_text(json.dumps({"language": "en", "entries": [
        {"term": "Sir", "translations": {"es": ["señor"]}},
        {"term": "Emo", "translations": {"es": [["Emo"]]}}]}, indent=1), encoding="utf-8")
    error = refused(path)
    assert "entry 2" in error.message and "must be text or a list of texts" in error.message
    assert error.line == 12  # where the second entry's object opens


def test_tbx_nested_100000_deep_is_refused_while_parsing(tmp_path):
    path = tmp_path / "deep.tbx"
    deep = "<hi>" * 100_000 + "x" + "</hi>" * 100_000
    path.write_text(TBX_HEAD + tbx_entry(deep) + TBX_TAIL, encoding="utf-8")
    error = refused(path)
    assert "nested more than 100 deep" in error.message and error.line == 3


@pytest.mark.parametrize("declaration", [
    '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>',
    '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
])
def test_tbx_entity_declarations_stay_refused(tmp_path, declaration):
    path = tmp_path / "evil.tbx"
    path.write_text('<?xml version="1.0"?>\n' + declaration + "\n" + TBX_HEAD.split("\n", 1)[1] + tbx_entry("&lol2;")
                    + TBX_TAIL, encoding="utf-8")
    assert refused(path).code == "xml-unsafe"


def test_the_entry_limit_is_a_setting_with_a_sane_default(monkeypatch):
    monkeypatch.delenv(MAX_ENTRIES_ENV, raising=False)
    assert max_entries() == DEFAULT_MAX_ENTRIES == 200_000
    monkeypatch.setenv(MAX_ENTRIES_ENV, "50_000")
    assert max_entries() == 50_000
    monkeypatch.setenv(MAX_ENTRIES_ENV, "0")
    assert max_entries() > 10**18  # 0 means no limit, as for subpipe's other limits
    monkeypatch.setenv(MAX_ENTRIES_ENV, "lots")
    with pytest.raises(SubpipeError, match="SUBPIPE_MAX_GLOSSARY_ENTRIES='lots' is not a whole number"):
        max_entries()
    monkeypatch.setenv(MAX_ENTRIES_ENV, "-5")
    with pytest.raises(SubpipeError, match="is negative"):
        max_entries()


def test_csv_beyond_the_limit_is_refused_at_the_first_row_too_many(tmp_path, monkeypatch):
    monkeypatch.setenv(MAX_ENTRIES_ENV, "10")
    path = tmp_path / "big.csv"
    path.write_text("term,de\n" + "".join(f"word{i},Wort{i}\n" for i in range(11)), encoding="utf-8")
    error = refused(path, lang="en")
    assert error.code == "limit" and error.line == 12 and "more than 10 entries" in error.message
    path.write_text("term,de\n" + "".join(f"word{i},Wort{i}\n" for i in range(10)), encoding="utf-8")
    assert len(load_glossary(path, lang="en")) == 10


def test_json_and_tbx_beyond_the_limit_are_refused_naming_the_entry_line(tmp_path):
    path = tmp_path / "big.json"
    path.write_text(json.dumps([{"term": f"w{i}", "language": "en"} for i in range(4)], indent=0), encoding="utf-8")
    error = refused(path, limit=3)
    assert error.code == "limit" and error.line == 14
    tbx = tmp_path / "big.tbx"
    tbx.write_text(TBX_HEAD + "".join(tbx_entry(f"w{i}") for i in range(4)) + TBX_TAIL, encoding="utf-8")
    error = refused(tbx, limit=3)
    assert error.code == "limit" and error.line == 6


def test_a_csv_field_beyond_the_csv_modules_limit_names_its_line(tmp_path):
    path = tmp_path / "huge.csv"
    path.write_text('term,de,note\nSir,Herr,\nEmo,Emo,"' + "x" * 200_000 + '"\n', encoding="utf-8")
    error = refused(path, lang="en")
    assert "field larger than field limit" in error.message and error.line == 3


def test_a_csv_header_field_beyond_the_limit_is_line_1(tmp_path):
    path = tmp_path / "huge.csv"
    path.write_text('term,"' + "x" * 200_000 + '"\n', encoding="utf-8")
    assert refused(path, lang="en").line == 1


@pytest.mark.parametrize("text, line, message", [
    ("Emo,Emo\nProog,Proog\n", 1, "header has no 'term' column"),
    ("source,target\nEmo,Emo\n", 1, "unknown glossary column 'target'"),
    ("term,de\nSir,Herr\n\xff\n", 3, "not UTF-8"),
])
def test_unreadable_csv_is_an_error_with_the_line_never_junk(tmp_path, text, line, message):
    path = tmp_path / "g.csv"
    path.write_bytes(text.encode("utf-8").replace(b"\xc3\xbf", b"\xff"))
    error = refused(path, lang="en")
    assert message in error.message and error.line == line


def test_unknown_extension_names_every_registered_type(tmp_path):
    path = tmp_path / "g.xlsx"
    path.write_bytes(b"PK")
    error = refused(path)
    assert ".csv" in error.message and ".tbx" in error.message and ".json" in error.message


def test_the_sample_glossaries_load_within_the_limit():
    assert len(load_glossary(SAMPLES / "glossary" / "films.csv")) == len(load_glossary(SAMPLES / "glossary" /
                                                                                          "films.tbx"))
