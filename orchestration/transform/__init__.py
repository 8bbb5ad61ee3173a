"""The dbt project in Dagster: staging views, silver and gold tables in the warehouse.

definitions      the dbt project, its assets and the dbt resource
dbt_cli          the dbt CLI resource and preparing the project (`hub prepare`)
dbt_translation  dbt models to asset keys and groups
silver_inputs    which conformed models feed each silver model, found by convention
"""
