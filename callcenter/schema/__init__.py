"""The database schema of the composed product: every package's tables and their migrations.

Storage (`callcenter.storage`) is the ground floor and knows no domain package; each domain
package declares its own tables on `storage.base.Base`. This package sits beside the
composition root and gathers them (`tables`), so that Alembic's migrations (`migrations/`,
run by `migrate`) and the tests see the complete metadata.
"""
