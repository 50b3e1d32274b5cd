"""bytes -> text: BOMs, detection with language hints, mojibake repair, line ends, each reported.

Real files come from ../shared/corpus; legacy-encoded bytes are made here from real sentences with
``str.encode``, so each test knows the exact text it must get back.
"""

import codecs
import doctest

import pytest
from conftest import CORNER, SINTEL

from subpipe import encoding
from subpipe.encoding import decode, detect_encoding, normalize_line_ends, repair_mojibake
from subpipe.errors import SubpipeError

PYSRT = CORNER / "pysrt"
MEDIA3 = CORNER / "media3" / "subrip"


def kinds(decoded) -> list[str]:
    return [f.kind for f in decoded.findings]


def finding(decoded, kind: str):
    matches = [f for f in decoded.findings if f.kind == kind]
    assert matches, f"no {kind!r} finding in {kinds(decoded)}"
    return matches[0]


def as_srt(sentence: str) -> str:
    return f"1\n00:00:01,000 --> 00:00:04,000\n{sentence}\n"


# --- byte-order marks -----------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "encoding"), [
    ("bom-utf-8.srt", "utf-8"), ("bom-utf-16-le.srt", "utf-16-le"), ("bom-utf-16-be.srt", "utf-16-be"),
    ("bom-utf-32-le.srt", "utf-32-le"), ("bom-utf-32-be.srt", "utf-32-be"),
])
def test_every_bom_variant_decodes_to_the_same_text(name, encoding):
    decoded = decode((PYSRT / name).read_bytes(), path=name)
    assert decoded.encoding == encoding
    assert decoded.text.startswith("1\n00:00:06,500 --> 00:00:09,000\nAbout 2 months ago")
    assert decoded.text == decode((PYSRT / "bom-utf-8.srt").read_bytes()).text
    bom = finding(decoded, "bom")
    assert (bom.severity, bom.line, bom.path) == ("info", 1, name)
    assert kinds(decoded) == ["bom"]


@pytest.mark.parametrize(("name", "encoding"), [("typical_utf16le", "utf-16-le"),
                                                ("typical_utf16be", "utf-16-be")])
def test_media3_utf16_files_without_extension(name, encoding):
    decoded = decode((MEDIA3 / name).read_bytes())
    assert decoded.encoding == encoding
    # the same cues as the ASCII original, which alone ends with a newline
    assert decoded.text == (MEDIA3 / "typical").read_text(encoding="ascii").rstrip("\n")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_bomless_utf16_and_utf32_are_told_by_their_nul_bytes(encoding):
    text = (MEDIA3 / "typical").read_text(encoding="ascii")
    decoded = decode(text.encode(encoding))
    assert decoded.encoding == encoding
    assert decoded.text == text
    assert "without byte-order mark" in finding(decoded, "encoding-detected").message


def test_a_few_nul_bytes_in_utf8_are_removed_not_taken_for_utf16():
    decoded = decode(b"1\n00:00:01,000 --> 00:00:02,000\nHel\x00lo\n")
    assert decoded.encoding == "utf-8"
    assert decoded.text.endswith("Hello\n")
    nul = finding(decoded, "nul-bytes")
    assert (nul.line, nul.fixed) == (3, True)


def test_plain_ascii_and_utf8_need_no_findings():
    decoded = decode((CORNER / "cdown-srt" / "ascii.srt").read_bytes())
    assert (decoded.encoding, decoded.findings) == ("utf-8", [])
    assert decode(b"").text == ""


# --- legacy code pages ------------------------------------------------------------------------------

LEGACY = [
    ("cp1252", "fr", "cp1252", "Ça, là, où allons-nous ? Le garçon était très fâché.\nIl a mangé."),
    ("cp1252", "de", "cp1252", "Es ist töricht, so ganz allein und unvorbereitet zu reisen!"),
    ("cp1251", "ru", "cp1251", "Это копьё с тёмным прошлым.\nЕго лезвие выпило немало невинной крови."),
    ("cp1250", "pl", "cp1250", "To ostrze ma mroczną przeszłość.\nWytoczyło wiele niewinnej krwi."),
    ("gb2312", "zh", "gb18030", "这把剑有着黑暗的过去。\n它沾满了无辜者的鲜血。"),
    ("gb18030", "zh", "gb18030", "这把剑有着黑暗的过去。\n它沾满了无辜者的鲜血。"),
    ("big5", "zh", "big5", "這把劍有著黑暗的過去。\n它沾滿了無辜者的鮮血。"),
    ("shift_jis", "ja", "cp932", "この剣には暗い過去がある。\n多くの罪なき血を流してきた。"),
    ("euc-kr", "ko", "cp949", "이 칼에는 어두운 과거가 있다.\n많은 무고한 피를 흘렸다."),
]


