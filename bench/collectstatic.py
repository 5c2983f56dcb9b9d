"""Runs Django's collectstatic with ManifestStaticFilesStorage over one
source directory, the way a Django site collects its static files.

Usage: collectstatic.py SOURCE_DIR STATIC_ROOT
"""
import sys

import django
from django.conf import settings
from django.core.management import call_command

source, root = sys.argv[1], sys.argv[2]
storage = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
options = dict(
    DEBUG=False,
    STATIC_URL="/static/",
    STATIC_ROOT=root,
    STATICFILES_DIRS=[source],
    INSTALLED_APPS=["django.contrib.staticfiles"],
)
if django.VERSION >= (4, 2):
    options["STORAGES"] = {"staticfiles": {"BACKEND": storage}}
else:
    options["STATICFILES_STORAGE"] = storage
settings.configure(**options)
django.setup()
call_command("collectstatic", interactive=False, verbosity=0)
