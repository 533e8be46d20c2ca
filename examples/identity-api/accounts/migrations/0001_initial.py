import django.utils.timezone
from django.db import migrations, models

import accounts.models
import accounts.uuid7


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Account",
            fields=[
                ("id", models.UUIDField(default=accounts.uuid7.uuid7, editable=False, primary_key=True,
                                        serialize=False)),
                ("site", models.CharField(default=accounts.models._site, max_length=64,
                                          help_text="the site whose API wrote the row")),
                ("username", models.CharField(max_length=150)),
                ("email", models.CharField(blank=True, max_length=254)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={"ordering": ["id"]},
        ),
    ]
