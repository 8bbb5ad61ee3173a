"""What every concern runs on.

declarations the `meta.hub` declaration of each data set in its dbt sources file, parsed
             and validated: what every other concern reads a data set from
settings     the hub's settings, from the environment only
resources    the lake (object store) and warehouse (DuckDB) resources
definitions  the resources, configured from environment variables
lake_layout  where each kind of object lives in the lake bucket
objectstore  the embedded S3 server (SeaweedFS), its buckets and identities
sql_quoting  quoting identifiers and literals for SQL
pseudonyms   keyed pseudonyms for person-level identifiers
"""
