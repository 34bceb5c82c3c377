"""Organisation pages."""
