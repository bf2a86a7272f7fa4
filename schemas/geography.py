"""The region's authorities, their districts and the postcode districts in them.

Used for two things: validating ONS codes in returns, and generalising a
postcode to the local authority district it lies in, without any lookup over
the network. A postcode *outward code* (``DE22``) can straddle a district
boundary; the table gives the district most of it lies in. That is coarser
than a full postcode directory and is documented as such: the shared value is a
district, never anything finer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final


@dataclass(frozen=True)
class Area:
    code: str
    name: str


#: Authorities with social-care duties in the region (upper tier and unitary).
AUTHORITIES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "E06000015": "Derby",
        "E06000016": "Leicester",
        "E06000017": "Rutland",
        "E06000018": "Nottingham",
        "E10000007": "Derbyshire",
        "E10000018": "Leicestershire",
        "E10000019": "Lincolnshire",
        "E10000024": "Nottinghamshire",
        "E06000061": "North Northamptonshire",
        "E06000062": "West Northamptonshire",
    }
)

#: Codes no longer in use, with their successors. Historic returns may carry them.
PREDECESSORS: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {"E10000021": ("E06000061", "E06000062")}  # Northamptonshire, split 2021
)
HISTORIC_AUTHORITIES: Final[Mapping[str, str]] = MappingProxyType({"E10000021": "Northamptonshire"})

#: Lower-tier districts, keyed by code, with the authority they belong to.
#: A unitary authority is its own district.
DISTRICTS: Final[Mapping[str, tuple[str, str]]] = MappingProxyType(
    {
        "E06000015": ("Derby", "E06000015"),
        "E06000016": ("Leicester", "E06000016"),
        "E06000017": ("Rutland", "E06000017"),
        "E06000018": ("Nottingham", "E06000018"),
        "E06000061": ("North Northamptonshire", "E06000061"),
        "E06000062": ("West Northamptonshire", "E06000062"),
        "E07000032": ("Amber Valley", "E10000007"),
        "E07000033": ("Bolsover", "E10000007"),
        "E07000034": ("Chesterfield", "E10000007"),
        "E07000035": ("Derbyshire Dales", "E10000007"),
        "E07000036": ("Erewash", "E10000007"),
        "E07000037": ("High Peak", "E10000007"),
        "E07000038": ("North East Derbyshire", "E10000007"),
        "E07000039": ("South Derbyshire", "E10000007"),
        "E07000129": ("Blaby", "E10000018"),
        "E07000130": ("Charnwood", "E10000018"),
        "E07000131": ("Harborough", "E10000018"),
        "E07000132": ("Hinckley and Bosworth", "E10000018"),
        "E07000133": ("Melton", "E10000018"),
        "E07000134": ("North West Leicestershire", "E10000018"),
        "E07000135": ("Oadby and Wigston", "E10000018"),
        "E07000136": ("Boston", "E10000019"),
        "E07000137": ("East Lindsey", "E10000019"),
        "E07000138": ("Lincoln", "E10000019"),
        "E07000139": ("North Kesteven", "E10000019"),
        "E07000140": ("South Holland", "E10000019"),
        "E07000141": ("South Kesteven", "E10000019"),
        "E07000142": ("West Lindsey", "E10000019"),
        "E07000170": ("Ashfield", "E10000024"),
        "E07000171": ("Bassetlaw", "E10000024"),
        "E07000172": ("Broxtowe", "E10000024"),
        "E07000173": ("Gedling", "E10000024"),
        "E07000174": ("Mansfield", "E10000024"),
        "E07000175": ("Newark and Sherwood", "E10000024"),
        "E07000176": ("Rushcliffe", "E10000024"),
    }
)

#: Postcode outward code -> the district most of it lies in.
OUTWARD_DISTRICTS: Final[Mapping[str, str]] = MappingProxyType(
    {
        # Derby city
        "DE1": "E06000015", "DE3": "E06000015", "DE21": "E06000015",
        "DE22": "E06000015", "DE23": "E06000015", "DE24": "E06000015",
        # Derbyshire
        "DE4": "E07000035", "DE6": "E07000035", "DE45": "E07000035",
        "DE5": "E07000032", "DE55": "E07000032", "DE56": "E07000032", "DE75": "E07000032",
        "DE7": "E07000036", "DE72": "E07000036", "NG10": "E07000036",
        "DE11": "E07000039", "DE65": "E07000039", "DE73": "E07000039",
        "S40": "E07000034", "S41": "E07000034",
        "S42": "E07000038", "S18": "E07000038", "S45": "E07000038",
        "S43": "E07000033", "S44": "E07000033",
        "SK13": "E07000037", "SK17": "E07000037", "SK22": "E07000037", "SK23": "E07000037",
        # Leicester city
        "LE1": "E06000016", "LE2": "E06000016", "LE3": "E06000016",
        "LE4": "E06000016", "LE5": "E06000016",
        # Leicestershire
        "LE8": "E07000131", "LE16": "E07000131", "LE17": "E07000131",
        "LE9": "E07000129", "LE19": "E07000129",
        "LE10": "E07000132", "LE67": "E07000134", "LE65": "E07000134", "DE12": "E07000134",
        "LE11": "E07000130", "LE12": "E07000130", "LE7": "E07000130",
        "LE13": "E07000133", "LE14": "E07000133",
        "LE18": "E07000135",
        # Rutland
        "LE15": "E06000017",
        # Lincolnshire
        "LN1": "E07000138", "LN2": "E07000138", "LN5": "E07000138", "LN6": "E07000138",
        "LN4": "E07000139", "NG34": "E07000139",
        "LN7": "E07000142", "LN8": "E07000142", "DN21": "E07000142",
        "LN9": "E07000137", "LN11": "E07000137", "LN12": "E07000137", "LN13": "E07000137",
        "PE22": "E07000137", "PE23": "E07000137", "PE24": "E07000137", "PE25": "E07000137",
        "PE20": "E07000136", "PE21": "E07000136",
        "PE11": "E07000140", "PE12": "E07000140",
        "PE10": "E07000141", "NG31": "E07000141", "NG32": "E07000141", "NG33": "E07000141",
        # Nottingham city
        "NG1": "E06000018", "NG2": "E06000018", "NG3": "E06000018", "NG5": "E06000018",
        "NG6": "E06000018", "NG7": "E06000018", "NG8": "E06000018", "NG11": "E06000018",
        # Nottinghamshire
        "NG4": "E07000173", "NG14": "E07000173",
        "NG9": "E07000172", "NG16": "E07000172",
        "NG12": "E07000176", "NG13": "E07000176",
        "NG15": "E07000170", "NG17": "E07000170",
        "NG18": "E07000174", "NG19": "E07000174", "NG20": "E07000174",
        "NG21": "E07000175", "NG22": "E07000175", "NG23": "E07000175",
        "NG24": "E07000175", "NG25": "E07000175",
        "S80": "E07000171", "S81": "E07000171", "DN22": "E07000171",
        # North Northamptonshire
        "NN8": "E06000061", "NN9": "E06000061", "NN10": "E06000061", "NN14": "E06000061",
        "NN15": "E06000061", "NN16": "E06000061", "NN17": "E06000061", "NN18": "E06000061",
        "NN29": "E06000061",
        # West Northamptonshire
        "NN1": "E06000062", "NN2": "E06000062", "NN3": "E06000062", "NN4": "E06000062",
        "NN5": "E06000062", "NN6": "E06000062", "NN7": "E06000062", "NN11": "E06000062",
        "NN12": "E06000062", "NN13": "E06000062",
    }
)  # fmt: skip


def districts_of(authority_code: str) -> tuple[str, ...]:
    """District codes that lie within an authority (a unitary is its own)."""
    return tuple(code for code, (_, parent) in DISTRICTS.items() if parent == authority_code)


def outward_codes_of(authority_code: str) -> tuple[str, ...]:
    """Postcode outward codes whose district lies within an authority."""
    inside = set(districts_of(authority_code))
    return tuple(out for out, district in OUTWARD_DISTRICTS.items() if district in inside)


def district_of_outward(outward: str) -> str | None:
    """The district code for a postcode outward code, or ``None`` outside the region."""
    return OUTWARD_DISTRICTS.get(outward.upper())
