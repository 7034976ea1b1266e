"""Appeals of adverse benefit determinations (42 CFR 438.400-438.424) and grievances."""
