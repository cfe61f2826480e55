"""Every retourcode is explained, with substance, in our own words, consistent with the rest.

Runs against whatever rules the rule catalogue holds at test time, so a rule added later
is covered the day it arrives.
"""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path

import pytest

from ijw_gateway.catalogue import codelists
from ijw_gateway.catalogue.retourcodes import LANGUAGES, retourcodes
from ijw_gateway.catalogue.rulecat import rules
from ijw_gateway.catalogue.structure import MESSAGES
from ijw_gateway.cli import main
from ijw_gateway.cli.explain import explain_text, normalise
from ijw_gateway.retour.placing import has_retourcodes, is_answer

CODES = codelists.codes("WJ001")
PLACEHOLDERS = re.compile(r"\b(todo|tbd|fixme|xxx|lorem)\b|\.\.\.|…", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")


def _sentences(text: str) -> int:
    return len(_SENTENCE_END.findall(text.strip()))


def test_every_wj001_code_is_explained_and_nothing_else() -> None:
    assert len(CODES) == 59
    assert list(retourcodes()) == CODES


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_explanation_has_substance(code: str, lang: str) -> None:
    spec = retourcodes()[code]
    title, text = spec.heading(lang), spec.text(lang)
    assert 5 <= len(title) <= 90 and "\n" not in title
    assert _sentences(text) >= 4 and len(text) >= 350, (code, lang)
    assert len(spec.paragraphs(lang)) >= 2  # what and where, then what to do
    assert not PLACEHOLDERS.search(text + title), (code, lang)


@pytest.mark.parametrize("code", CODES)
def test_the_two_languages_say_the_same_amount(code: str) -> None:
    spec = retourcodes()[code]
    nl, en = len(spec.text("nl")), len(spec.text("en"))
    assert 0.7 <= nl / en <= 1.45, (code, nl, en)
    assert len(spec.paragraphs("nl")) == len(spec.paragraphs("en"))


@pytest.mark.parametrize("code", CODES)
def test_an_explanation_names_the_rules_it_attributes_the_code_to(code: str) -> None:
    spec = retourcodes()[code]
    for rule in spec.rules:
        for lang in LANGUAGES:
            assert rule in spec.text(lang), (code, rule, lang)


def test_the_places_named_exist_in_the_answers_named() -> None:
    for code, spec in retourcodes().items():
        assert all(is_answer(a) for a in spec.answers), code
        for name in spec.classes:
            carriers = [a for a in spec.answers if has_retourcodes(MESSAGES[a], name)]
            assert carriers or not spec.answers, (code, name)
            if not spec.answers:  # the JW325 checks: placed in the JW325 itself
                assert has_retourcodes(MESSAGES["JW325"], name), (code, name)


def test_the_quirks_of_the_standard_are_told() -> None:
    texts = {c: s.text("en") + s.text("nl") for c, s in retourcodes().items()}
    assert "TR069" in texts["9069"] and "TR382" in texts["9069"]
    assert "WJ001" in texts["9355"]
    assert all(r in texts["9366"] for r in ("TR337", "TR371", "TR376"))


# --- against the official code list (read in place, never copied) ------------------------


@pytest.fixture(scope="module")
def wj001(shared_samples_dir: Path) -> dict[str, object]:
    data = json.loads((shared_samples_dir.parent / "codelists.json").read_text("utf-8"))
    found = data["WJ001"]
    assert isinstance(found, dict)
    return found


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def test_no_official_label_is_copied(wj001: dict[str, object]) -> None:
    labels = dict(wj001["codes"])  # type: ignore[call-overload]
    labels.update(wj001.get("xsd_labels", {}))
    labels.update(wj001.get("xsd_only", {}))
    for code, label in labels.items():
        spec = retourcodes()[code]
        official = _plain(str(label))
        for lang in LANGUAGES:
            for ours in (spec.heading(lang), *spec.paragraphs(lang)):
                assert official not in _plain(ours), (code, lang)
            ratio = difflib.SequenceMatcher(None, official, _plain(spec.heading(lang))).ratio()
            assert ratio < 0.7, (code, lang, ratio)


def test_the_rules_we_name_are_the_rules_the_standard_names(wj001: dict[str, object]) -> None:
    per_code = wj001["rule_per_code"]
    assert isinstance(per_code, dict)
    for code, spec in retourcodes().items():
        if code == "0001":
            continue  # every level-2 rule; the rule catalogue lists them
        assert list(spec.rules) == list(per_code.get(code, [])), code


# --- against the rule catalogue, whatever it holds today ---------------------------------


def test_every_rules_retourcode_exists_and_is_explained() -> None:
    for code, rule in rules().items():
        if rule.retourcode is not None:
            assert rule.retourcode in CODES, (code, rule.retourcode)
            assert rule.retourcode in retourcodes(), (code, rule.retourcode)


def test_rules_with_their_own_code_are_the_ones_the_standard_names() -> None:
    for code, rule in rules().items():
        if rule.retourcode not in (None, "0001"):
            assert rule.retourcode is not None
            assert code in retourcodes()[rule.retourcode].rules, (code, rule.retourcode)


def test_level_two_rules_answer_with_0001() -> None:
    for code, rule in rules().items():
        if rule.level == "message":
            assert rule.retourcode == "0001", code


def test_every_rule_in_the_catalogue_can_be_explained() -> None:
    for code, rule in rules().items():
        text = explain_text(code, "both")
        assert text.startswith(code) and rule.title["en"] in text, code
        if rule.retourcode:
            assert f"explain {rule.retourcode}" in text
        else:
            assert "No retourcode" in text


@pytest.mark.parametrize("code", ["TR056", "CS002", "9069", "S300", "0001"])
def test_explain_on_the_command_line(code: str, capsys: pytest.CaptureFixture[str]) -> None:
    if code not in rules() and code not in retourcodes():
        pytest.skip(f"{code} not in the catalogue yet")
    assert main(["explain", code, "--lang", "nl"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(code + " — ")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("tr56", "TR056"), ("1", "0001"), (" 200 ", "0200"), ("s300", "S300"), ("cs2", "CS002")],
)
def test_codes_are_read_forgivingly(typed: str, expected: str) -> None:
    assert normalise(typed) == expected


def test_an_unknown_code_exits_2_with_suggestions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "9070"]) == 2
    err = capsys.readouterr().err
    assert "unknown code '9070'" in err and "9071" in err and "Did you mean" in err


