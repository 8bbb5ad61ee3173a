"""Gates for bronze: what each contributor sent, as landed (strings plus lineage columns).

One module per source, named as the source, exporting `gx_suite()` and `PanderaModel`;
`expectations.registry` finds them by name.
"""
