"""The session-wide guard that proves the flow tests stay on this machine does refuse outsiders."""

from __future__ import annotations

import socket

import pytest


def test_guard_refuses_and_records_an_outside_lookup(no_internet):
    before = list(no_internet)
    with pytest.raises(socket.gaierror):
        socket.getaddrinfo("api.prefect.cloud", 443)
    assert no_internet[len(before):] == ["lookup api.prefect.cloud"]
    del no_internet[len(before):]  # the flow test asserts the list stays empty


def test_guard_lets_loopback_through(no_internet):
    assert socket.getaddrinfo("localhost", 80)
