"""Synthetic raw deliveries for the hub's demo and tests; see README.md."""

from typing import Any

from infra.demo.manifest import Defect, Delivery, EstateManifest

__all__ = ["Defect", "Delivery", "EstateManifest", "generate_estate"]


def __getattr__(name: str) -> Any:
    # Imported on use, so `python -m infra.demo.generate` does not load the module twice.
    if name == "generate_estate":
        from infra.demo.generate import generate_estate

        return generate_estate
    raise AttributeError(f"module 'infra.demo' has no attribute {name!r}")
