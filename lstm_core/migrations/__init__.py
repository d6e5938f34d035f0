"""Alembic migrations of the run store (``lstm_core.store``): ``env.py`` and ``versions/``."""
