"""A paginated JSON API read from a real HTTP server on loopback."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
import requests

from adapters import AdapterError, read_api, read_batches

CASES = [{"case_id": f"C-{i}", "state": ["TX", "OH"][i % 2], "victims": i} for i in range(1, 24)]
TOKEN = "test-token-1234"


class CasesApi(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        return

    def _send(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        url = urlparse(self.path)
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            self._send(401, {"error": "unauthorized"})
            return
        if url.path == "/page":
            page, size = int(query["page"]), int(query["per_page"])
            items = CASES[(page - 1) * size : page * size]
            self._send(200, {"data": {"items": items}})
        elif url.path == "/offset":
            offset, limit = int(query["offset"]), int(query["limit"])
            self._send(200, {"results": CASES[offset : offset + limit]})
        elif url.path == "/cursor":
            start = int(query.get("cursor", 0))
            following = start + 10 if start + 10 < len(CASES) else None
            self._send(200, {"items": CASES[start : start + 10], "meta": {"next": following}})
        elif url.path == "/linked":
            start = int(query.get("from", 0))
            link = f"/linked?from={start + 10}" if start + 10 < len(CASES) else None
            self._send(200, {"items": CASES[start : start + 10], "links": {"next": link}})
        elif url.path == "/broken":
            self._send(500, {"error": "boom"})
        else:
            self._send(404, {"error": "no such path"})


@pytest.fixture(scope="module")
def api_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), CasesApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


AUTH = {"header": "Authorization", "env": "CASES_API_TOKEN", "prefix": "Bearer "}
ENVIRON = {"CASES_API_TOKEN": TOKEN}


def landed(results) -> list[dict]:
    return [row for result in results for row in result.table.to_pylist()]


@pytest.mark.parametrize(
    ("path", "options"),
    [
        ("/page", {"record_path": "data.items", "pagination": {"style": "page", "page_size": 5}}),
        ("/offset", {"record_path": "results", "pagination": {"style": "offset", "page_size": 7}}),
        (
            "/cursor",
            {"record_path": "items", "pagination": {"style": "cursor", "cursor_path": "meta.next"}},
        ),
        (
            "/linked",
            {
                "record_path": "items",
                "pagination": {"style": "next_url", "next_url_path": "links.next"},
            },
        ),
    ],
)
def test_every_pagination_style_lands_every_record(api_url, path, options):
    results = list(
        read_api({"url": api_url + path, "auth": AUTH, **options}, "api/cases", environ=ENVIRON)
    )

    assert landed(results) == [
        {"case_id": c["case_id"], "state": c["state"], "victims": str(c["victims"])} for c in CASES
    ]
    assert results[-1].report["pages"] >= 3


def test_batches_are_bounded_and_an_injected_session_is_used(api_url):
    session = requests.Session()
    options = {
        "url": api_url + "/page",
        "auth": AUTH,
        "record_path": "data.items",
        "pagination": {"style": "page", "page_size": 5},
        "batch_rows": 10,
        "types": {"victims": "integer"},
    }

    results = list(read_api(options, "api/cases", session=session, environ=ENVIRON))

    assert [r.table.num_rows for r in results] == [10, 10, 3]
    assert results[0].table.schema.field("victims").type.bit_width == 64


def test_read_batches_reads_an_api_without_a_stream(api_url, monkeypatch):
    monkeypatch.setenv("CASES_API_TOKEN", TOKEN)
    options = {
        "url": api_url + "/cursor",
        "auth": AUTH,
        "record_path": "items",
        "pagination": {"style": "cursor", "cursor_path": "meta.next"},
    }

    results = list(read_batches(None, "api/cases", "api", options))

    assert sum(r.table.num_rows for r in results) == len(CASES)


def test_a_missing_credential_names_the_variable(api_url):
    with pytest.raises(AdapterError, match="environment variable CASES_API_TOKEN is not set"):
        list(read_api({"url": api_url + "/page", "auth": AUTH}, "api/cases", environ={}))


def test_a_rejected_credential_names_the_page_and_never_the_secret(api_url):
    with pytest.raises(AdapterError) as raised:
        list(
            read_api(
                {
                    "url": api_url + "/page",
                    "auth": AUTH,
                    "record_path": "data.items",
                    "pagination": {"style": "page"},
                },
                "api/cases",
                environ={"CASES_API_TOKEN": "wrong-secret"},
            )
        )

    assert "page 1 (GET" in str(raised.value)
    assert "answered HTTP 401" in str(raised.value)
    assert "wrong-secret" not in str(raised.value)


def test_a_server_error_stops_the_object(api_url):
    with pytest.raises(AdapterError, match="answered HTTP 500"):
        list(
            read_api(
                {"url": api_url + "/broken", "auth": AUTH, "timeout": 5},
                "api/cases",
                session=requests.Session(),
                environ=ENVIRON,
            )
        )


def test_runaway_pagination_stops_at_max_pages(api_url):
    with pytest.raises(AdapterError, match=r"still had pages after 2 \(`pagination.max_pages`\)"):
        list(
            read_api(
                {
                    "url": api_url + "/page",
                    "auth": AUTH,
                    "record_path": "data.items",
                    "pagination": {"style": "page", "page_size": 5, "max_pages": 2},
                },
                "api/cases",
                environ=ENVIRON,
            )
        )
