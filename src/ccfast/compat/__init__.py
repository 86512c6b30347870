"""Drop-in replacements for other packages' APIs, backed by ccfast."""
