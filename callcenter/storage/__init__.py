"""Persistence: SQLAlchemy 2 async on SQLite (default) or PostgreSQL, migrated by Alembic."""
