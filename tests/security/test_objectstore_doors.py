"""The embedded object store's doors, tried on a real SeaweedFS as any other local process would:
S3 serves its identities and nobody else; every other port the server opens refuses reads and
writes that do not bring the hub's client certificate, before any service sees them."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import ssl
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
import botocore.exceptions
import grpc
import pytest
import s3fs
from botocore import UNSIGNED
from botocore.config import Config

from orchestration import cli
from orchestration.platform.objectstore import (
    PORT_NAMES,
    Identity,
    ObjectStore,
    free_ports,
    keep_versions,
)

pytestmark = pytest.mark.integration

BUCKET = "raw"
FOLDER = "screenings/la_ocs__2024-06"
KEY = f"{FOLDER}/people.csv"
PERSONAL = b"name,date_of_birth\nAna Example,1990-01-01\n"
ADMIN = Identity("hub_admin", "doors-admin", "doors-admin-secret")
# A developer's own AWS keys, in the shell that starts the hub.
STRAY_AWS_KEYS = ("AKIASTRAYDEVELOPER01", "stray-developer-secret")


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Iterator[ObjectStore]:
    """A store as `hub objectstore start` makes it: only S3's port given, the rest its own."""
    server = ObjectStore(
        data_dir=tmp_path_factory.mktemp("doors") / "objectstore",
        identities=[ADMIN],
        ports={"s3": free_ports(1)[0]},
    )
    with pytest.MonkeyPatch.context() as environment:
        environment.setenv("AWS_ACCESS_KEY_ID", STRAY_AWS_KEYS[0])
        environment.setenv("AWS_SECRET_ACCESS_KEY", STRAY_AWS_KEYS[1])
        server.start()
    admin = s3_client(server, ADMIN)
    admin.create_bucket(Bucket=BUCKET)
    admin.put_object(Bucket=BUCKET, Key=KEY, Body=PERSONAL)
    wait_for_every_port(server)
    yield server
    server.stop()


def s3_client(server: ObjectStore, identity: Identity | None):
    credentials = (
        {
            "aws_access_key_id": identity.access_key_id,
            "aws_secret_access_key": identity.secret_access_key,
        }
        if identity
        else {"config": Config(signature_version=UNSIGNED)}
    )
    return boto3.client(
        "s3", endpoint_url=server.endpoint_url, region_name="us-east-1", **credentials
    )


def listening_ports(pid: int) -> set[tuple[str, int]]:
    """(address, port) of the TCP sockets the process listens on, from /proc."""
    inodes = set()
    for descriptor in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{descriptor}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as rows:
            for row in (line.split() for line in rows.readlines()[1:]):
                if row[3] == "0A" and row[9] in inodes:  # 0A: LISTEN
                    address, port = row[1].split(":")
                    found.add((address, int(port, 16)))
    return found


def wait_for_every_port(server: ObjectStore, timeout: float = 20.0) -> set[tuple[str, int]]:
    """The admin service starts after S3 serves: wait until every configured port listens."""
    expected = set(server.service_ports().values())
    deadline = time.monotonic() + timeout
    while True:
        found = listening_ports(server.running_pid())
        if {port for _, port in found} >= expected or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


# --- what a local process without the hub's certificate tries ------------------------------

_NO_CERTIFICATE = ssl.create_default_context()
_NO_CERTIFICATE.check_hostname = False
_NO_CERTIFICATE.verify_mode = ssl.CERT_NONE

HTTP_READS = [
    ("GET", f"/{BUCKET}/{KEY}"),  # filer: an object's bytes; S3-style path on any port
    ("GET", f"/buckets/{BUCKET}/{KEY}"),
    ("GET", f"/buckets/{BUCKET}/{FOLDER}/?pretty=y"),  # filer: names in a folder
    ("GET", "/dir/lookup?volumeId=1"),  # master: where a volume's needles are
    ("GET", "/vol/status"),
    ("GET", "/1,01637037d6"),  # volume: a needle by file id
    ("GET", "/"),
]
HTTP_WRITES = [
    ("PUT", f"/buckets/{BUCKET}/{FOLDER}/forged.csv"),
    ("POST", f"/buckets/{BUCKET}/{FOLDER}/forged.csv"),
    ("DELETE", f"/buckets/{BUCKET}/{KEY}"),
    ("POST", "/dir/assign"),  # master: a file id and the token to write it
    ("GET", f"/col/delete?collection={BUCKET}"),  # master: drops the bucket's volumes
    ("GET", "/vol/grow?count=1"),
    ("POST", "/1,01637037d6"),
    ("DELETE", "/1,01637037d6"),
]


