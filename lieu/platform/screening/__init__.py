"""Screening many members against every support in force, as a stream."""
