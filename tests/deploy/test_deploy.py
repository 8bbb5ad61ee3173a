"""The container image and the Kubernetes deployment of infra/deploy, checked offline.

Nothing is built, rendered or installed here: no base image and no Dagster chart can be fetched
(infra/deploy/README.md says what was run by hand). What is checked is what the registries'
tools can check without them: the Dockerfile as BuildKit's own parser reads it, hadolint's
rules, the build context its .dockerignore leaves (the Docker SDK's rules), the Helm values
against the keys of Dagster's chart and every Kubernetes object in them against the Kubernetes
schemas, the plain manifests against those schemas, and every name, user, port and path that
the image, the values and the manifests share.
"""

from __future__ import annotations

import functools
import importlib
import os
import re
import shlex
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dagster as dg
import dockerfile
import jsonschema
import pytest
import yaml
from docker.utils.build import exclude_paths
from kubernetes_validate import utils as kubernetes_schemas
from packaging.specifiers import SpecifierSet
from referencing import Registry, Resource

from orchestration.platform import pseudonyms
from orchestration.platform.resources import ENCRYPTION_KEY_VARIABLE
from orchestration.platform.settings import PIPELINE_KEYS, REPO_ROOT
from orchestration.trust.audit import ANCHOR_KEY_VARIABLE

DEPLOY = REPO_ROOT / "infra" / "deploy"
DOCKERFILE = DEPLOY / "Dockerfile"
DOCKERIGNORE = DEPLOY / "Dockerfile.dockerignore"
VALUES = DEPLOY / "helm" / "values.yaml"
MANIFESTS = sorted((DEPLOY / "k8s").glob("*.yaml"))

# The oldest and the newest Kubernetes whose schemas kubernetes-validate ships.
KUBERNETES_VERSIONS = (kubernetes_schemas.all_versions()[0], kubernetes_schemas.latest_version())
# Where the chart mounts the instance configuration when `global.dagsterHome` is not set.
CHART_DAGSTER_HOME = "/opt/dagster/dagster_home"
# Paths that hold local state or secrets (.hub has the development keys), and build output.
NEVER_IN_THE_IMAGE = (
    ".hub/",
    ".venv/",
    ".git/",
    "tests/",
    "docs/",
    "dbt_project/target/",
    "dbt_project/logs/",
    "dbt_project/macros/declared/",
)


# --- the Dockerfile -----------------------------------------------------------------------


@dataclass
class Stage:
    name: str
    base: str
    commands: list[dockerfile.Command] = field(default_factory=list)

    def all(self, instruction: str) -> list[dockerfile.Command]:
        return [command for command in self.commands if command.cmd == instruction]

    def last(self, instruction: str) -> dockerfile.Command:
        found = self.all(instruction)
        assert found, f"{DOCKERFILE}: stage {self.name} has no {instruction}"
        return found[-1]

    def environment(self) -> dict[str, str]:
        settings: dict[str, str] = {}
        for command in self.all("ENV"):
            pairs = command.value
            settings.update(zip(pairs[::2], pairs[1::2], strict=True))
        return settings

    def position(self, matches) -> int | None:
        """Where the first instruction that `matches` is, if any."""
        return next((i for i, command in enumerate(self.commands) if matches(command)), None)


def stages(path: Path = DOCKERFILE) -> list[Stage]:
    """The build stages, their base images with the global ARGs' defaults filled in."""
    arguments: dict[str, str] = {}
    found: list[Stage] = []
    for command in dockerfile.parse_file(str(path)):
        if command.cmd == "FROM":
            words = command.value
            base = re.sub(r"\$\{?(\w+)\}?", lambda m: arguments.get(m[1], m[0]), words[0])
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else str(len(found))
            found.append(Stage(name, base))
        elif found:
            found[-1].commands.append(command)
        elif command.cmd == "ARG":
            name, _, default = command.value[0].partition("=")
            arguments[name] = default
    return found


def copy_from(command: dockerfile.Command) -> str | None:
    """The stage a COPY takes its files from; None for the build context."""
    for flag in command.flags:
        if flag.startswith("--from="):
            return flag.removeprefix("--from=")
    return None


