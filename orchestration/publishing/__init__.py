"""What the hub publishes for analysts and the public.

publication      the published gold: a DuckLake snapshot per publication, read-only
heatmap          the 27-cell scores read from gold
heatmap_render   the heat map as a terminal table, PNG and HTML
heatmap_report   the heat map asset: PNG and HTML in the lake's reports
data_dictionary  the data dictionary of the published tables (`hub docs`)
explorer         the evidence explorer: a static site from the published gold (`hub explorer`)
published_gold   the asset that releases, publishes and exports the declared gold
definitions      the published gold, the heat map and the explorer assets
"""
