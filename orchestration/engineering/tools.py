"""What a data engineer runs by hand around one data set; orchestration/cli.py parses and prints.

    hub contributor keys ID    a contributor's object-store keys (local ones made once)
    hub upload FILE ...        a delivery sent to raw with the contributor's own keys
    hub materialize ...        a run in a child process, its progress read from its event log
    hub check ID [--sample F]  the declaration, the trust's references, the staging model and
                               a sample read and gated, without running or writing anything

Every id, label and file name given on the command line is hostile input: it is checked
against what the declarations and the lake layout allow before it names a variable, a key or
a file.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import shlex
import sys
import tempfile
import textwrap
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from orchestration.platform.declarations import (
    ContributorFeed,
    SourceSpec,
    SourceSpecError,
    parse_source_file,
)
from orchestration.platform.lake_layout import (
    DELIVERY_SEPARATOR,
    MAX_NAME_LENGTH,
    LayoutError,
    RawObject,
    parse_raw_key,
    unsafe_name,
)
from orchestration.platform.settings import (
    DEVELOPMENT_KEYS_FILE,
    REPO_ROOT,
    ObjectStore,
    development_secrets,
)

if TYPE_CHECKING:
    from orchestration.landing.landing import Candidate
    from orchestration.platform.objectstore import ObjectStore as EmbeddedStore
    from orchestration.trust.governance import Governance

# The shape of data set and contributor ids in the declarations; the length bounds a typo,
# not a rule of theirs.
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
MAX_ID_LENGTH = 64
REPORT_WIDTH = 80
_SHOWN_LENGTH = 40


class EngineerToolError(ValueError):
    """A request refused before anything was read or written; the message says what to do."""


def shown(value: str) -> str:
    """`value` quoted for a message: escaped (control characters, undecodable bytes) and cut."""
    text = repr(value[:_SHOWN_LENGTH])
    return text + (
        f" (and {len(value) - _SHOWN_LENGTH} more characters)" if len(value) > _SHOWN_LENGTH else ""
    )


def printable(path: Path | str) -> str:
    """A path as text that can be printed and stored, whatever bytes its name holds."""
    return str(path).encode("utf-8", "backslashreplace").decode()


def checked_id(value: str, what: str) -> str:
    """`value` when it has the shape of a declared id (lower-case snake_case, no `__`)."""
    if len(value) > MAX_ID_LENGTH:
        problem = f"is longer than {MAX_ID_LENGTH} characters"
    elif not _ID.match(value) or DELIVERY_SEPARATOR in value:
        problem = (
            "is not an id: ids are lower-case letters, digits and single '_', starting with "
            "a letter, as declared (e.g. tx_dfps, screenings)"
        )
    else:
        return value
    raise EngineerToolError(f"{what} {shown(value)} {problem}")


def declared_data_set(specs: Sequence[SourceSpec], data_set: str) -> SourceSpec:
    checked_id(data_set, "data set")
    by_name = {spec.name: spec for spec in specs}
    if data_set not in by_name:
        raise EngineerToolError(
            f"no data set {data_set!r} is declared; declared: {', '.join(sorted(by_name))}"
        )
    return by_name[data_set]


def declared_contributor(governance: Governance, contributor: str) -> str:
    checked_id(contributor, "contributor")
    if contributor not in governance.contributors:
        raise EngineerToolError(
            f"no contributor {contributor!r} is declared; declared: "
            f"{', '.join(sorted(governance.contributors))}"
        )
    return contributor


# --- hub contributor keys ------------------------------------------------------------------


@dataclass(frozen=True)
class ContributorKeys:
    contributor: str
    variables: tuple[str, str]  # the environment variables that hold them
    access_key_id: str
    secret_access_key: str
    kept_in: Path | None  # the local secrets file; None when they came from the environment
    issued: bool  # made by this call

    def exports(self) -> list[str]:
        """Shell lines that set the two variables (quoted: they may be `eval`ed)."""
        return [
            f"export {self.variables[0]}={shlex.quote(self.access_key_id)}",
            f"export {self.variables[1]}={shlex.quote(self.secret_access_key)}",
        ]


def keys_for_contributor(
    governance: Governance,
    contributor: str,
    home: Path,
    local_store: bool,
    environment: Mapping[str, str] | None = None,
) -> ContributorKeys:
    """A declared contributor's object-store keys: from the environment when set there, else
    (embedded store only) the local ones kept in `home`, made the first time."""
    from orchestration.trust.identities import contributor_keys as key_variables

    declared_contributor(governance, contributor)
    environment = os.environ if environment is None else environment
    variables = key_variables(contributor)
    if all(environment.get(name) for name in variables):
        return ContributorKeys(
            contributor, variables, *(environment[name] for name in variables), None, False
        )
    if not local_store:
        raise EngineerToolError(
            f"{variables[0]} and {variables[1]} are not set. Local keys are for the embedded "
            "object store only: for this store, create the identity in its own console and "
            "set both variables from your secret store"
        )
    kept_in = home / DEVELOPMENT_KEYS_FILE
    issued = variables[0] not in _stored_names(kept_in)
    stored = development_secrets(home, [variables])
    return ContributorKeys(
        contributor, variables, stored[variables[0]], stored[variables[1]], kept_in, issued
    )


def _stored_names(path: Path) -> set[str]:
    try:
        return set(json.loads(path.read_text()))
    except FileNotFoundError:
        return set()


def keys_accepted(store: ObjectStore) -> bool | None:
    """Whether the object store knows these keys (it may still refuse what they ask for);
    None when it does not answer."""
    import boto3
    import botocore.exceptions
    from botocore.config import Config

    options = store.boto3_options()
    options["config"] = options["config"].merge(
        Config(retries={"max_attempts": 1}, connect_timeout=3, read_timeout=10)
    )
    client = boto3.client("s3", **options)
    try:
        client.list_buckets()
    except botocore.exceptions.ClientError as error:
        return error.response["Error"]["Code"] not in (
            "InvalidAccessKeyId",
            "SignatureDoesNotMatch",
        )
    except botocore.exceptions.BotoCoreError:
        return None
    return True


def load_into_embedded_store(
    embedded: EmbeddedStore, keys: ContributorKeys, store: ObjectStore, wait_seconds: float = 10.0
) -> str:
    """Make the running embedded store know the contributor's identity; what became of it:
    `known` (it did already), `loaded` (now), `not running`, or `restart` (it cannot load
    identities while running: `hub objectstore stop && hub objectstore start`)."""
    import time

    if embedded.running_pid() is None:
        return "not running"
    with_keys = store_with_keys(store, keys)
    if keys_accepted(with_keys):
        return "known"
    if not embedded.load_new_identities():
        return "restart"
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        if keys_accepted(with_keys):
            return "loaded"
        time.sleep(0.2)
    return "restart"


def store_with_keys(store: ObjectStore, keys: ContributorKeys) -> ObjectStore:
    """The object store, reached with the contributor's keys instead of the pipeline's."""
    return dataclasses.replace(
        store, access_key_id=keys.access_key_id, secret_access_key=keys.secret_access_key
    )


# --- hub upload -----------------------------------------------------------------------------


def default_label(today: date | None = None) -> str:
    return (today or date.today()).isoformat()


def delivery_object(
    spec: SourceSpec,
    governance: Governance,
    contributor: str,
    file_name: str,
    label: str,
) -> RawObject:
    """The raw object an upload of `file_name` by `contributor` would make, once the
    declarations allow it and the lake layout accepts its key."""
    from orchestration.landing.landing import API_FORMAT

    declared_contributor(governance, contributor)
    feed = spec.feed_for(contributor)
    if feed is None:
        raise EngineerToolError(
            f"contributor {contributor!r} is not declared for data set {spec.name!r} (its "
            f"contributors: {', '.join(sorted(spec.contributors))}); declare it under "
            f"meta.hub.contributors in {_display(spec.declared_in)}"
        )
    if spec.name not in governance.contributors[contributor].data_sets:
        raise EngineerToolError(
            f"the data trust does not let {contributor!r} deliver {spec.name!r}; its object-store "
            "identity may write only the data sets it is declared for"
        )
    if feed.format == API_FORMAT:
        raise EngineerToolError(
            f"the pipeline pulls {contributor!r}'s {spec.name} from its API; there is nothing "
            f"to upload: run `hub materialize --data-set {spec.name}`"
        )
    if problem := unsafe_name(label):
        raise EngineerToolError(
            f"label {shown(label)} {problem}; use letters, digits, '.', '_' and '-', e.g. "
            f"{default_label()}"
        )
    if problem := _file_name_problem(file_name):
        raise EngineerToolError(f"file name {shown(file_name)} {problem}")
    if not feed.accepts(file_name):
        raise EngineerToolError(
            f"file name {file_name!r} does not match the files {contributor!r} delivers for "
            f"{spec.name} ({feed.files!r}, in {_display(spec.declared_in)}), so landing would "
            f"ignore it: rename the file to match, or change `files:` there"
        )
    raw = RawObject(spec.name, f"{contributor}{DELIVERY_SEPARATOR}{label}", file_name)
    try:
        return parse_raw_key(raw.key)
    except LayoutError as error:
        raise EngineerToolError(str(error)) from error


def _file_name_problem(file_name: str) -> str | None:
    """Why a local file's name cannot be a raw object's name, and what to rename it to."""
    if any(0xDC80 <= ord(character) <= 0xDCFF for character in file_name):
        return "is not valid UTF-8 (the object store keeps names as UTF-8); rename the file"
    if problem := unsafe_name(file_name):
        return (
            f"{problem}; rename the file using letters, digits, '.', '_', '-' and inner "
            f"spaces (at most {MAX_NAME_LENGTH} characters), e.g. deliveries_2024-06.csv"
        )
    return None


def checked_local_file(path: Path) -> Path:
    """A readable, non-empty regular file, or EngineerToolError saying what is wrong."""
    where = printable(path)
    if not path.exists():
        raise EngineerToolError(f"{where}: no such file")
    if not path.is_file():
        raise EngineerToolError(f"{where}: not a regular file; give the delivery's file")
    if not os.access(path, os.R_OK):
        raise EngineerToolError(f"{where}: not readable by this user")
    if path.stat().st_size == 0:
        raise EngineerToolError(f"{where}: is empty (0 bytes); nothing to deliver")
    return path


def upload_delivery(local: Path, raw: RawObject, store: ObjectStore, raw_bucket: str) -> str:
    """Send `local` to the raw bucket at `raw`'s key with `store`'s keys (the contributor's),
    streamed in parts; the object store's policy decides (PermissionError when it refuses).
    Returns the bucket and key."""
    import botocore.exceptions
    import s3fs

    fs = s3fs.S3FileSystem(**store.s3fs_options(), skip_instance_cache=True)
    target = f"{raw_bucket}/{raw.key}"
    try:
        fs.put_file(str(local), target)
    except botocore.exceptions.EndpointConnectionError as error:
        raise EngineerToolError(
            f"the object store does not answer ({error}); `hub objectstore status` says why, "
            "`hub objectstore start` starts the embedded one"
        ) from error
    except FileNotFoundError as error:
        raise EngineerToolError(
            f"the raw bucket {raw_bucket!r} does not exist; `hub objectstore start` makes the "
            "embedded store's buckets"
        ) from error
    return target


# --- hub materialize ------------------------------------------------------------------------

# Tags the run one `hub materialize` starts, so that the command finds and follows it.
INVOCATION_TAG = "hub/invocation"


def data_set_run_command(data_set: str, invocation: str = "") -> list[str]:
    """The child process that runs `run_data_set(data_set)`, as `hub materialize` runs jobs."""
    program = (
        "import sys; from orchestration.engineering.tools import run_data_set; "
        "sys.exit(run_data_set(*sys.argv[1:]))"
    )
    return [sys.executable, "-c", program, checked_id(data_set, "data set"), invocation]


def run_data_set(data_set: str, invocation: str = "") -> int:
    """Run, in this process, what the raw-bucket sensor starts when `data_set`'s raw objects
    change: its bronze asset, everything downstream, and what those read that is stale, as
    the hub's asset job with its executor, tagged with the data set as the sensor's runs are
    (a failed run's steward note names it)."""
    import dagster as dg

    # No public API names a code location's asset job for a run of a selection; this is
    # how `dagster asset materialize` does it.
    from dagster._core.definitions.reconstruct import (
        ReconstructableJob,
        ReconstructableRepository,
    )

    from orchestration.automation.sensors import keys_to_run

    code_location = ReconstructableRepository.for_module(
        "orchestration.definitions", "defs", working_directory=str(REPO_ROOT)
    )
    repository = code_location.get_definition()
    tags = {"hub/data_set": data_set, "hub/trigger": "hub_materialize"}
    if invocation:
        tags[INVOCATION_TAG] = invocation
    with dg.DagsterInstance.get() as instance:
        keys = keys_to_run(data_set, repository.asset_graph, instance)
        job = repository.get_implicit_job_def_for_assets(keys)
        result = dg.execute_job(
            ReconstructableJob(code_location, job.name),
            instance,
            asset_selection=keys,
            tags=tags,
        )
        return 0 if result.success else 1


@dataclass(frozen=True)
class StepEvent:
    """One event of a run, as its progress tells it."""

    kind: str  # started | succeeded | failed | retrying | materialized | checked
    step: str
    at: float  # seconds since the epoch
    metadata: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    passed: bool = True  # a check's outcome
    error: str = ""  # a failed step's error, first line


@dataclass
class RunProgress:
    """A run's steps as they start and finish, told a line each, with what they landed."""

    started: dict[str, float] = dataclasses.field(default_factory=dict)
    materialized: Counter[str] = dataclasses.field(default_factory=Counter)
    checks: dict[str, Counter[bool]] = dataclasses.field(default_factory=dict)
    landing: dict[str, Mapping[str, Any]] = dataclasses.field(default_factory=dict)
    failed: dict[str, str] = dataclasses.field(default_factory=dict)  # step -> error
    told: dict[str, float] = dataclasses.field(default_factory=dict)  # long steps, last told

    def lines(self, event: StepEvent) -> list[str]:
        """What to tell of `event`; most events only add to what a step's last line says."""
        step = _step_name(event.step)
        if event.kind == "started":
            self.started[step] = self.told[step] = event.at
            return [f"started  {step}"]
        if event.kind == "materialized":
            self.materialized[step] += 1
            if "deliveries_landed_now" in event.metadata:
                self.landing[step] = event.metadata
            return []
        if event.kind == "checked":
            self.checks.setdefault(step, Counter())[event.passed] += 1
            return []
        took = f"{event.at - self.started.get(step, event.at):.1f} s"
        self.told.pop(step, None)
        if event.kind == "retrying":
            return [f"retrying {step} after {took}: {event.error}"]
        if event.kind == "failed":
            self.failed[step] = event.error
            return [f"failed   {step} after {took}: {event.error}"]
        return [f"done     {step} ({took}){self._what(step)}"]

    def still_running(self, now: float, every: float = 15.0) -> list[str]:
        """A line for each step that has run `every` seconds since it was last told of."""
        lines = []
        for step, since in self.told.items():
            if step in self.started and now - since >= every:
                self.told[step] = now
                lines.append(
                    f"running  {step} ({now - self.started[step]:.0f} s){self._what(step)}"
                )
        return lines

    def _what(self, step: str) -> str:
        landing = self.landing.get(step)
        if landing is not None:
            new = int(landing.get("deliveries_landed_now", 0))
            deliveries = new + int(landing.get("deliveries_unchanged", 0))
            return (
                f": {_counted(deliveries, 'delivery', 'deliveries')} ({new} new), "
                f"{_counted(int(landing.get('rows_landed', 0)), 'row')} in bronze, "
                f"{int(landing.get('rows_quarantined', 0)):,} quarantined"
            )
        parts = []
        if self.materialized[step]:
            parts.append(f"{_counted(self.materialized[step], 'asset')} materialized")
        checks = self.checks.get(step)
        if checks:
            passed = f"{_counted(checks[True], 'check')} passed"
            parts.append(f"{passed}, {checks[False]:,} did not" if checks[False] else passed)
        return f": {', '.join(parts)}" if parts else ""

    def deliveries(self) -> dict[str, int]:
        """The run's deliveries, summed over the data sets it landed."""
        total: Counter[str] = Counter()
        for landing in self.landing.values():
            for name, said in (
                ("deliveries_landed_now", "landed now"),
                ("deliveries_unchanged", "skipped as already landed"),
                ("deliveries_failed", "could not be read"),
                ("deliveries_held_by_gates", "held by the gates"),
            ):
                total[said] += int(landing.get(name, 0))
        return dict(total)


def _step_name(step_key: str) -> str:
    """A step as its asset key reads (bronze/screenings), or its op's name."""
    return step_key.replace("__", "/")


def _counted(count: int, thing: str, things: str | None = None) -> str:
    return f"{count:,} {thing if count == 1 else things or thing + 's'}"


def _progress_kinds() -> dict[Any, str]:
    """The Dagster event types the progress reads, and what each tells."""
    import dagster as dg

    return {
        dg.DagsterEventType.STEP_START: "started",
        dg.DagsterEventType.STEP_RESTARTED: "started",
        dg.DagsterEventType.STEP_SUCCESS: "succeeded",
        dg.DagsterEventType.STEP_FAILURE: "failed",
        dg.DagsterEventType.STEP_UP_FOR_RETRY: "retrying",
        dg.DagsterEventType.ASSET_MATERIALIZATION: "materialized",
        dg.DagsterEventType.ASSET_CHECK_EVALUATION: "checked",
    }


def step_event(entry: Any) -> StepEvent | None:
    """A Dagster event log entry as the progress reads it; None for any other entry."""
    event = entry.dagster_event
    kind = _progress_kinds().get(event.event_type) if event is not None else None
    if kind is None or not entry.step_key:
        return None
    metadata: dict[str, Any] = {}
    passed, error = True, ""
    if kind == "materialized":
        metadata = {key: value.value for key, value in entry.asset_materialization.metadata.items()}
    elif kind == "checked":
        passed = entry.asset_check_evaluation.passed
    elif kind == "failed" and event.step_failure_data and event.step_failure_data.error:
        error = event.step_failure_data.error.message.strip().splitlines()[0]
    elif kind == "retrying":
        error = (event.message or "").strip().splitlines()[0] if event.message else ""
    return StepEvent(kind, entry.step_key, entry.timestamp, metadata, passed, error)


PROGRESS_POLL_SECONDS = 1.0


def follow_run(
    invocation: str,
    process: Any,
    tell: Callable[[str], None],
    poll_seconds: float = PROGRESS_POLL_SECONDS,
) -> tuple[Any, RunProgress]:
    """Tell the progress of the run tagged with `invocation` while `process` (which runs it)
    lives, reading the run's event log in the Dagster instance at $DAGSTER_HOME. Returns the
    run's record (None if the process ended before it made a run) and its progress."""
    import dagster as dg

    progress = RunProgress()
    run, cursor = None, None
    with dg.DagsterInstance.get() as instance:
        while True:
            ended = process.poll() is not None
            if run is None:
                found = instance.get_run_records(
                    dg.RunsFilter(tags={INVOCATION_TAG: invocation}), limit=1
                )
                if found:
                    run = found[0].dagster_run
                    tell(f"run {run.run_id} of {run.job_name} started")
            if run is not None:
                more = True
                while more:
                    page = instance.get_records_for_run(
                        run.run_id, cursor=cursor, of_type=set(_progress_kinds()), limit=500
                    )
                    cursor, more = page.cursor, page.has_more
                    for record in page.records:
                        event = step_event(record.event_log_entry)
                        if event is None:
                            continue
                        for line in progress.lines(event):
                            tell(line)
                for line in progress.still_running(time.time()):
                    tell(line)
            if ended:
                break
            time.sleep(poll_seconds)
        record = instance.get_run_record_by_id(run.run_id) if run is not None else None
    return record, progress


# --- hub check ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One line of `hub check`: a check that passed, or a problem and what to do."""

    ok: bool
    subject: str
    text: str


def check_data_set(
    data_set: str,
    dbt_project_dir: Path,
    load_governance: Callable[[], Governance],
    sample: Path | None = None,
    contributor: str | None = None,
) -> list[Finding]:
    """Check a data set's declaration, the trust's references to it, its staging model and,
    given a sample, how its contributor's declaration reads it and what the bronze gates say;
    nothing runs and nothing is written."""
    checked_id(data_set, "data set")
    findings: list[Finding] = []
    spec = _check_declaration(data_set, dbt_project_dir, findings)
    _check_trust(data_set, spec, load_governance, findings)
    _check_staging_model(data_set, dbt_project_dir, findings)
    if spec is not None:
        _check_gates_declared(spec, findings)
        if sample is not None:
            _check_sample(spec, sample, contributor, findings)
    elif sample is not None:
        findings.append(
            Finding(False, "sample", "not read: the declaration must load first (see above)")
        )
    return findings


def report_lines(findings: Iterable[Finding], width: int = REPORT_WIDTH) -> list[str]:
    """The findings as lines of at most `width` columns: `ok` or `problem`, then the check."""
    lines = []
    for finding in findings:
        lines += textwrap.wrap(
            f"{'ok' if finding.ok else 'problem':<8}{finding.subject}: {finding.text}",
            width=width,
            subsequent_indent=" " * 8,
            break_on_hyphens=False,
        )
    return lines


def _check_declaration(
    data_set: str, dbt_project_dir: Path, findings: list[Finding]
) -> SourceSpec | None:
    from orchestration.platform.declarations import SOURCES_GLOB, load_source_specs

    path = dbt_project_dir / "models" / "staging" / data_set / f"_{data_set}__sources.yml"
    if not path.exists():
        declared = sorted(p.parent.name for p in dbt_project_dir.glob(SOURCES_GLOB))
        raise EngineerToolError(
            f"no data set {data_set!r} is declared ({_display(path)} is missing); declared: "
            f"{', '.join(declared)}"
        )
    try:
        specs = [spec for spec in parse_source_file(path) if spec.name == data_set]
    except SourceSpecError as error:
        findings.append(Finding(False, "declaration", _relative(str(error))))
        return None
    if not specs:
        findings.append(
            Finding(
                False,
                "declaration",
                f"{_display(path)} has no table {data_set!r} with a meta.hub block; declare "
                f"it as source {data_set!r}, table {data_set!r}",
            )
        )
        return None
    spec = specs[0]
    findings.append(
        Finding(
            True,
            "declaration",
            f"{len(spec.contributors)} contributor(s) ({', '.join(sorted(spec.contributors))}) "
            f"in {_display(path)}",
        )
    )
    try:
        load_source_specs(dbt_project_dir)
    except SourceSpecError as error:
        findings.append(Finding(False, "declarations together", _relative(str(error))))
    return spec


def _check_trust(
    data_set: str,
    spec: SourceSpec | None,
    load_governance: Callable[[], Governance],
    findings: list[Finding],
) -> None:
    from orchestration.trust.governance import GovernanceError

    try:
        governance = load_governance()
    except GovernanceError as error:
        about = [p for p in error.problems if _names_data_set(p, data_set)]
        for problem in about:
            findings.append(Finding(False, "trust", problem))
        others = len(error.problems) - len(about)
        if others:
            findings.append(
                Finding(
                    False,
                    "trust",
                    f"the trust's files have {others} other problem(s), so its references "
                    "were not checked; `hub check` of the data sets they name lists them",
                )
            )
        return
    except SourceSpecError as error:
        findings.append(Finding(False, "trust", _relative(str(error))))
        return
    problems = []
    if data_set not in governance.data_sets:
        problems.append(f"the trust does not know data set {data_set!r}")
    registered = {c for c, entry in governance.contributors.items() if data_set in entry.data_sets}
    declared = set(spec.contributors) if spec is not None else registered
    for contributor in sorted(declared - registered):
        problems.append(
            f"contributor {contributor!r} delivers {data_set!r} but the trust does not let it "
            "(no object-store rights for it)"
        )
    for contributor in sorted(registered - declared):
        problems.append(
            f"the trust lets {contributor!r} deliver {data_set!r}, but the declaration has no "
            "feed for it: its uploads would not land"
        )
    for problem in problems:
        findings.append(Finding(False, "trust", problem))
    agreements = sorted(
        agreement.id
        for agreement in governance.agreements.values()
        if data_set in agreement.data_sets
    )
    marts = sorted(
        mart.name
        for mart in governance.marts.values()
        if mart.data_sets is not None and data_set in mart.data_sets
    )
    if not problems:
        findings.append(
            Finding(
                True,
                "trust",
                f"{len(registered)} contributor(s) may deliver it; "
                + (
                    f"agreement(s) {', '.join(agreements)} name it"
                    if agreements
                    else "no agreement names it yet, so no extract holds it"
                )
                + (f"; mart(s) {', '.join(marts)}" if marts else ""),
            )
        )


def _names_data_set(problem: str, data_set: str) -> bool:
    return f"'{data_set}'" in problem or f"/{data_set}/" in problem


def _check_staging_model(data_set: str, dbt_project_dir: Path, findings: list[Finding]) -> None:
    folder = dbt_project_dir / "models" / "staging" / data_set
    models = sorted(folder.glob(f"stg_{data_set}__*.sql"))
    if models:
        findings.append(
            Finding(True, "staging model", ", ".join(_display(model) for model in models))
        )
    else:
        findings.append(
            Finding(
                False,
                "staging model",
                f"none in {_display(folder)}; add stg_{data_set}__<entity>s.sql, which selects "
                f"from source('{data_set}', '{data_set}')",
            )
        )


def _check_gates_declared(spec: SourceSpec, findings: list[Finding]) -> None:
    from expectations import registry

    declared = sorted(registry.declared_gates("bronze", spec.name))
    findings.append(
        Finding(
            True,
            "bronze gates",
            f"expectations/bronze/{spec.name}.py defines {', '.join(declared)}; the pandera "
            "schema comes from the declared types"
            if declared
            else f"the pandera schema from the declared types; no value rules "
            f"(expectations/bronze/{spec.name}.py would hold them)",
        )
    )


def _check_sample(
    spec: SourceSpec, sample: Path, contributor: str | None, findings: list[Finding]
) -> None:
    from orchestration.landing.landing import API_FORMAT

    try:
        checked_local_file(sample)
        feed = _sample_feed(spec, sample.name, contributor)
    except EngineerToolError as error:
        findings.append(Finding(False, "sample", str(error)))
        return
    if feed.format == API_FORMAT:
        findings.append(
            Finding(False, "sample", f"{feed.contributor!r} delivers through an API, not files")
        )
        return
    name_problem = _file_name_problem(sample.name)
    if name_problem:
        findings.append(Finding(False, "file name", f"{shown(sample.name)} {name_problem}"))
    elif not feed.accepts(sample.name):
        findings.append(
            Finding(
                False,
                "file name",
                f"{sample.name!r} does not match {feed.contributor}'s files ({feed.files!r}), "
                "so landing would ignore it; rename it to match",
            )
        )
    else:
        findings.append(Finding(True, "file name", f"{sample.name!r} is a valid raw object name"))
    file_name = sample.name if name_problem is None else "sample"
    raw = RawObject(spec.name, f"{feed.contributor}{DELIVERY_SEPARATOR}check", file_name)
    with tempfile.TemporaryDirectory(prefix="hub-check-") as workdir:
        candidate = _read_sample(spec, sample, feed, raw, Path(workdir), findings)
        if candidate is not None:
            _gate_sample(spec, raw, candidate, findings)


def _sample_feed(spec: SourceSpec, file_name: str, contributor: str | None) -> ContributorFeed:
    """The contributor feed a sample is read with: the one named, else the one whose `files`
    glob the sample's name matches."""
    if contributor is not None:
        checked_id(contributor, "contributor")
        feed = spec.feed_for(contributor)
        if feed is None:
            raise EngineerToolError(
                f"contributor {contributor!r} is not declared for {spec.name!r}; its "
                f"contributors: {', '.join(sorted(spec.contributors))}"
            )
        return feed
    matching = [feed for feed in spec.contributors.values() if feed.accepts(file_name)]
    if len(matching) == 1:
        return matching[0]
    globs = ", ".join(f"{feed.contributor}: {feed.files}" for feed in spec.contributors.values())
    if not matching:
        raise EngineerToolError(
            f"{shown(file_name)} matches no contributor's files ({globs}); rename it to match "
            "or name the contributor with --contributor"
        )
    raise EngineerToolError(
        f"{shown(file_name)} matches the files of "
        f"{', '.join(sorted(feed.contributor for feed in matching))}; name one with --contributor"
    )


def _read_sample(
    spec: SourceSpec,
    sample: Path,
    feed: ContributorFeed,
    raw: RawObject,
    workdir: Path,
    findings: list[Finding],
) -> Candidate | None:
    from adapters import AdapterError
    from orchestration.landing.landing import parse_candidate

    subject = f"read as {feed.contributor}"
    with sample.open("rb") as stream:
        sha256 = hashlib.file_digest(stream, "sha256").hexdigest()
    try:
        candidate = parse_candidate(
            sample,
            raw,
            printable(sample),
            sha256,
            feed.format,
            feed.options,
            datetime.now(UTC),
            workdir / "candidate.parquet",
        )
    except AdapterError as error:
        findings.append(
            Finding(
                False,
                subject,
                f"{error}; fix the file, or the contributor's format and options in "
                f"{_display(spec.declared_in)}",
            )
        )
        return None
    rejected = len(candidate.rejections)
    text = (
        f"{candidate.rows:,} rows, {len(candidate.columns)} columns "
        f"({feed.format or candidate.report.get('format', 'detected format')})"
    )
    if rejected:
        first = candidate.rejections[0]
        findings.append(
            Finding(
                False,
                subject,
                f"{text}; {rejected:,} row(s) would be quarantined, e.g. {first.reason}",
            )
        )
    else:
        findings.append(Finding(True, subject, f"{text}; no row quarantined"))
    return candidate


def _gate_sample(
    spec: SourceSpec, raw: RawObject, candidate: Candidate, findings: list[Finding]
) -> None:
    from expectations.gate_result import ExpectationOutcome
    from orchestration.landing.gates import gates_for

    gates = gates_for(spec)
    try:
        verdict = gates.gate(None)(raw, candidate.path)
    except Exception as error:  # a gate module that does not load is the data set's problem
        findings.append(Finding(False, "bronze gates", f"could not load: {error}"))
        return
    for name, result in verdict.results.items():
        failures = result.get("failures") or []
        if result.get("success"):
            evaluated = result.get("expectations_evaluated")
            findings.append(
                Finding(True, name, f"{evaluated} rules pass on the sample (within it alone)")
            )
            continue
        described = [
            ExpectationOutcome(**failure).describe() if isinstance(failure, dict) else failure
            for failure in failures
        ]
        findings.append(
            Finding(
                False,
                name,
                f"{len(described)} rule(s) fail, so landing would hold this delivery back: "
                + "; ".join(described[:3])
                + (f"; and {len(described) - 3} more" if len(described) > 3 else ""),
            )
        )


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def _relative(message: str) -> str:
    """A declaration's message with the repository's own paths shown from its root."""
    return message.replace(f"{REPO_ROOT}/", "")
