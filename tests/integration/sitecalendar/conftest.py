from tests.integration.customers.support import api

__all__ = ["api"]