@pytest.mark.parametrize(("codec", "lang", "expected", "sentence"), LEGACY)
def test_legacy_code_pages_with_a_language_hint(codec, lang, expected, sentence):
    text = as_srt(sentence)
    decoded = decode(text.encode(codec), path="film.srt", lang=lang)
    assert decoded.text == text
    assert decoded.encoding == expected
    detected = finding(decoded, "encoding-detected")
    assert detected.severity == "info"
    assert f"decoded as {expected}, confidence" in detected.message
    assert f"language hint {lang!r}" in detected.message
    assert "first bad byte on line 3" in detected.message


@pytest.mark.parametrize(("codec", "expected", "sentence"), [
    ("cp1252", "cp1252", LEGACY[0][3]), ("cp1251", "cp1251", LEGACY[2][3]),
    ("gb18030", "gb18030", LEGACY[5][3]),
])
def test_common_code_pages_are_found_without_a_hint(codec, expected, sentence):
    decoded = decode(as_srt(sentence).encode(codec))
    assert (decoded.encoding, decoded.text) == (expected, as_srt(sentence))


def test_code_pages_that_decode_identically_do_not_hide_the_common_one():
    # charset-normalizer reports cp1250 for these bytes, with cp1252 only among its equivalents;
    # cp1251 scores nearly as clean and must not win on popularity.
    lines = [f"{n}\n00:00:{n:02d},000 --> 00:00:{n:02d},500\n<i>Zeile {n}</i> ist töricht\n"
             for n in range(60)]
    data = "\n".join(lines).encode("cp1252")
    assert detect_encoding(data) == ("cp1252", 1.0, [])
    assert decode(data).text == "\n".join(lines)


def test_the_hint_decides_between_equally_clean_code_pages():
    data = as_srt("Это копьё с тёмным прошлым.").encode("cp1251")
    assert detect_encoding(data, "ru")[0] == "cp1251"
    assert detect_encoding(data, "uk-UA")[0] == "cp1251"
    assert detect_encoding(as_srt(LEGACY[6][3]).encode("big5"), "zh-Hant")[0] == "big5"


def test_real_gb2312_file_decodes_as_gb18030():
    decoded = decode((CORNER / "cdown-srt" / "gb2312.srt").read_bytes(), lang="zh")
    assert decoded.encoding == "gb18030"
    assert "宇宙守护神  保护我们远离邪恶" in decoded.text
    assert "轻轻一跳就能飞跃高楼" in decoded.text


def test_real_latin1_file_from_gpac():
    decoded = decode((CORNER / "gpac-misc" / "subtitle_fr.srt").read_bytes())
    assert decoded.encoding == "cp1252"
    assert "et même du gras" in decoded.text
    assert "et de l'unicode: é ï ö Ä" in decoded.text


def test_a_utf8_file_with_a_pasted_legacy_line_is_decoded_line_by_line():
    data = "Größe überall\nnoch ein Satz mit ä\n".encode() + "café crème\n".encode("cp1252") + \
        "weiter äöü\n".encode()
    decoded = decode(data, lang="fr")
    assert decoded.text == "Größe überall\nnoch ein Satz mit ä\ncafé crème\nweiter äöü\n"
    mixed = finding(decoded, "mixed-encoding")
    assert (mixed.line, mixed.fixed) == (3, True)
    assert "decoded those as cp1252" in mixed.message


# --- a named encoding -------------------------------------------------------------------------------

def test_a_named_encoding_is_used_as_told():
    data = as_srt(LEGACY[4][3]).encode("gb2312")
    assert decode(data, encoding="gb2312").text == as_srt(LEGACY[4][3])
    # cp1252 decodes these bytes too, wrongly: the caller's word is final.
    assert decode(data, encoding="cp1252").encoding == "cp1252"


