from django.conf import settings
from django.db import models

from accounts.uuid7 import uuid7


def _site():
    return settings.SITE_ID


class Account(models.Model):
    """A user account. Written at any site; the id is a UUIDv7 made by the application, so rows written at
    Douala and Yaounde (even during a partition) merge in the cloud without conflicts."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    site = models.CharField(max_length=64, default=_site, help_text="the site whose API wrote the row")
    username = models.CharField(max_length=150)
    email = models.CharField(max_length=254, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def as_json(self):
        return {
            "id": str(self.id),
            "site": self.site,
            "username": self.username,
            "email": self.email,
            "created_at": self.created_at.isoformat(),
        }
