"""One file per schema revision of the run store, oldest first (``down_revision`` links)."""
