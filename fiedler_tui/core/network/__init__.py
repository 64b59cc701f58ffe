"""How each provider is reached: which proxy (if any) and which CA certificates.

Pure decisions, no HTTP library: the environment as read (:mod:`.environment`), ``NO_PROXY``
(:mod:`.no_proxy`), proxy URLs (:mod:`.proxy_url`), the route of one URL (:mod:`.route`), the
routes of a config (:mod:`.plan`), CA files (:mod:`.certificates`) and the SSL contexts built from
them, once each (:mod:`.tls_contexts`). The shared client in :mod:`fiedler_tui.core.http` follows
the plan.
"""

from fiedler_tui.core.network.environment import NetworkEnvironment
from fiedler_tui.core.network.plan import NetworkPlan
from fiedler_tui.core.network.route import CAChoice, ProxyChoice, Route, route_for

__all__ = ["CAChoice", "NetworkEnvironment", "NetworkPlan", "ProxyChoice", "Route", "route_for"]
