"""``ijw-gateway explain CODE [--lang nl|en|both] [--release R]`` and ``explain --list``.

A retourcode (``9069``, ``S300``) gets its explanation and the rules that produce it; a
rule code (``CS002``, ``TR056``) gets its catalogue entry. Codes are those of the release
the exchange carries, or of ``--release``; a code only an older release had (``0013`` of
2.3) is found there too, and says so. Codes are forgiving about case and leading zeros
(``tr56`` is TR056, ``1`` is 0001); an unknown code is a usage error that suggests the
closest known ones.
"""

from __future__ import annotations

import difflib
import re
import textwrap
from collections.abc import Iterator, Mapping

import click

from ijw_gateway.catalogue.retourcodes import RetourcodeSpec, retourcodes
from ijw_gateway.catalogue.rulecat import RuleSpec, rules, rules_of
from ijw_gateway.cli import cli
from ijw_gateway.errors import UsageError

WIDTH = 88
_LEVELS = {"message": "2", "history": "3/4", "contract": "4", "policy": "-"}
_NO_CODE = (
    "No retourcode: the standard defines none for this rule, so a return message cannot "
    "carry it. The gateway reports it in its own validation report, and when the message "
    "gets an answer, lists it beside that answer as unexpressed."
)
_RULE_CODE = re.compile(r"^([A-Z]+)([0-9]+)$")


def normalise(code: str) -> str:
    """``tr56`` -> ``TR056``, ``1`` -> ``0001``, ``s300`` -> ``S300``."""
    text = code.strip().upper()
    if text.isdigit():
        return text.zfill(4)
    match = _RULE_CODE.match(text)
    if match and len(match[1]) == 2:
        return match[1] + match[2].zfill(3)
    return text


def _languages(lang: str) -> tuple[str, ...]:
    return ("nl", "en") if lang == "both" else (lang,)


def _wrapped(paragraphs: list[str]) -> Iterator[str]:
    for i, paragraph in enumerate(paragraphs):
        if i:
            yield ""
        yield textwrap.fill(paragraph, WIDTH)


def producers(code: str, release: str | None = None) -> list[str]:
    """The rules that produce a retourcode of a release (None: the exchange's): the
    standard's attribution plus our catalogue."""
    spec = retourcodes(release).get(code)
    named = set(spec.rules) if spec is not None else set()
    catalogue = rules() if release is None else rules_of(release)
    named |= {r.code for r in catalogue.values() if r.retourcode == code}
    return sorted(named)


def _where(spec: RetourcodeSpec) -> str:
    answers = ", ".join(spec.answers) or "no answer message (the JW325 has no retour)"
    classes = ", ".join(spec.classes) or "any class"
    return f"In: {answers} · on: {classes}"


def _rules_line(spec: RetourcodeSpec) -> str:
    from ijw_gateway.catalogue.releases import DEFAULT

    release = None if spec.release == DEFAULT.name else spec.release
    names = producers(spec.code, release)
    if not names and release is not None:
        return f"Produced by: rules of release {release}, which the catalogue does not hold"
    if not names:
        return "Produced by: no specific rule (a generic code)"
    missing = [n for n in names if n not in rules()]
    marked = [f"{n}*" if n in missing else n for n in names]
    note = "  (* not in this gateway's rule catalogue)" if missing else ""
    return textwrap.fill(f"Produced by: {', '.join(marked)}{note}", WIDTH)


def _document(
    code: str,
    titles: Mapping[str, str],
    meta: list[str],
    paragraphs: Mapping[str, list[str]],
    lang: str,
) -> str:
    """Code and title, the facts, then the explanation in one or both languages."""
    languages = _languages(lang)
    single = len(languages) == 1
    lines = [f"{code} — {titles.get(languages[0]) or titles.get('en', '')}" if single else code]
    lines += meta
    for language in languages:
        lines.append("")
        if not single:
            lines += [f"[{language}] {titles.get(language) or titles.get('en', '')}", ""]
        lines += _wrapped(paragraphs[language])
    return "\n".join(lines)


def _release_lines(spec: RetourcodeSpec) -> list[str]:
    """What a reader of a code of another release than the exchange's must know first."""
    from ijw_gateway.catalogue.releases import DEFAULT, RELEASES

    if spec.release == DEFAULT.name:
        return []
    known = RELEASES[spec.release]
    lines = [
        textwrap.fill(
            f"Release: iJw {known.name} ({known.in_use}); the exchange carries iJw "
            f"{DEFAULT.name} and no longer takes messages of {known.name}.",
            WIDTH,
        )
    ]
    if spec.see is not None:
        lines.append(f"Explained as in release {spec.see}, which has the same code.")
    return lines


def render_retourcode(spec: RetourcodeSpec, lang: str) -> str:
    paragraphs = {language: spec.paragraphs(language) for language in ("nl", "en")}
    meta = [*_release_lines(spec), _where(spec), _rules_line(spec)]
    return _document(spec.code, spec.title, meta, paragraphs, lang)


