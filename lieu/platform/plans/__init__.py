"""A plan's own configuration: its clock (time zone, working days).

Its notices are configured apart, in `benefit_definitions/notices/<plan>/`.
"""