def test_bytes_the_named_encoding_cannot_decode_raise_with_file_and_line():
    data = (CORNER / "cdown-srt" / "gb2312.srt").read_bytes()
    with pytest.raises(SubpipeError) as err:
        decode(data, path="gb2312.srt", encoding="utf-8")
    assert (err.value.path, err.value.line) == ("gb2312.srt", 3)
    assert "not valid utf-8" in err.value.message
    crlf = b"1\r\n00:00:01,000 --> 00:00:02,000\r\nok\r\n\xff\r\n"
    with pytest.raises(SubpipeError) as err:
        decode(crlf, encoding="utf-8")
    assert err.value.line == 4


def test_an_unknown_encoding_name_is_a_subpipe_error():
    with pytest.raises(SubpipeError, match="unknown encoding 'klingon'"):
        decode(b"x", encoding="klingon")


def test_a_named_utf8_keeps_the_bom_out_of_the_text():
    decoded = decode(codecs.BOM_UTF8 + b"1\n", encoding="utf-8")
    assert decoded.text == "1\n"
    assert kinds(decoded) == ["bom"]


# --- double-encoded UTF-8 (the Sintel files) ------------------------------------------------------

@pytest.mark.parametrize(("lang", "chars", "lines", "first_line", "sample"), [
    ("de", 9, 8, 12, "Es ist töricht, so ganz allein und"),
    ("es", 10, 9, 11, "sin ninguna preparación."),
    ("fr", 13, 10, 4, "Cette lame a un sombre passé."),
    ("pl", 41, 18, 4, "To ostrze ma mroczną przeszłość."),
    ("ru", 500, 31, 4, "О! Это копьё с темным прошлым."),
])
def test_sintel_mojibake_is_repaired_completely(lang, chars, lines, first_line, sample):
    raw = (SINTEL / f"sintel-{lang}.vtt").read_bytes()
    decoded = decode(raw, path=f"sintel-{lang}.vtt")
    # These files repair as a whole, so the line-by-line repair must give the same text.
    whole = raw.decode("utf-8").replace("\r\n", "\n").encode("latin-1").decode("utf-8")
    assert decoded.text == whole
    assert sample in decoded.text.split("\n")
    repaired = finding(decoded, "mojibake-repaired")
    assert (repaired.severity, repaired.fixed, repaired.line) == ("warning", True, first_line)
    assert f"{chars} character(s) on {lines} line(s), first on line {first_line}" in repaired.message
    assert kinds(decoded) == ["crlf-line-ends", "mojibake-repaired"]


def test_sintel_german_toricht():
    decoded = decode((SINTEL / "sintel-de.vtt").read_bytes())
    assert "töricht" in decoded.text
    assert "Ã" not in decoded.text


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_sintel_ascii_files_are_left_alone(lang):
    raw = (SINTEL / f"sintel-{lang}.vtt").read_bytes()
    decoded = decode(raw)
    assert decoded.text == raw.decode("ascii").replace("\r\n", "\n")
    assert kinds(decoded) == ["crlf-line-ends"]


def test_sintel_portuguese_is_already_correct_and_stays_so():
    raw = (SINTEL / "sintel-pt.vtt").read_bytes()
    decoded = decode(raw)
    assert decoded.text == raw.decode("utf-8").replace("\r\n", "\n")
    assert "Esta lâmina tem um passado escuro." in decoded.text
    assert "dos guardiões do portal?" in decoded.text
    assert kinds(decoded) == ["crlf-line-ends"]


def test_sintel_italian_stray_control_character_is_reported_not_guessed():
    # "più" arrived as U+009D (Mac Roman 0x9D read as Latin-1): no UTF-8 repair exists for it.
    decoded = decode((SINTEL / "sintel-it.vtt").read_bytes())
    line = decoded.text.split("\n")[76]
    assert line == "Sei pi\x9d vicino di quanto immagini."
    control = finding(decoded, "control-chars")
    assert (control.line, control.fixed) == (77, False)
    assert "U+009D" in control.message
    assert "mojibake-repaired" not in kinds(decoded)


