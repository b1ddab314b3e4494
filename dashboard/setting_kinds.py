"""How a deployment setting is declared, read from the environment and refused: its kinds (text, number, whole
number, choice, flag) and ``Setting`` itself. The settings themselves are declared in ``config``."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from dashboard.vocabulary import codes

# Each setting is declared once in ``config`` with one of these kinds, its typed default and help; ``Setting.value()``
# gives the typed value and ``config.check_settings()`` (run when the app or the CLI starts) lists every refused one.

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class Kind(Protocol[T_co]):
    """How a setting's text becomes its value: ``parse`` raises ValueError for a value that is not allowed."""

    @property
    def refusal(self) -> str: ...  # the message key (messages/settings.toml) that says what is allowed

    def limits(self) -> dict[str, object]: ...  # the values that message names

    def parse(self, text: str) -> T_co: ...


@dataclass(frozen=True)
class Text:
    """Any text."""

    refusal: str = "settings.not_text"

    def limits(self) -> dict[str, object]:
        return {}

    def parse(self, text: str) -> str:
        return text


@dataclass(frozen=True)
class Number:
    """A finite number greater than ``above`` (fractions allowed)."""

    above: float = 0.0
    refusal: str = "settings.not_number"

    def limits(self) -> dict[str, object]:
        return {"above": f"{self.above:g}"}

    def parse(self, text: str) -> float:
        value = float(text)  # ValueError for "abc"
        if not (math.isfinite(value) and value > self.above):
            raise ValueError(text)
        return value


@dataclass(frozen=True)
class Whole:
    """A whole number of at least ``low``."""

    low: int = 1
    refusal: str = "settings.not_whole"

    def limits(self) -> dict[str, object]:
        return {"low": self.low}

    def parse(self, text: str) -> int:
        value = int(text)
        if value < self.low:
            raise ValueError(text)
        return value


@dataclass(frozen=True)
class Choice:
    """One of ``values``, or of the codes of the vocabulary ``vocabulary`` (any letter case)."""

    values: tuple[str, ...] = ()
    vocabulary: str = ""
    refusal: str = "settings.not_choice"

    def options(self) -> tuple[str, ...]:
        return tuple(codes(self.vocabulary)) if self.vocabulary else self.values

    def limits(self) -> dict[str, object]:
        return {"allowed": ", ".join(self.options())}

    def parse(self, text: str) -> str:
        if text.lower() not in self.options():
            raise ValueError(text)
        return text.lower()


@dataclass(frozen=True)
class Flag:
    """On or off: 1/true/yes/on or 0/false/no/off (any letter case)."""

    refusal: str = "settings.not_flag"
    ON = ("1", "true", "yes", "on")
    OFF = ("0", "false", "no", "off")

    def limits(self) -> dict[str, object]:
        return {}

    def parse(self, text: str) -> bool:
        if text.lower() not in self.ON + self.OFF:
            raise ValueError(text)
        return text.lower() in self.ON


class SettingError(ValueError):
    """A setting whose value is refused; ``t(error.key, lang, **error.values)`` says so in one line."""

    def __init__(self, name: str, value: str, key: str, limits: dict[str, object]) -> None:
        super().__init__(f"{name}={value!r} is not allowed ({key}: {limits})")
        self.name, self.value, self.key = name, value, key
        self.values: dict[str, object] = {"name": name, "value": value, **limits}


@dataclass(frozen=True)
class Setting(Generic[T]):
    """A deployment setting read from the environment: an empty or unset variable means ``default``."""

    name: str
    default: T
    help: str
    kind: Kind[T]

    def value(self) -> T:
        """The typed value; SettingError when the environment holds one the kind refuses."""
        text = os.environ.get(self.name, "").strip()
        if not text:
            return self.default
        try:
            return self.kind.parse(text)
        except ValueError:
            raise SettingError(self.name, text, self.kind.refusal, self.kind.limits()) from None
