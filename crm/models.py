"""Import every domain's models so ``Base.metadata`` is complete (Alembic, tests)."""

from crm.auth import models as auth_models
from crm.contacts import models as contact_models
from crm.db import Base
from crm.history import models as history_models
from crm.mail import models as mail_models

metadata = Base.metadata

__all__ = ["Base", "auth_models", "contact_models", "history_models", "mail_models", "metadata"]
