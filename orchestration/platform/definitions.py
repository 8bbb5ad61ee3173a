"""Resources, configured from environment variables only (README: Configuration)."""

import os

import dagster as dg
from dagster_aws.s3 import S3Resource

from orchestration.platform.resources import (
    ENCRYPTION_KEY_VARIABLE,
    LakeResource,
    WarehouseResource,
)


def _when_set(**fields: str) -> dict[str, dg.EnvVar]:
    """`field=EnvVar(name)` for the variables that hold a value. The others keep the
    resource's default: an empty endpoint is AWS, empty keys are the AWS credential chain,
    and an unset EnvVar would fail every run."""
    return {field: dg.EnvVar(name) for field, name in fields.items() if os.environ.get(name)}


def definitions() -> dg.Definitions:
    return dg.Definitions(
        resources={
            "lake": LakeResource(
                region=dg.EnvVar("HUB_S3_REGION"),
                raw_bucket=dg.EnvVar("HUB_RAW_BUCKET"),
                lake_bucket=dg.EnvVar("HUB_LAKE_BUCKET"),
                **_when_set(
                    endpoint_url="HUB_S3_ENDPOINT",
                    access_key_id="HUB_S3_ACCESS_KEY_ID",
                    secret_access_key="HUB_S3_SECRET_ACCESS_KEY",
                    url_style="HUB_S3_URL_STYLE",
                ),
            ),
            "warehouse": WarehouseResource(
                path=dg.EnvVar("HUB_WAREHOUSE_PATH"),
                **_when_set(encryption_key=ENCRYPTION_KEY_VARIABLE),
            ),
            "raw_s3": S3Resource(
                region_name=dg.EnvVar("HUB_S3_REGION"),
                **_when_set(
                    endpoint_url="HUB_S3_ENDPOINT",
                    aws_access_key_id="HUB_S3_ACCESS_KEY_ID",
                    aws_secret_access_key="HUB_S3_SECRET_ACCESS_KEY",
                ),
            ),
        }
    )
