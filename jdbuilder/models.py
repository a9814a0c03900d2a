"""Job descriptions and their revisions live here (the wizard issue adds them)."""
