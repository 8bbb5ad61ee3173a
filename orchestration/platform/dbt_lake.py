"""dbt-duckdb plugin: the dbt build reaches the lake with the same S3 secret as every other
DuckDB session of the hub (`ObjectStore.duckdb_secret_sql`): static keys, or the AWS
credential chain when none are set, which a profile's fixed `secrets:` entry cannot express."""

from dbt.adapters.duckdb.plugins import BasePlugin

from orchestration.platform.settings import ObjectStore


class Plugin(BasePlugin):
    def configure_connection(self, conn) -> None:
        conn.execute(ObjectStore.from_environment().duckdb_secret_sql())
