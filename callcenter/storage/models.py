"""Imports every table module so that the metadata is complete for migrations and tests."""

from callcenter.calls import models as call_models  # noqa: F401
from callcenter.directory import models as directory_models
from callcenter.storage.base import Base

__all__ = ["Base", "directory_models"]