def render_rule(spec: RuleSpec, lang: str) -> str:
    level = f"{spec.level} (level {_LEVELS.get(spec.level, '?')})"
    meta = [
        f"Messages: {', '.join(sorted(spec.messages))}",
        f"Level: {level} · retourcode: {spec.retourcode or 'none'} · "
        f"provisional: {'yes' if spec.provisional else 'no'}",
    ]
    if spec.source:
        meta.append(f"Source: {spec.source}")
    paragraphs = {
        language: [" ".join(p.split()) for p in spec.text(language).strip().split("\n\n")]
        for language in ("nl", "en")
    }
    text = _document(spec.code, spec.title, meta, paragraphs, lang)
    if spec.retourcode:
        text += f"\n\nSee also: ijw-gateway explain {spec.retourcode}"
    else:
        text += "\n\n" + textwrap.fill(_NO_CODE, WIDTH)
    return text


def _attributed(code: str) -> str | None:
    """A rule the standard names for a retourcode although our catalogue lacks it."""
    codes = [c for c, s in retourcodes().items() if code in s.rules]
    if not codes:
        return None
    return (
        f"{code} is not in this gateway's rule catalogue. The standard attributes "
        f"retourcode {', '.join(codes)} to it; see ijw-gateway explain {codes[0]}."
    )


def _release(release: str | None) -> str | None:
    """``--release`` checked against the catalogue; None for the exchange's release."""
    from ijw_gateway.catalogue.releases import DEFAULT, RELEASES

    if release is None or release == DEFAULT.name:
        return None
    if release not in RELEASES:
        raise UsageError(f"unknown release '{release}': the catalogue knows {', '.join(RELEASES)}")
    return release


def _older(code: str) -> RetourcodeSpec | None:
    """A retourcode only another release than the exchange's has."""
    from ijw_gateway.catalogue.releases import RELEASES

    for name in RELEASES:
        found = retourcodes(name).get(code)
        if found is not None:
            return found
    return None


def explain_text(code: str, lang: str, release: str | None = None) -> str:
    """The explanation of a retourcode or rule code of a release (None: the exchange's,
    then any other); raises UsageError when unknown."""
    wanted, chosen = normalise(code), _release(release)
    found = retourcodes(chosen).get(wanted) or (_older(wanted) if release is None else None)
    if found is not None:
        return render_retourcode(found, lang)
    rule = (rules() if chosen is None else rules_of(chosen)).get(wanted)
    if rule is not None:
        return render_rule(rule, lang)
    attributed = _attributed(wanted) if chosen is None else None
    if attributed is not None:
        return attributed
    known = [*retourcodes(chosen), *(rules() if chosen is None else rules_of(chosen))]
    close = difflib.get_close_matches(wanted, known, n=5, cutoff=0.5)
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    of = f" of release {release}" if chosen is not None else ""
    raise UsageError(
        f"unknown code '{code}': neither a retourcode (WJ001) nor a rule in the "
        f"catalogue{of}.{hint} Use 'ijw-gateway explain --list' to see them all."
    )


def listing(lang: str, release: str | None = None) -> str:
    """Every retourcode and every rule of a release (None: the exchange's), one line each."""
    chosen = _release(release)
    codes, catalogue = retourcodes(chosen), rules() if chosen is None else rules_of(chosen)

    def title(texts: Mapping[str, str]) -> str:
        fallback = texts.get("en", "")
        return " | ".join(texts.get(language) or fallback for language in _languages(lang))

    of = f", release {chosen}" if chosen is not None else ""
    lines = [f"Retourcodes (WJ001{of}, {len(codes)}):"]
    lines += [f"  {c:<6} {title(s.title)}" for c, s in codes.items()]
    lines += ["", f"Rules in the catalogue ({len(catalogue)}):"]
    lines += [
        f"  {c:<6} [{s.retourcode or '----'}] {title(s.title)}"
        for c, s in sorted(catalogue.items())
    ]
    return "\n".join(lines)


@cli.command()
@click.argument("code", required=False)
@click.option(
    "--lang",
    type=click.Choice(["nl", "en", "both"]),
    default="en",
    show_default=True,
    help="Language of the explanation.",
)
@click.option("--list", "list_all", is_flag=True, help="List every retourcode and rule.")
@click.option(
    "--release",
    metavar="RELEASE",
    help="The iJw release whose codes to explain (default: the one the exchange carries).",
)
def explain(code: str | None, lang: str, list_all: bool, release: str | None) -> int:
    """Explain a retourcode (0001, 9069, S300 …) or a rule (CS002, TR056 …)."""
    if list_all:
        click.echo(listing(lang, release))
        return 0
    if code is None:
        raise UsageError("give a CODE to explain, or --list to see them all")
    click.echo(explain_text(code, lang, release))
    return 0
