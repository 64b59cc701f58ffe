"""Secret scan before anything leaves the machine: findings with file and line, and masking.

Import names from the module that defines them: this package imports nothing, so a light
user (the app before its first frame) does not pay for the heavy parts."""
