"""Persistence, the ground floor: SQLAlchemy 2 async on SQLite (default) or PostgreSQL.

Owns the engine and sessions (`database`), the declarative base and column types every
package's tables use (`base`, `types`). It imports no domain package; the full schema and its
Alembic migrations are `callcenter.schema`'s.
"""
