"""Extraction: page content to the item's raw fields (no normalisation here)."""
