"""Staff accounts and login: the decisions (password rules, throttling, roles) and use cases."""
