"""Benchmarks for kliping: a corpus generator and timed drives of the list widget and the app."""
