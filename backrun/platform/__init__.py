"""Infrastructure the features share: HTTP, caching, errors, sessions, coordination."""
