"""The demo data set (filled in below once contacts exist)."""
