"""Caching of pages with personal data: every response to a logged-in person is marked ``no-store``.

Everything a logged-in person sees (profile pages, shortlists, the admin, CV and export downloads) is about
someone, so no browser cache, shared computer or proxy may keep a copy. Static files never reach this middleware
(WhiteNoise answers them first) and keep their long cache lifetimes.
"""

from django.utils.cache import add_never_cache_headers


class NoStoreForPersonalDataMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