def http_answer(port: int, method: str, path: str, tls: bool) -> str | None:
    """What a service answered, or None when the request was refused before reaching one
    (no connection, no TLS session without a client certificate, or Go's TLS server
    turning away plain HTTP)."""
    connection = (
        http.client.HTTPSConnection("127.0.0.1", port, timeout=3, context=_NO_CERTIFICATE)
        if tls
        else http.client.HTTPConnection("127.0.0.1", port, timeout=3)
    )
    try:
        body = b"forged" if method in ("PUT", "POST") else None
        connection.request(method, path, body=body)
        response = connection.getresponse()
        data = response.read()
    except (OSError, http.client.HTTPException):
        return None
    finally:
        connection.close()
    if response.status == 400 and b"HTTP request to an HTTPS server" in data:
        return None
    return f"HTTP {response.status} {data[:120]!r}"


def _length(value: int) -> bytes:
    encoded = b""
    while True:
        byte, value = value & 0x7F, value >> 7
        encoded += bytes([byte | (0x80 if value else 0)])
        if not value:
            return encoded


def _text(number: int, value: str | bytes) -> bytes:
    data = value.encode() if isinstance(value, str) else value
    return bytes([number << 3 | 2]) + _length(len(data)) + data


def _flag(number: int) -> bytes:
    return bytes([number << 3, 1])


# (method, streams its reply, request) in SeaweedFS's protocol buffers (weed/pb/*.proto).
GRPC_READS = [
    ("/filer_pb.SeaweedFiler/ListEntries", True, _text(1, f"/buckets/{BUCKET}/{FOLDER}")),
    ("/master_pb.Seaweed/CollectionList", False, b""),
    ("/volume_server_pb.VolumeServer/VolumeStatus", False, bytes([1 << 3, 1])),
]
GRPC_WRITES = [
    ("/master_pb.Seaweed/CollectionDelete", False, _text(1, BUCKET)),
    (
        "/filer_pb.SeaweedFiler/DeleteEntry",
        False,
        _text(1, f"/buckets/{BUCKET}/{FOLDER}") + _text(2, "people.csv") + _flag(4),
    ),
    # S3's own gRPC service replaces its identities.
    ("/s3_pb.SeaweedS3/Configure", False, _text(1, b'{"identities": []}')),
]


def grpc_answer(
    target: str, method: str, streams: bool, request: bytes, credentials=None
) -> str | None:
    """The gRPC status a service answered with, or None when the call could not reach one."""
    options = [("grpc.ssl_target_name_override", "localhost")]
    channel = (
        grpc.secure_channel(target, credentials, options=options)
        if credentials
        else grpc.insecure_channel(target)
    )
    call = (channel.unary_stream if streams else channel.unary_unary)(
        method, request_serializer=bytes, response_deserializer=bytes
    )
    try:
        reply = call(request, timeout=3)
        if streams:
            list(reply)
    except grpc.RpcError as error:
        return None if error.code() == grpc.StatusCode.UNAVAILABLE else error.code().name
    finally:
        channel.close()
    return "OK"


def hub_certificate(server: ObjectStore):
    folder = server.security_dir
    return grpc.ssl_channel_credentials(
        (folder / "ca.crt").read_bytes(),
        (folder / "hub.key").read_bytes(),
        (folder / "hub.crt").read_bytes(),
    )


def the_data_is_intact(server: ObjectStore) -> None:
    admin = s3_client(server, ADMIN)
    assert admin.get_object(Bucket=BUCKET, Key=KEY)["Body"].read() == PERSONAL
    listed = admin.list_objects_v2(Bucket=BUCKET)["Contents"]
    assert [item["Key"] for item in listed] == [KEY]


# --- the doors ------------------------------------------------------------------------------


def test_the_server_listens_on_loopback_on_its_configured_ports_only(store):
    found = wait_for_every_port(store)

    assert {port for _, port in found} == set(store.service_ports().values())
    assert {address for address, _ in found} == {"0100007F"}  # 127.0.0.1


@pytest.mark.parametrize("name", [name for name in PORT_NAMES if name != "s3"])
def test_a_port_other_than_s3_refuses_reads_and_writes_without_the_hub_certificate(store, name):
    port = store.service_ports()[name]
    no_client_certificate = grpc.ssl_channel_credentials(
        (store.security_dir / "ca.crt").read_bytes()
    )

    for kind, requests in (("read", HTTP_READS), ("write", HTTP_WRITES)):
        for method, path in requests:
            for tls in (False, True):
                answer = http_answer(port, method, path, tls)
                assert answer is None, (
                    f"{name} port {port}: {kind} {method} {path} (TLS {tls}): {answer}"
                )
    for kind, calls in (("read", GRPC_READS), ("write", GRPC_WRITES)):
        for method, streams, request in calls:
            for credentials in (None, no_client_certificate):
                answer = grpc_answer(f"127.0.0.1:{port}", method, streams, request, credentials)
                assert answer is None, f"{name} port {port}: {kind} {method}: {answer}"
    the_data_is_intact(store)


