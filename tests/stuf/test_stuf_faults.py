"""The Fo01 codes are the chain's codes with our own texts, and every code we send is known."""

from __future__ import annotations

import re
from pathlib import Path

from ijw_gateway.stuf.faults import OMSCHRIJVING_MAX, codes, fault_code, worth_retrying
from tests.support.shared_paths import ROOT


def test_every_code_is_one_of_the_chain_and_its_text_is_our_own(stuf_ggk_dir: Path) -> None:
    published = (stuf_ggk_dir / "foutcodes-isd-keten-2.1.txt").read_text(encoding="utf-8")
    for code, spec in codes().items():
        assert re.search(rf"\b{code}\b", published), code
        assert spec.nl not in published and spec.en not in published
        assert len(spec.nl) < OMSCHRIJVING_MAX and spec.plek in ("client", "server")
    assert fault_code("StUF055").plek == "client"  # the one a municipality sends itself


def test_every_code_the_code_sends_is_in_the_table() -> None:
    source = "\n".join(p.read_text() for p in (ROOT / "src").rglob("*.py"))
    used = set(re.findall(r'"((?:StUF|IB|RIN|CC)\d{3}|CC\d{2})"', source))
    assert used and used <= set(codes()), used - set(codes())


def test_only_a_temporary_block_is_worth_sending_again() -> None:
    assert worth_retrying("IB103")
    assert not worth_retrying("StUF055") and not worth_retrying("XX999")
