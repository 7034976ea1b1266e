"""The provider inbox at /provider: a sibling of the console for provider tokens."""
