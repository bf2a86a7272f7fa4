"""The demo refuses to start its hub where another server already listens."""

from __future__ import annotations

import socket

import click
import pytest

from anonymiser.demo_hub import ensure_port_free


def test_a_port_in_use_is_refused_with_what_to_do() -> None:
    """A hub left running by an earlier demo would answer in the new one's place."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        with pytest.raises(click.ClickException, match=rf"Port {port} .* already in use") as caught:
            ensure_port_free("127.0.0.1", port)
    assert "make demo" in caught.value.message
    assert f"fuser -k {port}/tcp" in caught.value.message


def test_a_free_port_is_left_free() -> None:
    """Checking binds and lets go: the hub can bind it next."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    ensure_port_free("127.0.0.1", port)
    with socket.socket() as hub:
        hub.bind(("127.0.0.1", port))
