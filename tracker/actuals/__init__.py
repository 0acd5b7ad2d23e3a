"""Actual values coming in: templates, reading uploaded files, validation and the diff, the import command."""
