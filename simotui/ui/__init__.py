"""The Textual console. Everything that imports Textual lives under this package."""
