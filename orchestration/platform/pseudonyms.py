"""Keyed-hash pseudonyms for identifiers of people, applied before anything reaches silver.

HMAC-SHA-256 with a key from the environment (HUB_PSEUDONYM_KEY), never from the repository.
Values are normalized first (case, spacing), so the same person sent by two contributors gets
the same pseudonym and can be de-duplicated, while nobody without the key can reverse it or
test a guess. The dbt plugin below defines `hub_pseudonym(text)` in every dbt cursor as a
temporary DuckDB macro: the HMAC runs in DuckDB's own SHA-256 on every core, and the key,
held only in that cursor's temporary catalog, is never written to the warehouse file.
`pseudonymize` is the same function in Python; a test holds the two to the same output.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re

from dbt.adapters.duckdb.plugins import BasePlugin

KEY_VARIABLE = "HUB_PSEUDONYM_KEY"
MIN_KEY_BYTES = 32
PREFIX = "p_"
HEX_DIGITS = 32
# Python's str.isspace() characters, as RE2 (DuckDB's regular expressions) spells them: RE2's
# own \s is ASCII only.
WHITESPACE = r"[\s\x{1C}-\x{1F}\x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}]+"
_SHA256_BLOCK_BYTES = 64


def pseudonym_key() -> bytes:
    key = os.environ.get(KEY_VARIABLE, "")
    if len(key.encode()) < MIN_KEY_BYTES:
        raise RuntimeError(
            f"{KEY_VARIABLE} must be set to a secret of at least {MIN_KEY_BYTES} bytes "
            "(e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`); "
            "the `hub` command creates one under .hub/ for local use"
        )
    return key.encode()


def normalize(value: str) -> str:
    return re.sub(r"\s+", " ", value.strip().lower())


def pseudonymize(value: str | None, key: bytes) -> str | None:
    if value is None or not value.strip():
        return None
    digest = hmac.new(key, normalize(value).encode(), hashlib.sha256).hexdigest()
    return f"{PREFIX}{digest[:HEX_DIGITS]}"


def macro_sql(key: bytes) -> list[str]:
    """`hub_pseudonym(value)` as temporary DuckDB macros: HMAC-SHA-256 (RFC 2104) over the
    normalized value, from DuckDB's sha256 and the key's inner and outer pads."""
    if len(key) > _SHA256_BLOCK_BYTES:
        key = hashlib.sha256(key).digest()
    key = key.ljust(_SHA256_BLOCK_BYTES, b"\0")
    inner = bytes(byte ^ 0x36 for byte in key).hex()
    outer = bytes(byte ^ 0x5C for byte in key).hex()
    return [
        "CREATE OR REPLACE TEMP MACRO hub_normalized(value) AS "
        f"trim(regexp_replace(lower(value), '{WHITESPACE}', ' ', 'g'), ' ')",
        "CREATE OR REPLACE TEMP MACRO hub_pseudonym(value) AS "
        "CASE WHEN hub_normalized(value) = '' THEN NULL ELSE "
        f"'{PREFIX}' || left(sha256(unhex('{outer}') || "
        f"unhex(sha256(unhex('{inner}') || encode(hub_normalized(value))))), {HEX_DIGITS}) END",
    ]


class Plugin(BasePlugin):
    """dbt-duckdb plugin: `hub_pseudonym(value)` in every cursor dbt runs SQL on."""

    def configure_cursor(self, cursor) -> None:
        for statement in macro_sql(pseudonym_key()):
            cursor.execute(statement)
