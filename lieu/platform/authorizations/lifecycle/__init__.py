"""The authorization lifecycle: a pure state machine (`machine`) over one state (`state`), driven
by events and people's actions (`actions`), asking for commands (`commands`) in words (`texts`)."""
