"""Per-format readers: raw bytes in, Arrow tables and a rejection report out."""

from adapters.base import AdapterError, AdapterOptions, AdapterResult, Rejection
from adapters.http_api import read_api
from adapters.registry import ADAPTERS, detect_format, read_batches, read_object

__all__ = [
    "ADAPTERS",
    "AdapterError",
    "AdapterOptions",
    "AdapterResult",
    "Rejection",
    "detect_format",
    "read_api",
    "read_batches",
    "read_object",
]
