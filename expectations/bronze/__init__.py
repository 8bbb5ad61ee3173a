"""GE suites for bronze: what each contributor sent, as landed, with the lineage columns.

One module per source, named as the source, exporting `gx_suite()`: the rules on the values
of a delivery's relation. `expectations.registry` finds it by name. The types of the frame
(lineage and declared `types:`) are pandera's, derived in `expectations.pandera_gate`.
"""