def image_user(stage: Stage) -> tuple[int, int]:
    user, _, group = stage.last("USER").value[0].partition(":")
    assert user.isdigit() and group.isdigit(), (
        f"{DOCKERFILE}: USER {user}:{group} must be a numeric uid:gid, so that Kubernetes can "
        "tell it is not root (runAsNonRoot)"
    )
    return int(user), int(group)


def server_command(stage: Stage) -> list[str]:
    command = stage.last("CMD")
    assert command.json, f"{DOCKERFILE}:{command.start_line}: CMD must be in exec (JSON) form"
    return list(command.value)


def location_arguments(command: list[str]) -> list[str]:
    """The code server's arguments after its host and port: where the definitions are."""
    words = list(command)
    for flag in ("-h", "--host", "-p", "--port"):
        if flag in words:
            index = words.index(flag)
            del words[index : index + 2]
    for program in (["dagster", "code-server", "start"], ["dagster", "api", "grpc"]):
        if words[: len(program)] == program:
            return words[len(program) :]
    raise AssertionError(f"{DOCKERFILE}: CMD {command} starts no Dagster code server")


def option(words: list[str], *names: str) -> str | None:
    for name in names:
        if name in words:
            return words[words.index(name) + 1]
    return None


def build_context(root: Path = REPO_ROOT) -> set[str]:
    """The files `docker build -f infra/deploy/Dockerfile .` sends from `root`, by the
    .dockerignore's rules."""
    patterns = [
        line.strip()
        for line in DOCKERIGNORE.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    included = exclude_paths(str(root), patterns, dockerfile=str(DOCKERFILE.relative_to(REPO_ROOT)))
    return {path for path in included if (root / path).is_file()}


def test_image_is_built_in_stages_on_one_pinned_python():
    built = stages()
    assert len(built) >= 2, f"{DOCKERFILE}: a builder and a runtime stage, got {len(built)}"
    bases = {stage.base for stage in built}
    # the builder's virtual environment points at its interpreter: the runtime must have it
    assert len(bases) == 1, f"{DOCKERFILE}: every stage must start from one image, got {bases}"
    base = bases.pop()
    pinned = re.fullmatch(r"python:(3\.\d+\.\d+)-slim(-[a-z]+)?(@sha256:[0-9a-f]{64})?", base)
    assert pinned, f"{DOCKERFILE}: {base} is not a python:X.Y.Z-slim image pinned to a release"
    requires = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    assert SpecifierSet(requires["requires-python"]).contains(pinned[1]), (
        f"{DOCKERFILE}: Python {pinned[1]} is outside requires-python {requires['requires-python']}"
    )


def test_builder_installs_the_locked_dependencies_without_the_dev_group():
    builder = stages()[0]
    runs = [command.value[0] for command in builder.all("RUN")]
    assert any(re.search(r"pip install .*\buv==\d+\.\d+\.\d+\b", run) for run in runs), (
        f"{DOCKERFILE}: the builder must install a pinned uv (uv==X.Y.Z)"
    )
    syncs = [shlex.split(run) for run in runs if "uv sync" in run]
    assert syncs, f"{DOCKERFILE}: the builder never runs uv sync"
    for words in syncs:
        assert "--frozen" in words and "--no-dev" in words, (
            f"{DOCKERFILE}: `{shlex.join(words)}` must install uv.lock as it is (--frozen), "
            "without the dev group (--no-dev)"
        )


def test_builder_prepares_the_dbt_manifest_after_installing_the_project():
    builder = stages()[0]
    copied = builder.position(lambda c: c.cmd == "COPY" and c.value[0] == "dbt_project")
    installed = builder.position(
        lambda c: (
            c.cmd == "RUN" and "uv sync" in c.value[0] and "--no-install-project" not in c.value[0]
        )
    )
    prepared = builder.position(
        lambda c: c.cmd == "RUN" and re.search(r"\bhub\b.*\bprepare\b", c.value[0])
    )
    assert None not in (copied, installed, prepared), (
        f"{DOCKERFILE}: the builder must copy dbt_project, install the project and run "
        "`hub prepare`"
    )
    assert copied < prepared and installed < prepared, (
        f"{DOCKERFILE}: `hub prepare` must run after dbt_project is copied and the project "
        "installed, or the image has no manifest"
    )


def test_runtime_holds_the_environment_the_code_and_the_prepared_dbt_project():
    builder, runtime = stages()[0], stages()[-1]
    copied = {
        command.value[0] for command in runtime.all("COPY") if copy_from(command) == builder.name
    }
    wanted = {
        "/app/.venv",
        "/app/orchestration",
        "/app/adapters",
        "/app/expectations",
        "/app/dbt_project",
        "/app/taxonomy_seeds",
    }
    assert wanted <= copied, (
        f"{DOCKERFILE}: the runtime stage must copy {sorted(wanted - copied)} from the "
        f"{builder.name} stage (the dbt project with the manifest `hub prepare` built there)"
    )


def test_runtime_runs_as_a_fixed_non_root_user():
    user, group = image_user(stages()[-1])
    assert user != 0 and group != 0, f"{DOCKERFILE}: the runtime must not run as root"


def test_every_file_copied_from_the_context_exists_and_reaches_the_builder():
    context = build_context()
    for stage in stages():
        for command in stage.all("COPY"):
            if copy_from(command) is not None:
                continue
            for source in command.value[:-1]:
                path = REPO_ROOT / source
                assert path.exists(), f"{DOCKERFILE}:{command.start_line}: {source} does not exist"
                sent = source in context or any(p.startswith(f"{source}/") for p in context)
                assert sent, (
                    f"{DOCKERFILE}:{command.start_line}: {source} is left out of the build "
                    f"context by {DOCKERIGNORE.name}"
                )


def test_build_context_leaves_out_local_state_and_build_output(tmp_path):
    # a file in every such place, whether or not this working tree has one yet
    probes = [f"{folder}probe" for folder in NEVER_IN_THE_IMAGE] + [
        "orchestration/__pycache__/definitions.cpython-311.pyc",
        "dbt_project/target/manifest.json",
        ".hub/object-store-keys.json",
    ]
    for probe in probes:
        (tmp_path / probe).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / probe).write_text("")
    sent = build_context(tmp_path) | build_context()
    leaked = sorted(
        path for path in sent if path.startswith(NEVER_IN_THE_IMAGE) or "__pycache__/" in path
    )
    assert not leaked, f"{DOCKERIGNORE} lets these into the build context: {leaked[:10]}"


