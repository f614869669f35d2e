"""libcst codemods behind the unsafe fixes (`--unsafe-fixes`): rewrites too big for a rule's fixer."""

from checks.codemods.orm_to_client import MigrationResult, migrate_orm_to_client

__all__ = ["MigrationResult", "migrate_orm_to_client"]
