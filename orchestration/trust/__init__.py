"""The data trust: who may see what, for which purpose, and the record of what left the hub.

governance   the declarations in this folder (*.yml: roles and tiers, agreements,
             approvals, marts; contributors come from the data sets' declarations),
             validated whole when the code location loads
suppression  small-cell suppression with complementary suppression, over Polars/Arrow tables
analytics    the suppressed gold analytic marts, written from their intermediate counts
extracts     role- and purpose-scoped extract packages
audit        the hash-chained, append-only audit log in the lake
withdrawals  a contributor's withdrawal: the registry landing consults, and the purge
identities   least-privilege object-store identities derived from the declarations
keys         pseudonym key rotation
assets       the Dagster asset types: a suppressed gold mart, an approved extract
definitions  those assets, one per declared mart and per approved extract
"""