def test_code_server_command_serves_the_hub_definitions():
    runtime = stages()[-1]
    command = server_command(runtime)
    assert option(command, "-h", "--host") == "0.0.0.0", (
        f"{DOCKERFILE}: the code server must listen on every interface of its pod"
    )
    port = option(command, "-p", "--port")
    assert [port] == list(runtime.last("EXPOSE").value), (
        f"{DOCKERFILE}: CMD serves port {port}, EXPOSE says {runtime.last('EXPOSE').value}"
    )
    arguments = location_arguments(command)
    module_name = option(arguments, "-m", "--module-name")
    assert module_name, f"{DOCKERFILE}: CMD names no module (-m) to serve"
    module = importlib.import_module(module_name)
    # plain Definitions, and what `@dg.definitions` makes of a function
    kinds = (dg.Definitions, type(dg.definitions(lambda: dg.Definitions())))
    attribute = option(arguments, "-a", "--attribute")
    served = [
        name
        for name, value in vars(module).items()
        if isinstance(value, kinds) and (attribute is None or name == attribute)
    ]
    assert len(served) == 1, (
        f"{DOCKERFILE}: `{shlex.join(command)}` must find one set of definitions in "
        f"{module_name}, found {served}"
    )


def test_dagster_home_is_where_the_chart_mounts_the_instance():
    home = stages()[-1].environment().get("DAGSTER_HOME")
    chart_home = values().get("global", {}).get("dagsterHome", CHART_DAGSTER_HOME)
    assert home == chart_home, f"{DOCKERFILE}: DAGSTER_HOME is {home}, the chart's is {chart_home}"


