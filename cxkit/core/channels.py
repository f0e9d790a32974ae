"""Channels: the kinds of touchpoint.

The built-in channels are those of the model reference (§3.1) — ``store``, ``tv``
(TV, radio and print ads), ``ec``, ``web`` (official site or app), ``sns``,
``call_center`` and the call-center sub-channels ``phone``, ``email``, ``webform``
and ``chat``. A journey may declare its own channels (for example ``line`` or
``kiosk``) in its ``channels:`` block; a user channel may name a built-in one as its
``parent``.

Examples
--------
>>> BUILTIN_CHANNELS["chat"].parent
'call_center'
>>> BUILTIN_CHANNELS["chat"].label("ja")
'チャット'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from cxkit.core.i18n import label as _label

__all__ = ["BUILTIN_CHANNELS", "CALL_CENTER_SUBCHANNELS", "Channel"]


@dataclass(frozen=True)
class Channel:
    """A kind of touchpoint.

    Parameters
    ----------
    id
        Identifier used in files (``"phone"``).
    name
        Display name; empty means "use cxkit's built-in label for ``id``".
    parent
        The channel this one belongs to (``"call_center"`` for ``"phone"``).
    names
        Display names in other languages, e.g. ``{"ja": "LINE"}``.
    """

    id: str
    name: str = ""
    parent: str | None = None
    names: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "names", MappingProxyType(dict(self.names)))

    def __hash__(self) -> int:
        return hash((self.id, self.name, self.parent, tuple(sorted(self.names.items()))))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Channel):
            return NotImplemented
        return (self.id, self.name, self.parent, dict(self.names)) == (
            other.id,
            other.name,
            other.parent,
            dict(other.names),
        )

    def label(self, lang: str = "en") -> str:
        """Display name in ``lang``."""
        if lang in self.names:
            return self.names[lang]
        if self.name and lang == "en":
            return self.name
        built_in = _label(self.id, lang)
        if built_in != self.id:
            return built_in
        return self.name or self.id

    @property
    def family(self) -> str:
        """The top-level channel (``"call_center"`` for ``"phone"``)."""
        return self.parent or self.id


CALL_CENTER_SUBCHANNELS: tuple[str, ...] = ("phone", "email", "webform", "chat")

BUILTIN_CHANNELS: Mapping[str, Channel] = MappingProxyType(
    {
        **{cid: Channel(cid) for cid in ("store", "tv", "ec", "web", "sns", "call_center")},
        **{cid: Channel(cid, parent="call_center") for cid in CALL_CENTER_SUBCHANNELS},
    }
)
