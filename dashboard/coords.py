"""Coordinate systems used by Chinese map services, and conversion to WGS84.

AutoNavi (Gaode) and Tencent pickers give GCJ-02 ("Mars coordinates"), Baidu
gives BD-09; the database keeps WGS84. GCJ-02 is defined only forward
(WGS84 → GCJ-02), so the inverse is solved by fixed-point iteration to well
under a centimetre. All functions accept scalars or numpy arrays.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

_A = 6378245.0  # semi-major axis of the Krasovsky 1940 ellipsoid used by GCJ-02
_EE = 0.00669342162296594323  # its first eccentricity squared
_X_PI = np.pi * 3000.0 / 180.0


def _shift(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The GCJ-02 offset (dlat, dlon) in degrees at a WGS84 point."""
    x, y = lon - 105.0, lat - 35.0
    common = (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    dlat += common
    dlat += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    dlon += common
    dlon += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    dlon += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    rad = lat / 180.0 * np.pi
    magic = 1 - _EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = dlat * 180.0 / ((_A * (1 - _EE)) / (magic * sqrt_magic) * np.pi)
    dlon = dlon * 180.0 / (_A / sqrt_magic * np.cos(rad) * np.pi)
    return dlat, dlon


def wgs84_to_gcj02(lat, lon):
    """WGS84 → GCJ-02 (for drawing on AutoNavi/Tencent tiles)."""
    lat, lon = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
    dlat, dlon = _shift(lat, lon)
    return lat + dlat, lon + dlon


def gcj02_to_wgs84(lat, lon, tolerance: float = 1e-10):
    """GCJ-02 → WGS84 by iteration: find w with wgs84_to_gcj02(w) == (lat, lon)."""
    lat, lon = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
    w_lat, w_lon = lat.copy(), lon.copy()
    for _ in range(30):
        g_lat, g_lon = wgs84_to_gcj02(w_lat, w_lon)
        err_lat, err_lon = g_lat - lat, g_lon - lon
        w_lat, w_lon = w_lat - err_lat, w_lon - err_lon
        if max(np.max(np.abs(err_lat)), np.max(np.abs(err_lon))) < tolerance:
            break
    return w_lat, w_lon


def gcj02_to_bd09(lat, lon):
    """GCJ-02 → BD-09 (Baidu)."""
    lat, lon = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
    z = np.sqrt(lon * lon + lat * lat) + 0.00002 * np.sin(lat * _X_PI)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * _X_PI)
    return z * np.sin(theta) + 0.006, z * np.cos(theta) + 0.0065


def bd09_to_gcj02(lat, lon):
    """BD-09 (Baidu) → GCJ-02."""
    lat, lon = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
    x, y = lon - 0.0065, lat - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return z * np.sin(theta), z * np.cos(theta)


def bd09_to_wgs84(lat, lon):
    """BD-09 (Baidu) → WGS84, through GCJ-02."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lat, lon))


def to_wgs84(lat, lon, system: str):
    """Convert from ``system`` ("WGS84", "GCJ02" or "BD09") to WGS84."""
    if system == "GCJ02":
        return gcj02_to_wgs84(lat, lon)
    if system == "BD09":
        return bd09_to_wgs84(lat, lon)
    return np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)


def to_datum(lat: npt.ArrayLike, lon: npt.ArrayLike, datum: str) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 points moved into the datum of the tiles (GCJ-02 for Gaode)."""
    if datum == "GCJ02":
        return wgs84_to_gcj02(lat, lon)
    return np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
