"""Contact pages."""
