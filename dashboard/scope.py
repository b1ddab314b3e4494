"""Who may change which rows: an account's scope is the whole city or one or more districts.

A scoped account changes only the rows of its districts: communities by
``district``, activities and surveys by their community's district, targets by
``district``. The scope is a value (an empty set of districts means the whole
city) shared by the accounts (``auth``), the checks of a file (``ingest``) and the
writes (``storage``), which is why it sits low in the layers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from dashboard import config
from dashboard.i18n import join_list, t

# Which column of each table says where a row belongs: its own district, or its community's.
DISTRICT_COLUMN = {"communities": "district", "targets": "district"}
COMMUNITY_COLUMN = {"activities": "community_id", "surveys": "community_id"}


@dataclass(frozen=True)
class Scope:
    """The districts an account may change; none means the whole city."""

    districts: frozenset[str] = frozenset()

    @classmethod
    def of(cls, districts: Iterable[str]) -> Scope:
        """A scope from district codes; unknown codes are refused (ValueError) rather than silently widening nothing."""
        wanted = frozenset(d for d in districts if d)
        unknown = wanted - set(config.codes("districts"))
        if unknown:
            raise ValueError(f"unknown district codes: {sorted(unknown)}")
        return cls(wanted)

    @classmethod
    def stored(cls, text: str | None) -> Scope:
        """The scope kept in the users table ("chengxi,chengdong"; empty for the whole city)."""
        return cls(frozenset(code for code in (text or "").split(",") if code))

    def text(self) -> str:
        """The form kept in the database: codes in the vocabulary's order, comma-separated ("" for the whole city)."""
        return "" if self.city_wide else ",".join(self.codes())

    @property
    def city_wide(self) -> bool:
        return not self.districts

    def covers(self, district: object) -> bool:
        """Whether a row of ``district`` may be changed (a city-wide scope covers every row, even one without a district)."""
        return self.city_wide or district in self.districts

    def codes(self) -> list[str]:
        """The districts in the vocabulary's order (every district for the whole city)."""
        return [code for code in config.codes("districts") if self.city_wide or code in self.districts]

    def label(self, lang: str) -> str:
        """ "城西区、城东区", "Chengxi, Chengdong", or the whole city in words."""
        if self.city_wide:
            return t("scope.city_wide", lang)
        return district_names(self.codes(), lang)


CITY = Scope()


def district_names(codes: Iterable[str], lang: str) -> str:
    """District codes as a reader's list of names (an unknown code is shown as it is)."""
    return join_list((config.label("districts", code, lang) for code in codes), lang)
