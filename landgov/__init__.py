"""landgov: industrial land governance toolkit for Zhejiang (腾笼换鸟、凤凰涅槃).

Read county data as it is (landgov.io), link parcels and enterprises, compute 亩均 indicators
and grades, screen every parcel onto the 底数清单 / 治理清单 with a 四个一批 path and its reasons,
check 增容 eligibility, and write GeoPackage, Excel, forms and offline maps.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("landgov")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
