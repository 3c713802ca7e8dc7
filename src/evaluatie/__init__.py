"""evaluatie: reproduceerbare evaluatie van interventies in publieke gezondheid en integrale zorg."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("evaluatie")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+onbekend"