def test_explain_without_a_code_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain"]) == 2
    assert "--list" in capsys.readouterr().err


def test_explain_list_names_every_code_and_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "--list", "--lang", "both"]) == 0
    out = capsys.readouterr().out
    listed = {line.split()[0] for line in out.splitlines() if line.startswith("  ")}
    assert set(CODES) | set(rules()) <= listed
    assert " | " in out


def test_both_languages_on_request(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "9333", "--lang", "both"]) == 0
    out = capsys.readouterr().out
    assert "[nl] " in out and "[en] " in out and "Produced by: TR333" in out
    assert "In: JW325 · on: DeclaratieAntwoord" in out


@pytest.mark.parametrize(
    ("lang", "says"),
    [
        ("en", ["Task-based care falls outside art. 6c.1", "detail check (Regeling Jeugdwet §6b)"]),
        ("nl", ["Taakgerichte jeugdhulp valt buiten art.", "detailcontrole (Regeling Jeugdwet"]),
    ],
)
def test_explain_gives_the_no_extra_data_rules_legal_basis(
    lang: str, says: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["explain", "no-extra-data", "--lang", lang]) == 0
    out = " ".join(capsys.readouterr().out.split())  # unwrapped
    assert "Source: Jeugdwet art. 2.15 lid 2 with Regeling Jeugdwet art. 6c.1" in out
    assert out.count("Jeugdwet art. 2.15 lid 2") == 2  # the source, and the explanation
    for text in says:
        assert text in out
