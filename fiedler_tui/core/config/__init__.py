"""Configuration: models.yaml (providers, models, aliases) and FIEDLER_* settings."""

from fiedler_tui.core.config.loader import find_config_path, load_config
from fiedler_tui.core.config.schema import Config, ModelSpec, ProviderKind, ProviderSpec

__all__ = [
    "Config",
    "ModelSpec",
    "ProviderKind",
    "ProviderSpec",
    "find_config_path",
    "load_config",
]
