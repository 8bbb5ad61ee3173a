"""Resources, configured from environment variables only (README: Configuration)."""

import os

import dagster as dg
from dagster_aws.s3 import S3Resource

from orchestration.platform.resources import (
    ENCRYPTION_KEY_VARIABLE,
    LakeResource,
    WarehouseResource,
)


def definitions() -> dg.Definitions:
    return dg.Definitions(
        resources={
            "lake": LakeResource(
                endpoint_url=dg.EnvVar("HUB_S3_ENDPOINT"),
                access_key_id=dg.EnvVar("HUB_S3_ACCESS_KEY_ID"),
                secret_access_key=dg.EnvVar("HUB_S3_SECRET_ACCESS_KEY"),
                region=dg.EnvVar("HUB_S3_REGION"),
                raw_bucket=dg.EnvVar("HUB_RAW_BUCKET"),
                lake_bucket=dg.EnvVar("HUB_LAKE_BUCKET"),
            ),
            "warehouse": WarehouseResource(
                path=dg.EnvVar("HUB_WAREHOUSE_PATH"),
                # Optional: an unset EnvVar would fail every run, so it is read only when set.
                **(
                    {"encryption_key": dg.EnvVar(ENCRYPTION_KEY_VARIABLE)}
                    if os.environ.get(ENCRYPTION_KEY_VARIABLE)
                    else {}
                ),
            ),
            "raw_s3": S3Resource(
                endpoint_url=dg.EnvVar("HUB_S3_ENDPOINT"),
                aws_access_key_id=dg.EnvVar("HUB_S3_ACCESS_KEY_ID"),
                aws_secret_access_key=dg.EnvVar("HUB_S3_SECRET_ACCESS_KEY"),
                region_name=dg.EnvVar("HUB_S3_REGION"),
            ),
        }
    )
