"""How to reach the hub: its address, this authority's token, the hub's key, the network.

Read from the environment (and the hub's address also from ``anonymiser.toml``):

- the hub's address: ``--hub``, else ``hub_url`` in ``anonymiser.toml`` or
  ``ANONYMISER_HUB_URL``;
- the API token: ``ANONYMISER_HUB_TOKEN``, else the file named by
  ``ANONYMISER_HUB_TOKEN_FILE`` (which no one else may read: mode 0600). Never a
  command-line argument, which other users of the machine can see;
- the hub's public key, required: ``ANONYMISER_HUB_KEY``, the verifier key
  ``<name>+<hash>+<key>`` the hub administrator gives out (``hub-signing.pub``), or the
  path of a file holding it. A receipt is believed only if it verifies with this key,
  so it must come from the administrator, not from the hub over the network;
- a proxy: ``ANONYMISER_HUB_PROXY``, else ``HTTPS_PROXY`` (``HTTP_PROXY`` for an
  ``http://`` hub), unless ``NO_PROXY`` names the hub's host;
- extra certificate authorities (a council's TLS-inspecting proxy, say):
  ``ANONYMISER_CA_BUNDLE``, a PEM file, trusted on top of the system's.
"""

from __future__ import annotations

import os
import ssl
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from anonymiser.upload.errors import HubSettingsMissing
from keys.transparency import CheckpointError, VerifierKey, parse_verifier_key

TOKEN_ENV = "ANONYMISER_HUB_TOKEN"  # noqa: S105 - the variable's name, not a token
TOKEN_FILE_ENV = "ANONYMISER_HUB_TOKEN_FILE"  # noqa: S105 - the variable's name
HUB_KEY_ENV = "ANONYMISER_HUB_KEY"
HUB_URL_ENV = "ANONYMISER_HUB_URL"
PROXY_ENV = "ANONYMISER_HUB_PROXY"
CA_BUNDLE_ENV = "ANONYMISER_CA_BUNDLE"


@dataclass(frozen=True)
class HubConnection:
    """Everything needed to talk to the hub and to believe its receipts."""

    url: str
    token: str = field(repr=False)
    hub_key: VerifierKey
    proxy: str | None = None
    ca_bundle: Path | None = None

    def verify(self) -> ssl.SSLContext:
        """The TLS trust: the system's authorities, plus the CA bundle if one is set."""
        context = ssl.create_default_context()
        if self.ca_bundle is not None:
            try:
                context.load_verify_locations(cafile=str(self.ca_bundle))
            except (OSError, ssl.SSLError):
                raise HubSettingsMissing(
                    f"The CA bundle {self.ca_bundle} ({CA_BUNDLE_ENV}) cannot be read as PEM "
                    "certificates."
                ) from None
        return context


def hub_connection(
    hub_url: str | None, *, environ: Mapping[str, str] | None = None
) -> HubConnection:
    """The connection settings, from ``hub_url`` (or the configuration) and the environment."""
    env = os.environ if environ is None else environ
    url = (hub_url or env.get(HUB_URL_ENV) or "").strip().rstrip("/")
    if not url:
        raise HubSettingsMissing(
            "No hub address: give --hub https://…, or set hub_url in anonymiser.toml "
            f"or {HUB_URL_ENV}."
        )
    if urlsplit(url).scheme not in ("http", "https"):
        raise HubSettingsMissing(f"The hub address {url!r} must start https:// (or http://).")
    ca_bundle = env.get(CA_BUNDLE_ENV)
    return HubConnection(
        url=url,
        token=_token(env),
        hub_key=_hub_key(env),
        proxy=proxy_for(url, env),
        ca_bundle=Path(ca_bundle) if ca_bundle else None,
    )


def _token(env: Mapping[str, str]) -> str:
    token = env.get(TOKEN_ENV, "").strip()
    if token:
        return token
    path = env.get(TOKEN_FILE_ENV)
    if not path:
        raise HubSettingsMissing(
            f"No API token: set {TOKEN_ENV}, or {TOKEN_FILE_ENV} to a file holding it "
            "(readable by you alone). Ask the hub administrator for a token."
        )
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
        text = Path(path).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        raise HubSettingsMissing(f"The token file {path} cannot be read.") from None
    if mode & 0o077:
        raise HubSettingsMissing(
            f"The token file {path} can be read by other users (mode {mode:04o}); it was not "
            f"used. Run chmod 600 {path}, and ask for a new token if others may have seen it."
        )
    if not text:
        raise HubSettingsMissing(f"The token file {path} is empty.")
    return text


def _hub_key(env: Mapping[str, str]) -> VerifierKey:
    text = env.get(HUB_KEY_ENV, "").strip()
    if not text:
        raise HubSettingsMissing(
            f"The hub's public key is not set: put the verifier key the hub administrator "
            f"gave you (the text of hub-signing.pub, or its path) in {HUB_KEY_ENV}. Receipts "
            "are only believed when they verify with it."
        )
    candidate = Path(text)
    try:
        if "+" not in text and candidate.is_file():
            text = candidate.read_text(encoding="ascii").strip()
        return parse_verifier_key(text)
    except (OSError, UnicodeDecodeError, CheckpointError):
        raise HubSettingsMissing(
            f"{HUB_KEY_ENV} is not a hub verifier key (name+hash+key) or a file holding one."
        ) from None


def proxy_for(url: str, env: Mapping[str, str]) -> str | None:
    """The proxy to reach ``url`` through, if any (``NO_PROXY`` respected)."""
    explicit = env.get(PROXY_ENV)
    if explicit:
        return explicit
    host = (urlsplit(url).hostname or "").lower()
    if _bypassed(host, env.get("NO_PROXY") or env.get("no_proxy") or ""):
        return None
    scheme = "https" if url.startswith("https:") else "http"
    names = (f"{scheme.upper()}_PROXY", f"{scheme}_proxy")
    return next((env[name] for name in names if env.get(name)), None)


def _bypassed(host: str, no_proxy: str) -> bool:
    """Whether ``NO_PROXY`` (``*``, hosts, or domains like ``.council.gov.uk``) covers host."""
    for entry in (part.strip().lower().lstrip(".") for part in no_proxy.split(",")):
        if entry == "*" or (entry and (host == entry or host.endswith("." + entry))):
            return True
    return False
