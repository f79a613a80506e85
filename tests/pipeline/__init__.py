"""Tests of the pipeline, the notebooks and the executive report."""