def test_hadolint_finds_nothing(tmp_path):
    # its own configuration only: no .hadolint.yaml of the user's or the working directory's
    environment = {**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    linted = subprocess.run(
        [str(Path(sys.executable).parent / "hadolint"), "--no-color", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=environment,
        check=False,
    )
    assert linted.returncode == 0, linted.stdout + linted.stderr


# --- the Helm values ----------------------------------------------------------------------


@dataclass(frozen=True)
class Kubernetes:
    """A value the chart passes to Kubernetes as it is: checked against that object's schema.
    `fragment`: Dagster merges it into an object, so none of the object's fields is required."""

    schema: str  # kubernetes-validate's name for it, e.g. volume-v1
    fragment: bool = False


ANY = "any"  # a value the chart takes whole (a list of arguments, a map of labels)
IMAGE = {"repository": None, "tag": None, "pullPolicy": None}
LIST_OF_KUBERNETES = {
    name: [Kubernetes(schema)]
    for name, schema in {
        "envConfigMaps": "configmapenvsource-v1",
        "envSecrets": "secretenvsource-v1",
        "volumes": "volume-v1",
        "volumeMounts": "volumemount-v1",
        "tolerations": "toleration-v1",
    }.items()
}
# The keys of Dagster's chart that these values may use, as the chart's values schema declares
# them (helm/dagster/schema/schema/charts/ in the dagster repository: values.py,
# subschema/run_launcher.py, postgresql.py, global_.py, concurrency.py, daemon.py,
# dagster_user_deployments/subschema/user_deployments.py) and its instance template reads them
# (templates/configmap-instance.yaml). The chart itself is not reachable from here.
CHART_KEYS: dict[str, Any] = {
    "global": {
        "postgresqlSecretName": None,
        "dagsterHome": None,
        "serviceAccountName": None,
    },
    "generatePostgresqlPasswordSecret": None,
    "postgresql": {
        "enabled": None,
        "postgresqlScheme": None,
        "postgresqlHost": None,
        "postgresqlUsername": None,
        "postgresqlDatabase": None,
        "postgresqlParams": ANY,
        "service": {"port": None},
        "image": IMAGE,
    },
    "dagster-user-deployments": {
        "enabled": None,
        "enableSubchart": None,
        "serviceAccount": {"create": None, "name": None, "annotations": ANY},
        "deployments": [
            {
                "name": None,
                "image": IMAGE,
                "codeServerArgs": ANY,
                "dagsterApiGrpcArgs": ANY,
                "port": None,
                "replicaCount": None,
                "includeConfigInLaunchedRuns": {"enabled": None},
                "env": ANY,
                "annotations": ANY,
                "labels": ANY,
                "nodeSelector": ANY,
                "affinity": Kubernetes("affinity-v1"),
                "podSecurityContext": Kubernetes("podsecuritycontext-v1"),
                "securityContext": Kubernetes("securitycontext-v1"),
                "resources": Kubernetes("resourcerequirements-v1"),
                **LIST_OF_KUBERNETES,
            }
        ],
    },
    "runLauncher": {
        "type": None,
        "config": {
            "k8sRunLauncher": {
                "image": IMAGE,
                "imagePullPolicy": None,
                "jobNamespace": None,
                "loadInclusterConfig": None,
                "kubeconfigFile": None,
                "envVars": ANY,
                "labels": ANY,
                "failPodOnRunFailure": None,
                "schedulerName": None,
                "resources": Kubernetes("resourcerequirements-v1"),
                "securityContext": Kubernetes("securitycontext-v1"),
                "runK8sConfig": {
                    "containerConfig": Kubernetes("container-v1", fragment=True),
                    "podSpecConfig": Kubernetes("podspec-v1", fragment=True),
                    "podTemplateSpecMetadata": Kubernetes("objectmeta-meta-v1", fragment=True),
                    "jobSpecConfig": Kubernetes("jobspec-batch-v1", fragment=True),
                    "jobMetadata": Kubernetes("objectmeta-meta-v1", fragment=True),
                },
                **{k: v for k, v in LIST_OF_KUBERNETES.items() if k != "tolerations"},
            }
        },
    },
    "telemetry": {"enabled": None},
    "concurrency": {
        "enabled": None,
        "pools": {"defaultLimit": None, "granularity": None, "opGranularityRunBuffer": None},
        "runs": {"maxConcurrentRuns": None, "tagConcurrencyLimits": ANY},
    },
    "dagsterDaemon": {
        "runMonitoring": {
            "enabled": None,
            "startTimeoutSeconds": None,
            "cancelTimeoutSeconds": None,
            "maxResumeRunAttempts": None,
            "pollIntervalSeconds": None,
            "freeSlotsAfterRunEndSeconds": None,
        },
        "runRetries": {"enabled": None, "maxRetries": None},
    },
    "additionalInstanceConfig": ANY,
}


@functools.cache
def kubernetes_validator(schema_name: str, version: str, fragment: bool):
    folder = f"kubernetes-json-schema/v{version}-local-strict"
    schema = kubernetes_schemas.schema_contents(f"{folder}/{schema_name}.json", version)
    if fragment:
        schema = {key: value for key, value in schema.items() if key != "required"}
    definitions = kubernetes_schemas.schema_contents(f"{folder}/_definitions.json", version)
    registry = Resource.from_contents(definitions) @ Registry()
    return jsonschema.Draft202012Validator(schema, registry=registry)


def kubernetes_problems(value: Any, expected: Kubernetes, where: str) -> Iterator[str]:
    for version in KUBERNETES_VERSIONS:
        validator = kubernetes_validator(expected.schema, version, expected.fragment)
        for error in validator.iter_errors(value):
            inner = "".join(f".{part}" for part in error.absolute_path)
            yield f"{where}{inner}: {error.message} (Kubernetes {version}, {expected.schema})"


def chart_problems(value: Any, expected: Any, where: str = "") -> Iterator[str]:
    """What in `value` is not a key of the chart, or not a valid Kubernetes object."""
    if expected == ANY:
        return
    if isinstance(expected, Kubernetes):
        yield from kubernetes_problems(value, expected, where)
    elif isinstance(expected, list):
        if not isinstance(value, list):
            yield f"{where}: the chart wants a list here"
            return
        for index, item in enumerate(value):
            yield from chart_problems(item, expected[0], f"{where}[{index}]")
    elif isinstance(expected, dict):
        if not isinstance(value, dict):
            yield f"{where}: the chart wants a map here"
            return
        for key, item in value.items():
            if key not in expected:
                yield f"{where}.{key}: not a key of the Dagster chart".lstrip(".")
            else:
                yield from chart_problems(item, expected[key], f"{where}.{key}".lstrip("."))
    elif isinstance(value, dict | list):
        yield f"{where}: the chart wants a single value here"


def values(path: Path = VALUES) -> dict[str, Any]:
    return yaml.safe_load(path.read_text())


@functools.cache
def manifests() -> dict[tuple[str, str], dict[str, Any]]:
    """The plain manifests of infra/deploy/k8s by (kind, name)."""
    found = {}
    for path in MANIFESTS:
        for document in yaml.safe_load_all(path.read_text()):
            if document:
                found[(document["kind"], document["metadata"]["name"])] = document
    return found


def code_location(chart_values: dict[str, Any]) -> dict[str, Any]:
    deployments = chart_values["dagster-user-deployments"]["deployments"]
    assert len(deployments) == 1, f"{VALUES}: the hub is one code location"
    return deployments[0]


def run_launcher(chart_values: dict[str, Any]) -> dict[str, Any]:
    return chart_values["runLauncher"]["config"]["k8sRunLauncher"]


def kubernetes_objects(expected: Any) -> Iterator[Kubernetes]:
    if isinstance(expected, Kubernetes):
        yield expected
    elif isinstance(expected, list | dict):
        for item in expected.values() if isinstance(expected, dict) else expected:
            yield from kubernetes_objects(item)


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_every_kubernetes_schema_the_chart_keys_name_exists(version):
    for expected in kubernetes_objects(CHART_KEYS):
        kubernetes_validator(expected.schema, version, expected.fragment)


def test_values_use_only_keys_of_the_dagster_chart_and_valid_kubernetes_objects():
    problems = list(chart_problems(values(), CHART_KEYS))
    assert not problems, f"{VALUES}:\n" + "\n".join(problems)


def test_runs_launch_in_pods_with_the_settings_of_the_code_server():
    chart_values = values()
    assert chart_values["runLauncher"]["type"] == "K8sRunLauncher"
    location_secrets = code_location(chart_values)["envSecrets"]
    assert run_launcher(chart_values)["envSecrets"] == location_secrets, (
        f"{VALUES}: the run pods must read the settings the code server reads: both load the "
        "definitions"
    )
    for secret in location_secrets:
        assert ("Secret", secret["name"]) in manifests(), (
            f"{VALUES}: Secret {secret['name']} is not in infra/deploy/k8s"
        )


def test_dagster_storage_is_an_external_postgresql_with_its_password_in_a_secret():
    chart_values = values()
    assert chart_values["postgresql"]["enabled"] is False
    assert chart_values["generatePostgresqlPasswordSecret"] is False
    assert "postgresqlPassword" not in chart_values["postgresql"], (
        f"{VALUES}: the PostgreSQL password belongs in a Secret, not in the values"
    )
    name = chart_values["global"]["postgresqlSecretName"]
    secret = manifests().get(("Secret", name))
    assert secret is not None, f"{VALUES}: Secret {name} is not in infra/deploy/k8s"
    assert "postgresql-password" in secret["stringData"], (
        f"Secret {name}: the chart reads the password from the key postgresql-password"
    )


def test_secret_templates_hold_names_and_no_values():
    for (kind, name), document in manifests().items():
        if kind != "Secret":
            continue
        assert "data" not in document, f"Secret {name}: values go in stringData, empty"
        filled = [key for key, value in document["stringData"].items() if value != ""]
        assert not filled, f"Secret {name} holds values for {filled}; a template holds none"


def test_secret_keys_are_settings_the_hub_reads():
    sources = [
        path.read_text()
        for folder in ("orchestration", "adapters", "expectations")
        for path in (REPO_ROOT / folder).rglob("*.py")
    ] + [(REPO_ROOT / "dbt_project" / "profiles.yml").read_text()]
    read = set().union(*(re.findall(r"""["'](HUB_[A-Z0-9_]+)["']""", text) for text in sources))
    hub_secrets = {secret["name"] for secret in code_location(values())["envSecrets"]}
    settings = {key for name in hub_secrets for key in manifests()[("Secret", name)]["stringData"]}
    assert settings <= read, (
        f"infra/deploy/k8s/secrets.yaml names settings the hub never reads: {settings - read}"
    )
    required = {
        pseudonyms.KEY_VARIABLE,
        ANCHOR_KEY_VARIABLE,
        ENCRYPTION_KEY_VARIABLE,
        *PIPELINE_KEYS,
        "HUB_S3_ENDPOINT",
        "HUB_S3_REGION",
        "HUB_RAW_BUCKET",
        "HUB_LAKE_BUCKET",
    }
    assert required <= settings, (
        f"the Secrets the pods read lack the settings {sorted(required - settings)}"
    )


def test_pods_run_as_the_image_user():
    uid, gid = image_user(stages()[-1])
    chart_values = values()
    contexts = {
        "the code server": code_location(chart_values)["podSecurityContext"],
        "the run pods": run_launcher(chart_values)["runK8sConfig"]["podSpecConfig"][
            "securityContext"
        ],
    }
    for pods, context in contexts.items():
        assert context.get("runAsNonRoot") is True, f"{VALUES}: {pods} must set runAsNonRoot"
        assert (context.get("runAsUser"), context.get("runAsGroup")) == (uid, gid), (
            f"{VALUES}: {pods} run as {context.get('runAsUser')}:{context.get('runAsGroup')}, "
            f"the image's user is {uid}:{gid}"
        )
        assert context.get("fsGroup") == gid, (
            f"{VALUES}: {pods} need fsGroup {gid} to write their volumes"
        )


def test_code_location_serves_what_the_image_serves():
    runtime = stages()[-1]
    command = server_command(runtime)
    location = code_location(values())
    assert location["codeServerArgs"] == location_arguments(command), (
        f"{VALUES}: the chart starts the code server with {location['codeServerArgs']}, "
        f"the image's CMD with {location_arguments(command)}"
    )
    assert str(location["port"]) == option(command, "-p", "--port"), (
        f"{VALUES}: port {location['port']} is not the image's {option(command, '-p')}"
    )


def test_state_volume_is_the_image_hub_home_on_a_shared_claim():
    hub_home = stages()[-1].environment()["HUB_HOME"]
    launcher = run_launcher(values())
    mounts = {mount["name"]: mount["mountPath"] for mount in launcher["volumeMounts"]}
    state = [name for name, path in mounts.items() if path == hub_home]
    assert state, f"{VALUES}: no volume is mounted at the image's HUB_HOME {hub_home}"
    volume = next(volume for volume in launcher["volumes"] if volume["name"] == state[0])
    claim = volume["persistentVolumeClaim"]["claimName"]
    document = manifests().get(("PersistentVolumeClaim", claim))
    assert document is not None, f"{VALUES}: claim {claim} is not in infra/deploy/k8s"
    # runs of different data sets run at once, on any node
    assert document["spec"]["accessModes"] == ["ReadWriteMany"], (
        f"PersistentVolumeClaim {claim}: run pods on several nodes share it: ReadWriteMany"
    )


def test_pods_use_the_service_account_of_the_manifests():
    account = values()["dagster-user-deployments"]["serviceAccount"]
    assert account["create"] is False, f"{VALUES}: the service account is infra/deploy/k8s's"
    document = manifests().get(("ServiceAccount", account["name"]))
    assert document is not None, f"{VALUES}: ServiceAccount {account['name']} is not in k8s/"
    assert "eks.amazonaws.com/role-arn" in document["metadata"].get("annotations", {}), (
        f"ServiceAccount {account['name']}: without the IRSA annotation the pods get no IAM "
        "role, and the hub-object-store Secret needs static keys"
    )


def snake_case(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def test_instance_settings_are_those_of_the_single_machine_instance():
    instance = yaml.safe_load((REPO_ROOT / "infra" / "dagster.yaml").read_text())
    chart_values = values()
    daemon = chart_values["dagsterDaemon"]
    # each section of infra/dagster.yaml, as the chart's values set it
    in_the_chart = {
        "telemetry": chart_values["telemetry"],
        "concurrency": {"pools": chart_values["concurrency"]["pools"]},
        "run_monitoring": daemon["runMonitoring"],
        "run_retries": daemon["runRetries"],
        **chart_values.get("additionalInstanceConfig", {}),
    }
    missing = set(instance) - set(in_the_chart)
    assert not missing, f"{VALUES} does not carry over the instance settings {missing}"
    for section, settings in instance.items():
        carried = {
            snake_case(key): {snake_case(k): v for k, v in value.items()}
            if isinstance(value, dict)
            else value
            for key, value in in_the_chart[section].items()
        }
        assert carried == settings, (
            f"{VALUES}: {section} is {carried}, infra/dagster.yaml has {settings}"
        )
    assert chart_values["concurrency"]["enabled"] is True


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_plain_manifests_match_the_kubernetes_schema(version):
    assert manifests(), "infra/deploy/k8s holds no manifests"
    problems = []
    for (kind, name), document in manifests().items():
        try:
            kubernetes_schemas.validate(document, version, strict=True)
        except kubernetes_schemas.ValidationError as error:
            inner = ".".join(str(part) for part in error.path)
            problems.append(f"{kind}/{name}: {inner}: {error.message}")
    assert not problems, "\n".join(problems)


# --- what the image and the chart need of the project ----------------------------------------


def locked_versions() -> dict[str, Any]:
    lock = tomllib.loads((REPO_ROOT / "uv.lock").read_text())
    return {package["name"]: package for package in lock["package"]}


def test_readme_installs_the_chart_of_the_locked_dagster():
    readme = (DEPLOY / "README.md").read_text()
    chart_versions = set(re.findall(r"dagster/dagster --version (\S+)", readme))
    dagster = locked_versions()["dagster"]["version"]
    assert chart_versions == {dagster}, (
        f"{DEPLOY / 'README.md'} installs chart {chart_versions}; the chart's version is "
        f"Dagster's, and uv.lock has dagster {dagster}"
    )


def test_image_holds_the_packages_of_the_instance_the_chart_configures():
    hub = locked_versions()["trafficking-data-hub"]
    installed = {dependency["name"] for dependency in hub.get("dependencies", [])}
    # every run pod loads the chart's instance: its run launcher and its PostgreSQL storage
    missing = {"dagster-k8s", "dagster-postgres"} - installed
    assert not missing, (
        f"the image installs the project's locked dependencies, which lack {sorted(missing)}: "
        "add them to [project] dependencies in pyproject.toml and run `uv lock`"
    )
