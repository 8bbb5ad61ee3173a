"""The bronze landing: a data set's declaration (orchestration/platform/declarations.py), one
way through, to bronze Parquet.

assets        the bronze asset of a declaration: land, gate, release
landing       a raw object to bronze: parse with the format's adapter, quarantine rejected
              rows, write Parquet with the lineage columns, keep the landing ledger
gates         the quality gates on what was landed (GE and pandera), before release
cadence       how late a delivery is against its declared cadence
quarantine    reading what the landings rejected
raw_changes   which raw objects are new, changed or removed since the last landing
definitions   one bronze asset per declared data set
"""
