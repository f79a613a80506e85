"""The bad-input corpus: a tiny valid dataset and the ways real exports break it."""
