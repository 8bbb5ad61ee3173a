"""One module per data set; each exposes `generate(estate)`."""
