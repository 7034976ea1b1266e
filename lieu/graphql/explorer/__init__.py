"""GraphiQL served from lieu itself: the page at /graphql, its assets under /graphql/explorer/."""
