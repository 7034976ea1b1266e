"""Notices of action: what an authorization tells the member and the provider, as documents."""