def test_with_the_hub_certificate_a_request_reaches_the_service(store):
    """The refusals above are the certificate's doing, not a probe that could never work."""
    ports = store.service_ports()
    certificate = hub_certificate(store)

    collections = grpc_answer(
        f"127.0.0.1:{ports['master.grpc']}",
        "/master_pb.Seaweed/CollectionList",
        False,
        b"",
        certificate,
    )

    assert collections == "OK"
    context = ssl.create_default_context(cafile=store.security_dir / "ca.crt")
    context.load_cert_chain(store.security_dir / "hub.crt", store.security_dir / "hub.key")
    connection = http.client.HTTPSConnection(
        "127.0.0.1", ports["volume"], timeout=3, context=context
    )
    connection.request("GET", "/1,01637037d6")
    response = connection.getresponse()
    # Past TLS the volume server still wants a token signed by the master.
    assert (response.status, response.read().strip()) == (401, b'{"error":"wrong jwt"}')


def test_s3_refuses_anonymous_requests_and_serves_its_identities(store):
    anonymous = s3_client(store, None)

    for call in (
        lambda: anonymous.get_object(Bucket=BUCKET, Key=KEY),
        lambda: anonymous.list_objects_v2(Bucket=BUCKET),
        lambda: anonymous.put_object(Bucket=BUCKET, Key=f"{FOLDER}/forged.csv", Body=b"x"),
        lambda: anonymous.delete_object(Bucket=BUCKET, Key=KEY),
    ):
        with pytest.raises(botocore.exceptions.ClientError) as refused:
            call()
        assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    admin = s3_client(store, ADMIN)
    admin.put_object(Bucket=BUCKET, Key=f"{FOLDER}/accepted.csv", Body=b"kept")
    assert admin.get_object(Bucket=BUCKET, Key=f"{FOLDER}/accepted.csv")["Body"].read() == b"kept"
    admin.delete_object(Bucket=BUCKET, Key=f"{FOLDER}/accepted.csv")
    the_data_is_intact(store)


def test_aws_keys_in_the_environment_that_started_it_are_no_identity(store):
    stray = Identity("stray", *STRAY_AWS_KEYS)

    with pytest.raises(botocore.exceptions.ClientError) as refused:
        s3_client(store, stray).list_buckets()

    assert refused.value.response["Error"]["Code"] == "InvalidAccessKeyId"


def test_unix_sockets_are_in_the_store_folder_owner_only_and_give_nothing_away(store):
    if not store.private_tmp:
        pytest.skip(
            "this host allows no private mount namespace: weed 4.48 puts its gRPC sockets in /tmp"
        )
    sockets = [entry for entry in store.run_dir.iterdir() if stat.S_ISSOCK(entry.lstat().st_mode)]
    names = {entry.name for entry in sockets}
    ports = store.service_ports()

    assert names == {
        f"seaweedfs-{service}-grpc-{ports[service + '.grpc']}.sock"
        for service in ("master", "volume", "filer", "s3", "admin")
    } | {f"seaweedfs-filer-{ports['filer']}.sock", f"seaweedfs-s3-{ports['s3']}.sock"}
    for temp in {Path("/tmp"), Path(tempfile.gettempdir())}:
        assert not [name for name in names if (temp / name).exists()]
    for entry in sockets:
        assert stat.S_IMODE(entry.lstat().st_mode) & 0o077 == 0, entry
        if "-grpc-" in entry.name:
            for method, streams, request in GRPC_READS + GRPC_WRITES:
                assert grpc_answer(f"unix:{entry}", method, streams, request) is None, entry
    filer = store.run_dir / f"seaweedfs-filer-{ports['filer']}.sock"
    for method, path in HTTP_READS + HTTP_WRITES:
        with socket.socket(socket.AF_UNIX) as client:
            client.connect(str(filer))
            client.sendall(f"{method} {path} HTTP/1.0\r\nContent-Length: 0\r\n\r\n".encode())
            # -disableHttp: the filer's HTTP API is gone
            assert client.recv(4096).startswith(b"HTTP/1.0 404 Not Found"), (method, path)
    the_data_is_intact(store)


