"""Return on Trust workbench."""