@pytest.mark.parametrize("text", [
    "Ça, là, où allons-nous ?",
    "Größe, Maß und Spaß“ – „Straße“",
    "CAFÉ… DÉJÀ VU ! NIÑO",
    "SÃO PAULO, AÇÃO, não, lâmina",
    "Zażółć gęślą jaźń",
    "naïve café, Æble, Øresund, Ålesund",
    "Это копьё с тёмным прошлым.",
    "这把剑有着黑暗的过去。",
    "5 × 3 ≈ 15 °C, ½ · ¼",
])
def test_legitimate_text_is_never_repaired(text):
    decoded = decode((text + "\n").encode("utf-8"))
    assert decoded.text == text + "\n"
    assert decoded.findings == []


def test_a_line_mixing_real_accents_with_mojibake_is_reported_not_changed():
    text, findings = repair_mojibake("Größe tÃ¶richt\nnur tÃ¶richt")
    assert text == "Größe tÃ¶richt\nnur töricht"
    assert [(f.kind, f.line) for f in findings] == [("mojibake-repaired", 2), ("mojibake-suspected", 1)]


def test_mixed_files_are_repaired_line_by_line():
    good = ["Es ist töricht,", "Vergangenheit.", "Größe"]
    lines = [good[0].encode().decode("latin-1"), good[1], good[2]]
    text, findings = repair_mojibake("\n".join(lines))
    assert text == "\n".join(good)
    assert [(f.kind, f.line, f.fixed) for f in findings] == [("mojibake-repaired", 1, True)]
    assert "1 character(s) on 1 line(s)" in findings[0].message


def test_cp1252_flavoured_and_triple_encoded_mojibake():
    german = "It’s – really… „fine“"
    assert german.encode().decode("cp1252") == "Itâ€™s â€“ reallyâ€¦ â€žfineâ€œ"
    assert repair_mojibake(german.encode().decode("cp1252"))[0] == german
    triple = "töricht".encode().decode("latin-1").encode().decode("latin-1")
    assert triple == "tÃ\x83Â¶richt"
    assert repair_mojibake(triple)[0] == "töricht"


# --- line ends, controls, replacement characters -----------------------------------------------------

def test_crlf_is_normalized_and_noted():
    decoded = decode((PYSRT / "capability_tester.srt").read_bytes())
    assert "\r" not in decoded.text
    crlf = finding(decoded, "crlf-line-ends")
    assert (crlf.severity, crlf.fixed) == ("info", False)


def test_cr_only_line_ends_are_fixed_with_a_warning():
    decoded = decode(b"1\r00:00:01,000 --> 00:00:02,000\rHi\r")
    assert decoded.text == "1\n00:00:01,000 --> 00:00:02,000\nHi\n"
    cr = finding(decoded, "cr-line-ends")
    assert (cr.severity, cr.fixed) == ("warning", True)


def test_mixed_line_ends_name_the_first_odd_line():
    text, findings = normalize_line_ends("a\r\nb\r\nc\nd\r\n")
    assert text == "a\nb\nc\nd\n"
    assert [(f.kind, f.line, f.fixed) for f in findings] == [("mixed-line-ends", 3, True)]
    assert "(3 CRLF, 0 CR, 1 LF)" in findings[0].message


def test_control_characters_and_stray_boms_are_reported_with_their_line():
    decoded = decode("1\nok\nbell\x07 here\nx\ufeffy\n".encode())
    assert decoded.text == "1\nok\nbell\x07 here\nxy\n"
    assert [(f.kind, f.line) for f in decoded.findings] == [("stray-bom", 4), ("control-chars", 3)]


def test_undecodable_bytes_never_crash_and_are_reported_by_line():
    decoded = decode(codecs.BOM_UTF8 + b"ok\nbad \xff byte\nfine\n")
    assert decoded.text == "ok\nbad \ufffd byte\nfine\n"
    bad = finding(decoded, "undecodable-bytes")
    assert (bad.line, bad.severity) == (2, "warning")


def test_binary_garbage_decodes_with_replacements_and_capped_findings():
    decoded = decode(bytes(range(256)) * 40)
    assert "\ufffd" in decoded.text
    assert finding(decoded, "encoding-detected").severity == "warning"
    undecodable = [f for f in decoded.findings if f.kind == "undecodable-bytes"]
    assert 1 <= len(undecodable) <= 11


def test_docstring_examples_run():
    assert doctest.testmod(encoding).failed == 0
