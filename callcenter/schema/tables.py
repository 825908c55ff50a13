"""Every package's tables, imported so that the metadata is complete for migrations and tests."""

from callcenter.agents import models as agent_models  # noqa: F401
from callcenter.audit import models as audit_models  # noqa: F401
from callcenter.auth import models as auth_models  # noqa: F401
from callcenter.calls import models as call_models  # noqa: F401
from callcenter.complaints import models as complaint_models  # noqa: F401
from callcenter.customers import models as customer_models  # noqa: F401
from callcenter.directory import models as directory_models
from callcenter.followups import models as followup_models  # noqa: F401
from callcenter.orders import models as order_models  # noqa: F401
from callcenter.overdue import models as overdue_models  # noqa: F401
from callcenter.sitecalendar import models as calendar_models  # noqa: F401
from callcenter.storage.base import Base
from dialer import models as dialer_models  # noqa: F401

__all__ = ["Base", "directory_models"]
