"""Every model of the forum app, defined in its package's models module.

Django finds them here (the app is `forum`, label and tables unchanged), and
the migrations name the callables upload_path, avatar_path and
invitation_expiry by this module's path.
"""

from forum.core.models import (  # noqa: F401
    AuditEntry,
    EmailDelivery,
)
from forum.discussions.models import (  # noqa: F401
    Bookmark,
    Category,
    CategoryQuerySet,
    Draft,
    Mention,
    Post,
    PostLike,
    PostQuerySet,
    PostRevision,
    Tag,
    Topic,
    TopicQuerySet,
    TopicReadState,
    Upload,
    upload_path,
)
from forum.members.models import (  # noqa: F401
    DigestFrequency,
    ForumSettings,
    Invitation,
    Profile,
    Suspension,
    SuspensionQuerySet,
    TrustLevel,
    UserVisit,
    avatar_path,
    invitation_expiry,
)
from forum.moderation.models import (  # noqa: F401
    Flag,
    ReviewItem,
)
from forum.notifications.models import (  # noqa: F401
    CategoryWatch,
    DigestRun,
    Notification,
    NotificationLevel,
    TopicWatch,
)
