"""Admin pages (filled in by its owner)."""
