"""A gateway that pulls from and pushes to the loopback VECOZO stub: its settings for a
test in this process, and the environment of an ``ijw-gateway vecozo …`` process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ijw_gateway.config import Settings
from ijw_gateway.fixtures import builders as b
from tests.support.procs import gateway_env
from tests.support.service import PARTIES
from tests.support.vecozo_stub import Certificates, Stub


def vecozo_settings(db_url: str, stub: Stub, certs: Certificates, **more: Any) -> Settings:
    return Settings(
        database_url=db_url,
        parties=PARTIES,
        vecozo_url=stub.base_url,
        vecozo_cert=Path(certs.client_file),
        vecozo_ca=Path(certs.ca_file),
        **more,
    )


def vecozo_env(
    db_url: str, tmp: Path, stub: Stub, certs: Certificates, channel: str, **more: str
) -> dict[str, str]:
    """The example parties, the provider reached over ``channel``."""
    text = PARTIES.read_text(encoding="utf-8").replace(
        f'code = "{b.AGB}"\n', f'code = "{b.AGB}"\nchannel = "{channel}"\n'
    )
    parties = tmp / "parties.toml"
    parties.write_text(text, encoding="utf-8")
    return gateway_env(
        db_url,
        parties,
        IJW_VECOZO_URL=stub.base_url,
        IJW_VECOZO_CERT=certs.client_file,
        IJW_VECOZO_CA=certs.ca_file,
        IJW_DELIVERY_LEASE_SECONDS="4",
        IJW_WORKER_POLL_SECONDS="0.05",
        **more,
    )
