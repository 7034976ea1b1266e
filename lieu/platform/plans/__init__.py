"""A plan's own configuration: its clock (time zone, working days) and its notice languages."""
