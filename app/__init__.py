"""Shamelist: a public, traceable shame list for customer service."""
