"""The app in a browser: ``fiedler serve`` through textual-serve, behind a token and an origin
check."""
