"""The object store's ports. A port counts as taken while a server listens on it, not while a
stopped one's connections linger (TIME_WAIT): `make demo` right after a stop must start. Ports
the caller does not give are chosen free at the first start and kept for the next."""

import socket
from pathlib import Path

import pytest

from orchestration.platform.objectstore import (
    DEFAULT_PORTS,
    PORT_NAMES,
    ObjectStore,
    ObjectStoreError,
    _is_free,
    free_ports,
)


def test_a_listening_port_is_taken():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        assert not _is_free(server.getsockname()[1])


def test_a_port_whose_server_stopped_is_free_though_its_connections_linger():
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    with socket.create_connection(("127.0.0.1", port)) as client:
        accepted, _ = server.accept()
        accepted.close()  # the server side closes first: its end stays in TIME_WAIT
        client.recv(1)
    server.close()
    assert _is_lingering(port)

    assert _is_free(port)


def _is_lingering(port: int) -> bool:
    """A TIME_WAIT connection on the local port, as /proc/net/tcp lists it (state 06)."""
    with open("/proc/net/tcp") as table:
        rows = [line.split() for line in table.readlines()[1:]]
    return any(int(row[1].split(":")[1], 16) == port and row[3] == "06" for row in rows)


def test_ports_not_given_are_chosen_free_once_and_kept_for_the_next_start(tmp_path):
    store = ObjectStore(tmp_path / "objectstore", [], ports={"s3": free_ports(1)[0]})
    store.data_dir.mkdir()

    first = store.choose_ports()

    assert set(first) == set(PORT_NAMES)
    assert len(set(first.values())) == len(PORT_NAMES)
    again = ObjectStore(store.data_dir, [], ports=dict(store.ports))
    assert again.choose_ports() == first
    assert again.service_ports() == first


def test_a_kept_port_another_program_took_since_is_replaced(tmp_path):
    store = ObjectStore(tmp_path / "objectstore", [], ports={"s3": free_ports(1)[0]})
    store.data_dir.mkdir()
    first = store.choose_ports()
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", first["filer.grpc"]))
        squatter.listen()

        second = store.choose_ports()

    assert second["filer.grpc"] != first["filer.grpc"]
    assert {n: p for n, p in second.items() if n != "filer.grpc"} == {
        n: p for n, p in first.items() if n != "filer.grpc"
    }
    assert store.service_ports() == second


def test_given_ports_are_used_as_given_with_grpc_at_plus_10000():
    http = dict(zip(DEFAULT_PORTS, free_ports(len(DEFAULT_PORTS)), strict=True))
    store = ObjectStore(Path("unused"), [], ports={**http, "admin.grpc": 1234})

    ports = store.service_ports()

    assert ports["master.grpc"] == http["master"] + 10000
    assert ports["admin.grpc"] == 1234
    assert ports["s3"] == http["s3"]


def test_a_given_port_in_use_stops_the_start_with_its_name(tmp_path):
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = squatter.getsockname()[1]
        store = ObjectStore(
            tmp_path / "objectstore", [], ports={"s3": taken, "s3.grpc": free_ports(1)[0]}
        )
        store.data_dir.mkdir()

        with pytest.raises(ObjectStoreError, match=rf"\[{taken}\] \(s3\) are in use"):
            store.choose_ports()


def test_the_command_names_every_port_and_turns_telemetry_off(tmp_path):
    store = ObjectStore(tmp_path / "objectstore", [], ports={"s3": free_ports(1)[0]})
    store.data_dir.mkdir()
    ports = store.choose_ports()

    command = store.command(ports)

    for name, port in ports.items():
        service, _, grpc = name.partition(".")
        assert f"-{service}.port{'.grpc' if grpc else ''}={port}" in command
    assert "-master.telemetry=false" in command
    assert "-disableHttp" in command
    assert f"-config_dir={store.security_dir}" in command


def test_a_port_without_a_grpc_twin_gets_a_grpc_port_chosen(tmp_path):
    high = next(port for port in iter(_any_free_port, None) if port + 10000 > 65535)
    store = ObjectStore(tmp_path / "objectstore", [], ports={"s3": high})
    store.data_dir.mkdir()

    assert "s3.grpc" not in store.service_ports()
    assert store.choose_ports()["s3.grpc"] < 65536


def _any_free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
