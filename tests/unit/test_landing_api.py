"""An API contributor: pulled once a day into raw as Parquet, then landed like any delivery."""

import json
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import fsspec
import pytest

from orchestration.landing.landing import land_source
from orchestration.platform.declarations import ContributorFeed, SourceSpec

CASES = [{"case_id": f"C{i}", "state": "TX"} for i in range(5)]
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class CasesApi(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.headers.get("Authorization") != "Bearer s3cret":
            self.send_response(401)
            self.end_headers()
            return
        query = parse_qs(urlparse(self.path).query)
        page, size = int(query["page"][0]), int(query["per_page"][0])
        body = {"data": {"items": CASES[(page - 1) * size : page * size]}}
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps(body).encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def api_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), CasesApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/cases"
    server.shutdown()


@pytest.fixture
def fs():
    memory = fsspec.filesystem("memory")
    memory.store.clear()
    yield memory
    memory.store.clear()


def spec_for(url: str) -> SourceSpec:
    options = {
        "url": url,
        "record_path": "data.items",
        "auth": {"header": "Authorization", "env": "CASES_API_TOKEN", "prefix": "Bearer "},
        "pagination": {"style": "page", "page_size": 2},
    }
    feed = ContributorFeed("houston_api", "api", "*", options)
    return SourceSpec("service_cases", "Cases", 7, {"houston_api": feed}, Path("x.yml"))


def test_an_api_is_pulled_into_raw_once_a_day_and_landed(fs, api_url, monkeypatch):
    monkeypatch.setenv("CASES_API_TOKEN", "s3cret")
    report = land_source(spec_for(api_url), fs, "raw", "lake", now=NOW)
    (outcome,) = report.outcomes
    assert outcome.raw_key == "raw/service_cases/houston_api__2026-03-02/api.parquet"
    assert (outcome.status, outcome.rows) == ("landed", 5)
    assert fs.exists("lake/bronze/service_cases/houston_api__2026-03-02/api.parquet.parquet")

    again = land_source(spec_for(api_url), fs, "raw", "lake", now=NOW)
    assert [o.status for o in again.outcomes] == ["unchanged"]


def test_a_refused_pull_is_reported_without_the_secret(fs, api_url, monkeypatch):
    monkeypatch.setenv("CASES_API_TOKEN", "wrong-token")
    (outcome,) = land_source(spec_for(api_url), fs, "raw", "lake", now=NOW).outcomes
    assert outcome.status == "failed"
    assert "api:service_cases/houston_api" in outcome.error
    assert "wrong-token" not in outcome.error
    assert not fs.exists("raw/service_cases/houston_api__2026-03-02/api.parquet")
