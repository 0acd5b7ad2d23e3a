"""Who may do what: actions and roles, password hashes, sign-in throttling, local accounts."""
