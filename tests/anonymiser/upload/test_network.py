"""Councils' networks: the upload goes through an HTTP proxy (CONNECT) to an HTTPS hub
whose certificate only a custom CA bundle vouches for; an untrusted certificate is
reported, not retried; proxies are chosen from the environment as documented."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from anonymiser.cli import main
from anonymiser.upload import HubUnavailable, RetryPolicy, hub_connection, upload_return
from anonymiser.upload.settings import proxy_for
from keys.transparency import VerifierKey
from tests.exchange.returns_kit import make_return

FAST = RetryPolicy(attempts=3, first_wait=0.01, longest_wait=0.05)


def signed(tmp_path: Path, hub: Any) -> Path:
    """A return signed by Derby's registered key."""
    make_return(tmp_path / "derby.return", signing_key=hub.officer.key)
    return tmp_path / "derby.return"


def test_an_upload_through_a_proxy_to_an_https_hub_with_a_custom_ca(
    live_hub: Any,
    tls_hub: str,
    council_ca: Any,
    connect_proxy: tuple[str, list[str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """HTTPS_PROXY and ANONYMISER_CA_BUNDLE reach the HTTP client: the tunnel is used and
    the hub's certificate is trusted through the council's CA."""
    proxy, tunnels = connect_proxy
    monkeypatch.setenv("HTTPS_PROXY", proxy)
    monkeypatch.setenv("ANONYMISER_CA_BUNDLE", str(council_ca.bundle))
    result = CliRunner().invoke(main, ["upload", str(signed(tmp_path, live_hub)), "--hub", tls_hub])
    assert result.exit_code == 0, result.output
    assert "Receipt verified" in result.output
    assert tunnels == [tls_hub.removeprefix("https://")]


def test_an_untrusted_certificate_is_reported_not_retried(
    live_hub: Any,
    tls_hub: str,
    connect_proxy: tuple[str, list[str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without the CA bundle the hub's certificate is refused once, with what to set."""
    proxy, tunnels = connect_proxy
    monkeypatch.setenv("HTTPS_PROXY", proxy)
    with pytest.raises(HubUnavailable, match="ANONYMISER_CA_BUNDLE"):
        upload_return(signed(tmp_path, live_hub), connection=hub_connection(tls_hub), policy=FAST)
    assert len(tunnels) == 1


def test_an_unreadable_ca_bundle_stops_the_command(
    live_hub: Any, tls_hub: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A CA bundle that is not PEM: exit 2, naming the setting."""
    bundle = tmp_path / "bundle.pem"
    bundle.write_text("not a certificate")
    monkeypatch.setenv("ANONYMISER_CA_BUNDLE", str(bundle))
    result = CliRunner().invoke(main, ["upload", str(signed(tmp_path, live_hub)), "--hub", tls_hub])
    assert result.exit_code == 2
    assert "ANONYMISER_CA_BUNDLE" in result.output


@pytest.mark.parametrize(
    ("url", "environ", "expected"),
    [
        ("https://hub.example", {"HTTPS_PROXY": "http://proxy:3128"}, "http://proxy:3128"),
        ("https://hub.example", {"https_proxy": "http://lower:3128"}, "http://lower:3128"),
        ("http://hub.example", {"HTTPS_PROXY": "http://proxy:3128"}, None),
        ("http://hub.example", {"HTTP_PROXY": "http://plain:8080"}, "http://plain:8080"),
        ("https://hub.example", {"HTTPS_PROXY": "http://p:1", "NO_PROXY": "hub.example"}, None),
        ("https://a.hub.example", {"HTTPS_PROXY": "http://p:1", "NO_PROXY": ".hub.example"}, None),
        ("https://hub.example", {"HTTPS_PROXY": "http://p:1", "NO_PROXY": "*"}, None),
        ("https://hub.example", {"HTTPS_PROXY": "http://p:1", "NO_PROXY": "other.org"},
         "http://p:1"),
        ("https://hub.example", {"ANONYMISER_HUB_PROXY": "http://mine:1", "NO_PROXY": "*"},
         "http://mine:1"),
    ],
)  # fmt: skip
def test_the_proxy_is_chosen_from_the_environment(
    url: str, environ: dict[str, str], expected: str | None
) -> None:
    """ANONYMISER_HUB_PROXY first; else the scheme's proxy variable unless NO_PROXY covers
    the hub."""
    assert proxy_for(url, environ) == expected


def test_connection_settings_come_from_the_environment(tmp_path: Path) -> None:
    """The hub address, token, key, proxy and CA bundle are read as documented; the token
    never shows in the settings' repr."""
    key = VerifierKey("hub.example/audit", b"\x05" * 32)
    environ = {"ANONYMISER_HUB_URL": "https://hub.example/", "ANONYMISER_HUB_TOKEN": "exch_t",
               "ANONYMISER_HUB_KEY": str(key), "HTTPS_PROXY": "http://proxy:3128",
               "ANONYMISER_CA_BUNDLE": str(tmp_path / "ca.pem")}  # fmt: skip
    connection = hub_connection(None, environ=environ)
    assert (connection.url, connection.token, connection.hub_key) == (
        "https://hub.example", "exch_t", key,
    )  # fmt: skip
    assert (connection.proxy, connection.ca_bundle) == ("http://proxy:3128", tmp_path / "ca.pem")
    assert "exch_t" not in repr(connection)
    assert hub_connection("https://other.example", environ=environ).url == "https://other.example"
