"""Benchmarks: adapter throughput and the pipeline against its floor and a peer (`make bench`)."""
