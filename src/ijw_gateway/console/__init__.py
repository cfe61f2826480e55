"""The console: the gateway's web pages for testers, operators and parties (``/console``).

An HTTP edge beside ``api``: server-rendered Jinja2 pages that call the same service
functions as the API routes (``gateway``, ``store``, ``reporting``, ``conformance``) and
hold the same access rules (``api.access``, ``monitoring.access``). Sign-in exchanges an
API key for a signed session cookie (``console.session``); every form carries a CSRF token.
"""
