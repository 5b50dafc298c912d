"""The Celery app. Broker and options come from Django settings (CELERY_*)."""

import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conversioncentral.settings")

app = Celery("conversioncentral")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _create_filesystem_broker_folders(sender, **kwargs):
    # The embedded filesystem broker needs its folders before the first message, in producer and worker alike.
    for folder in (sender.conf.broker_transport_options or {}).values():
        Path(folder).mkdir(parents=True, exist_ok=True)
