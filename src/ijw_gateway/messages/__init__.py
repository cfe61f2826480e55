"""Messages as data: the lossless XML <-> JSON model driven by the catalogue."""
