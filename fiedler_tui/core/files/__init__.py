"""Choosing the files of a package: allowed roots, expansion, safe reading, limits, skip reasons.

Import names from the module that defines them: this package imports nothing, so a light
user (the app before its first frame) does not pay for the heavy parts."""
