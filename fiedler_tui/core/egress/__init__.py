"""Egress rules: which files may go to which providers and models (models.yaml ``egress:``).

``patterns`` reads one rule's path, ``policy`` decides for a file, ``decisions`` judges a package
per model, ``guard`` is the one check every path that sends a package calls before it does.
"""
