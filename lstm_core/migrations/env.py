"""Alembic's entry point for the run store.

``lstm_core.store`` runs ``upgrade head`` itself when it opens a database and hands its
connection over in ``config.attributes["connection"]``. Without one (Alembic's command line,
e.g. ``alembic revision --autogenerate`` with a config whose ``script_location`` is this
folder), the store ``LSTM_EXPLORER_DB`` names is migrated.
"""

import os

import sqlalchemy as sa
from alembic import context

from lstm_core import store, store_tables


def run_migrations(connection) -> None:
    context.configure(
        connection=connection, target_metadata=store_tables.Base.metadata, render_as_batch=True
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    url = store.database_url(os.environ.get(store.ENV_URL) or store.default_url())
    with sa.create_engine(url).begin() as connection:
        run_migrations(connection)
