"""The data engineer's tools behind `hub contributor keys`, `hub upload`, `hub check`,
`hub materialize --data-set` (tools) and `hub propose` (proposal)."""
