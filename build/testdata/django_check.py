"""Renders {% static %} with Django's ManifestStaticFilesStorage for every
entry of a built staticfiles.json, and reports the URLs as JSON.

Usage: django_check.py STATIC_ROOT
"""
import json
import os
import sys

import django
from django.conf import settings

root = sys.argv[1]
storage = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
options = dict(
    DEBUG=False,
    STATIC_URL="/static/",
    STATIC_ROOT=root,
    INSTALLED_APPS=["django.contrib.staticfiles"],
    TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates"}],
)
if django.VERSION >= (4, 2):
    options["STORAGES"] = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": storage},
    }
else:
    options["STATICFILES_STORAGE"] = storage
settings.configure(**options)
django.setup()

from django.contrib.staticfiles.storage import staticfiles_storage  # noqa: E402
from django.template import engines  # noqa: E402

template = engines["django"].from_string("{% load static %}{% static name %}")
with open(os.path.join(root, "staticfiles.json"), encoding="utf-8") as f:
    names = list(json.load(f)["paths"])

urls = {name: template.render({"name": name}) for name in names}
try:
    template.render({"name": "no/such/file.css"})
    missing = ""
except ValueError as e:
    missing = str(e)

print(json.dumps({
    "django": django.get_version(),
    "loaded": len(staticfiles_storage.hashed_files),
    "hash": getattr(staticfiles_storage, "manifest_hash", None),
    "urls": urls,
    "missing": missing,
}))
