"""A paginated HTTP JSON API as a source.

Here the declaration is the object: there is no stream to hand over, so the orchestration
calls `read_api(options, source_name)` (or `read_batches(None, source_name, format="api",
options=...)`). Options:

    url: https://example.org/api/v1/cases
    params: {state: TX}                      # fixed query parameters
    headers: {Accept: application/json}      # fixed, non-secret headers
    auth: {header: Authorization, env: HOTLINE_API_TOKEN, prefix: "Bearer "}
    record_path: data.items                  # where the records are in each page
    pagination:
      style: page | offset | cursor | next_url | none
      page_param: page, start: 1, size_param: per_page, page_size: 100     # page
      offset_param: offset, limit_param: limit, page_size: 100             # offset
      cursor_param: cursor, cursor_path: meta.next_cursor                  # cursor
      next_url_path: links.next                                            # next_url
      max_pages: 10000
    timeout: 30

The secret comes from the environment variable the declaration names, never from the
declaration itself, and never appears in a message or report. Transient failures (429,
502-504) are retried with backoff; any other failure stops the object, naming the page.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urljoin

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from adapters.base import AdapterError, AdapterOptions, AdapterResult, as_options
from adapters.json_records import records_at
from adapters.records import RecordBatcher, flatten

_STYLES = ("none", "page", "offset", "cursor", "next_url")


def default_session() -> requests.Session:
    """A session that retries transient failures, honouring Retry-After."""
    session = requests.Session()
    retry = Retry(
        total=3,
        backoff_factor=0.5,
        status_forcelist=(429, 502, 503, 504),
        allowed_methods=frozenset({"GET"}),
        raise_on_status=False,
    )
    session.mount("http://", HTTPAdapter(max_retries=retry))
    session.mount("https://", HTTPAdapter(max_retries=retry))
    return session


def _value_at(document: Any, path: str) -> Any:
    for step in path.split("."):
        if not isinstance(document, dict):
            return None
        document = document.get(step)
    return document


def _auth_headers(
    auth: Mapping[str, Any] | None, environ: Mapping[str, str], source_name: str
) -> dict[str, str]:
    if not auth:
        return {}
    variable = auth.get("env")
    if not variable:
        raise AdapterError(
            source_name,
            "`auth` must name the environment variable holding the secret (`env:`); secrets "
            "never go in the declaration",
        )
    secret = environ.get(variable)
    if not secret:
        raise AdapterError(
            source_name,
            f"environment variable {variable} is not set; set it to the API credential "
            "before running this source",
        )
    return {auth.get("header", "Authorization"): f"{auth.get('prefix', '')}{secret}"}


def read_api(
    options: Mapping[str, Any] | AdapterOptions,
    source_name: str,
    session: requests.Session | None = None,
    environ: Mapping[str, str] | None = None,
) -> Iterator[AdapterResult]:
    """Fetch every page of a JSON API and yield its records in batches."""
    options = as_options(options, source_name)
    extra = options.extra
    url = extra.get("url")
    if not url:
        raise AdapterError(source_name, "an API source needs `url:` in its options")
    pagination = dict(extra.get("pagination") or {})
    style = pagination.get("style", "none")
    if style not in _STYLES:
        raise AdapterError(
            source_name, f"`pagination.style: {style}` must be one of {', '.join(_STYLES)}"
        )
    headers = {
        **dict(extra.get("headers") or {}),
        **_auth_headers(extra.get("auth"), os.environ if environ is None else environ, source_name),
    }
    timeout = float(extra.get("timeout", 30))
    max_pages = int(pagination.get("max_pages", 10_000))
    page_size = int(pagination.get("page_size", 100))
    page = int(pagination.get("start", 1))
    offset = int(pagination.get("start", 0)) if style == "offset" else 0
    cursor: Any = None
    next_url: str | None = url
    session = session or default_session()

    report: dict[str, Any] = {"format": "api", "url": url, "pagination": style, "pages": 0}
    batcher = RecordBatcher(options, source_name, report)
    record_number = 0
    for page_number in range(1, max_pages + 2):
        if page_number > max_pages:
            raise AdapterError(
                source_name,
                f"the API still had pages after {max_pages} (`pagination.max_pages`); raise "
                "`max_pages` if the source is this large, or check the pagination settings",
            )
        params = dict(extra.get("params") or {})
        if style == "page":
            params[pagination.get("page_param", "page")] = page
            params[pagination.get("size_param", "per_page")] = page_size
        elif style == "offset":
            params[pagination.get("offset_param", "offset")] = offset
            params[pagination.get("limit_param", "limit")] = page_size
        elif style == "cursor" and cursor is not None:
            params[pagination.get("cursor_param", "cursor")] = cursor
        request_url = next_url if style == "next_url" else url
        body = _fetch(session, request_url, params, headers, timeout, page_number, source_name)
        records = records_at(body, options.record_path, source_name)
        report["pages"] = page_number
        for record in records:
            record_number += 1
            original = json.dumps(record, ensure_ascii=False)
            if not isinstance(record, dict):
                batcher.reject(
                    record_number,
                    f"record {record_number} (page {page_number}) is not an object; the row "
                    "was quarantined",
                    original,
                )
                continue
            batcher.add(flatten(record), record_number, original)
            if batcher.full:
                yield batcher.flush()
        if style == "none":
            break
        if style in ("page", "offset"):
            if len(records) < page_size:
                break
            page += 1
            offset += len(records)
        elif style == "cursor":
            cursor = _value_at(body, pagination.get("cursor_path", "next_cursor"))
            if cursor in (None, ""):
                break
        else:
            following = _value_at(body, pagination.get("next_url_path", "next"))
            if not following:
                break
            next_url = urljoin(request_url or url, str(following))
    yield from batcher.finish()


def _fetch(
    session: requests.Session,
    url: str | None,
    params: dict[str, Any],
    headers: dict[str, str],
    timeout: float,
    page_number: int,
    source_name: str,
) -> Any:
    try:
        response = session.get(url, params=params, headers=headers, timeout=timeout)
    except requests.RequestException as error:
        raise AdapterError(
            source_name,
            f"page {page_number} (GET {url}) failed: {type(error).__name__}; check that the "
            "API is reachable, then run the source again",
        ) from error
    if response.status_code >= 400:
        hint = (
            "check the credential in the environment variable named by `auth.env`"
            if response.status_code in (401, 403)
            else "the source was not landed; run it again later"
        )
        raise AdapterError(
            source_name,
            f"page {page_number} (GET {response.url}) answered HTTP {response.status_code} "
            f"{response.reason}; {hint}",
        )
    try:
        return response.json()
    except ValueError as error:
        raise AdapterError(
            source_name,
            f"page {page_number} (GET {response.url}) is not JSON "
            f"({response.headers.get('Content-Type', 'no content type')}); check `url:`",
        ) from error