def test_two_stores_with_their_own_ports_run_side_by_side_and_keep_their_ports(store, tmp_path):
    other_identity = Identity("other_admin", "other-admin", "other-admin-secret")
    other = ObjectStore(tmp_path / "objectstore", [other_identity], ports={"s3": free_ports(1)[0]})
    other.start()
    try:
        first_ports = other.service_ports()
        assert not set(first_ports.values()) & set(store.service_ports().values())
        s3_client(other, other_identity).create_bucket(Bucket="other")
        assert "other" not in [b["Name"] for b in s3_client(store, ADMIN).list_buckets()["Buckets"]]
        the_data_is_intact(store)
        assert {port for _, port in wait_for_every_port(other)} == set(first_ports.values())

        other.stop()
        other.start()

        assert other.service_ports() == first_ports
        assert [b["Name"] for b in s3_client(other, other_identity).list_buckets()["Buckets"]] == [
            "other"
        ]
    finally:
        other.stop()


# --- what `hub objectstore status` says -----------------------------------------------------

_FAILING_S3 = """
import http.server, sys
class Failing(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b'<?xml version="1.0"?><Error><Code>InternalError</Code></Error>'
        self.send_response(500)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Failing).serve_forever()
"""


def status_line(server: ObjectStore, monkeypatch, capsys) -> str:
    monkeypatch.setenv("HUB_HOME", str(server.data_dir.parent))
    monkeypatch.setenv("HUB_S3_ENDPOINT", server.endpoint_url)
    cli.objectstore("status")
    return " ".join(capsys.readouterr().out.split())


def test_status_says_running_when_s3_serves(store, monkeypatch, capsys):
    line = status_line(store, monkeypatch, capsys)

    assert line == f"object store running at {store.endpoint_url} (pid {store.running_pid()})"


def test_status_says_not_serving_when_s3_answers_a_server_error(tmp_path, monkeypatch, capsys):
    """A process that holds the store's pid and port but answers 500, as the red team saw."""
    port = free_ports(1)[0]
    failing = subprocess.Popen([sys.executable, "-c", _FAILING_S3, str(port)])
    try:
        server = ObjectStore(tmp_path / "objectstore", [], ports={"s3": port})
        server.data_dir.mkdir()
        server.pid_file.write_text(str(failing.pid))
        deadline = time.monotonic() + 10
        while server.s3_problem().startswith("nothing answers") and time.monotonic() < deadline:
            time.sleep(0.05)

        line = status_line(server, monkeypatch, capsys)

        assert not server.answers()
        assert line.startswith(f"object store not serving: SeaweedFS runs (pid {failing.pid})")
        assert f"S3 at {server.endpoint_url} answers HTTP 500" in line
    finally:
        failing.kill()
        failing.wait()


def test_status_says_not_serving_when_the_server_hangs(store, monkeypatch, capsys):
    pid = store.running_pid()
    os.kill(pid, signal.SIGSTOP)
    try:
        line = status_line(store, monkeypatch, capsys)
    finally:
        os.kill(pid, signal.SIGCONT)

    assert line.startswith(f"object store not serving: SeaweedFS runs (pid {pid})")
    assert "nothing answers" in line


def test_status_says_stopped_when_nothing_listens(tmp_path, monkeypatch, capsys):
    server = ObjectStore(tmp_path / "objectstore", [], ports={"s3": free_ports(1)[0]})

    line = status_line(server, monkeypatch, capsys)

    assert line.startswith(f"object store stopped (nothing answers at {server.endpoint_url}")


# --- the raw bucket keeps what a contributor overwrites -------------------------------------


def test_an_overwritten_raw_object_keeps_its_previous_version(store):
    """A held delivery's original survives the contributor's next upload to the same key."""
    fs = s3fs.S3FileSystem(
        key=ADMIN.access_key_id,
        secret=ADMIN.secret_access_key,
        client_kwargs={"endpoint_url": store.endpoint_url, "region_name": "us-east-1"},
        skip_instance_cache=True,
    )
    bucket = "raw-versioned"
    fs.mkdir(bucket)
    keep_versions(fs, bucket)
    keep_versions(fs, bucket)  # idempotent: every `hub objectstore start` calls it
    admin = s3_client(store, ADMIN)
    key = f"{FOLDER}/screenings.csv"
    original = admin.put_object(Bucket=bucket, Key=key, Body=PERSONAL)
    admin.put_object(Bucket=bucket, Key=key, Body=b"name,date_of_birth\nbroken")

    versions = admin.list_object_versions(Bucket=bucket, Prefix=key)["Versions"]
    previous = admin.get_object(Bucket=bucket, Key=key, VersionId=original["VersionId"])

    assert admin.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    assert [(v["VersionId"] == original["VersionId"], v["IsLatest"]) for v in versions] == [
        (False, True),
        (True, False),
    ]
    assert previous["Body"].read() == PERSONAL
    assert fs.cat_file(f"{bucket}/{key}") == b"name,date_of_birth\nbroken"
