"""Appeals and grievances: the member's side of an adverse determination."""
