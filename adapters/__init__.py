"""Per-format readers: raw bytes in, an Arrow table and a rejection report out."""

from adapters.base import AdapterError, AdapterOptions, AdapterResult, Rejection
from adapters.registry import detect_format, read_batches, read_object

__all__ = [
    "AdapterError",
    "AdapterOptions",
    "AdapterResult",
    "Rejection",
    "detect_format",
    "read_batches",
    "read_object",
]
