"""Readers: every one returns a :class:`~landgov.core.problems.ReadResult`."""

from landgov.io.applications import read_applications
from landgov.io.approved import read_approved
from landgov.io.buildings import read_buildings
from landgov.io.compliance import read_compliance
from landgov.io.enterprises import read_enterprises
from landgov.io.layers import read_demolition, read_planning, read_townships, read_zones
from landgov.io.links import read_links
from landgov.io.numbers import parse_date, parse_quantity
from landgov.io.parcels import read_layer, read_parcels
from landgov.io.sheets import chosen_layers, chosen_sheets
from landgov.io.tables import read_table

__all__ = [
    "chosen_layers",
    "chosen_sheets",
    "parse_date",
    "parse_quantity",
    "read_applications",
    "read_approved",
    "read_buildings",
    "read_compliance",
    "read_demolition",
    "read_enterprises",
    "read_layer",
    "read_links",
    "read_parcels",
    "read_planning",
    "read_table",
    "read_townships",
    "read_zones",
]
