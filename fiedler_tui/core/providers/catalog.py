"""A provider's model listing set against models.yaml: which listed models are configured, and
which configured models the provider no longer lists."""

from __future__ import annotations

from dataclasses import dataclass

from fiedler_tui.core.config.schema import Config, ModelSpec
from fiedler_tui.core.providers.listing import ListedModel, ModelListing


@dataclass(frozen=True)
class ListedRow:
    model: ListedModel
    configured_as: tuple[str, ...]
    """The models.yaml names whose wire id is this model's (empty: not configured)."""


@dataclass(frozen=True)
class Catalog:
    provider: str
    rows: tuple[ListedRow, ...]
    unlisted: tuple[ModelSpec, ...]
    """Models configured for this provider whose wire id the listing does not hold."""

    @property
    def not_configured(self) -> int:
        return sum(1 for row in self.rows if not row.configured_as)


def _bare(model_id: str) -> str:
    """Gemini names its models ``models/<id>``; either spelling matches."""
    return model_id.removeprefix("models/")


def catalog(config: Config, listing: ModelListing) -> Catalog:
    """``listing`` (a successful one) against the models configured for its provider."""
    configured = [m for m in config.models.values() if m.provider == listing.provider]
    names: dict[str, list[str]] = {}
    for model in configured:
        names.setdefault(_bare(model.wire_id), []).append(model.name)
    listed = {_bare(m.id) for m in listing.models}
    rows = tuple(
        ListedRow(model, tuple(names.get(_bare(model.id), ())))
        for model in sorted(listing.models, key=lambda m: m.id)
    )
    unlisted = tuple(m for m in configured if _bare(m.wire_id) not in listed)
    return Catalog(provider=listing.provider, rows=rows, unlisted=unlisted)
