"""Members: accounts, profiles, invitations, trust levels, visits, rate
limits and the honeypot."""
