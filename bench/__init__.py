"""Benchmarks: scripts that print figures beside their baseline."""
