import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "manatnet.settings")
application = get_wsgi_application()

from manatnet.checks import fail_fast_on_unreachable_database  # noqa: E402  (needs the app registry loaded above)

fail_fast_on_unreachable_database()
