"""US medical licensure jurisdictions: two-letter codes and the full names letters print
(SPEC section 6: "State(s) of Licensure: Connecticut, California, Virginia")."""

from __future__ import annotations

import re

# The 50 states, the District of Columbia and the territories with their own medical boards.
STATE_NAMES: dict[str, str] = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "District of Columbia",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
    "AS": "American Samoa",
    "GU": "Guam",
    "MP": "Northern Mariana Islands",
    "PR": "Puerto Rico",
    "VI": "U.S. Virgin Islands",
}


def _key(text: str) -> str:
    # "north  carolina", "N.C." and "U.S. Virgin Islands" all compare on letters and spaces.
    return re.sub(r"\s+", " ", re.sub(r"[^a-z ]", "", text.lower())).strip()


_BY_KEY: dict[str, str] = {}
for _code, _name in STATE_NAMES.items():
    _BY_KEY[_key(_code)] = _code
    _BY_KEY[_key(_name)] = _code
_BY_KEY[_key("Virgin Islands")] = "VI"


def state_code(value: str) -> str | None:
    """The two-letter code for a state given by code or name (any case); None if unknown."""
    if not isinstance(value, str):
        return None
    return _BY_KEY.get(_key(value))


def state_name(value: str) -> str | None:
    """The full name for a state given by code or name (any case); None if unknown."""
    code = state_code(value)
    return STATE_NAMES[code] if code else None


def licensure_display(states: list[str]) -> str:
    """Full state names, comma-separated, in the order given, each once."""
    names: list[str] = []
    for state in states:
        name = state_name(state) or state
        if name not in names:
            names.append(name)
    return ", ".join(names)
