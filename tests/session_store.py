"""The keys and buckets of the session's object store (tests/conftest.py starts it), and what
a test's hub is."""

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import s3fs

from orchestration.platform.settings import ObjectStore as StoreSettings

TEST_ACCESS_KEY_ID = "hub-test"
TEST_SECRET_ACCESS_KEY = secrets.token_hex(16)
# The session's one fully built hub (tests/built_hub.py) has these buckets, and
# the store knows the analyst's identity on them, with the rights roles.yml gives it.
SHARED_RAW_BUCKET, SHARED_LAKE_BUCKET = "raw-shared", "lake-shared"
ANALYST_KEYS = ("hub-test-analyst", secrets.token_hex(16))


@dataclass
class HubEnvironment:
    home: Path
    raw_bucket: str
    lake_bucket: str
    fs: s3fs.S3FileSystem
    store: StoreSettings

    @property
    def warehouse_path(self) -> Path:
        return Path(os.environ["HUB_WAREHOUSE_PATH"])
