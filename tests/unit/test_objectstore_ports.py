"""A port counts as taken while a server listens on it, not while a stopped one's
connections linger (TIME_WAIT): `make demo` right after a stop must start."""

import socket

from infra.objectstore import _is_free


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
