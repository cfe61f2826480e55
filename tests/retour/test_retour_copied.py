"""IV028: a party's own return message copies its original's header."""

from __future__ import annotations

from ijw_gateway import xmlparse
from ijw_gateway.elements import Element
from ijw_gateway.fixtures import answers as a
from ijw_gateway.fixtures import builders as b
from ijw_gateway.messages.jsonmodel import JsonObject
from ijw_gateway.retour.copied import uncopied
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
