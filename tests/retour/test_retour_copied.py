"""IV028: a party's own return message copies its original's header; and whether it lets a
held original count (``accepts``)."""

from __future__ import annotations

from ijw_gateway import xmlparse
from ijw_gateway.elements import Element
from ijw_gateway.fixtures import answers as a
from ijw_gateway.fixtures import builders as b
from ijw_gateway.messages.jsonmodel import JsonObject
from ijw_gateway.retour.copied import accepts, uncopied
from tests.support.within_kit import obj


def _root(model: JsonObject) -> Element:
    return xmlparse.parse(b.to_bytes(model)).getroot()


def test_a_copied_header_passes_whatever_the_answer_adds() -> None:
    original = b.jw301("C-1")
    assert uncopied(_root(original), _root(a.retour(original, header_codes=("0001",)))) == ()


def test_a_changed_or_missing_element_is_named_not_its_value() -> None:
    original = b.jw301("C-1")
    changed = a.retour(original)
    header = obj(changed["Header"])
    header["BerichtSubversie"] = "1"
    del header["Ontvanger"]
    assert uncopied(_root(original), _root(changed)) == ("BerichtSubversie", "Ontvanger")
    obj(header["BerichtIdentificatie"])["Dagtekening"] = "2026-01-02"
    assert "BerichtIdentificatie" in uncopied(_root(original), _root(changed))


def test_a_return_message_accepts_only_when_every_code_accepts() -> None:
    original = b.jw301("C-1")
    assert accepts("JW302", _root(a.retour(original)))
    assert not accepts("JW302", _root(a.retour(original, header_codes=("0001",))))
    in_a_class = a.retour(
        original, body_codes=lambda name, _: ("8035",) if name == "Client" else ()
    )
    assert not accepts("JW302", _root(in_a_class))  # the header keeps 0200


def test_a_jw325_accepts_unless_its_header_or_declaratie_antwoord_refuses() -> None:
    declaration = b.jw323("D-1", clients={b.BSN: [b.prestatie("P-1"), b.prestatie("P-2")]})
    assert accepts("JW325", _root(a.jw325(declaration)))
    assert accepts("JW325", _root(a.jw325(declaration, rejected={"P-2": ["9338"]})))
    assert not accepts("JW325", _root(a.jw325(declaration, antwoord_codes=("9333",))))
    assert not accepts(
        "JW325", _root(a.jw325(declaration, header_codes=("0001",), antwoord_codes=()))
    )
