"""Realistic-looking company names for partners and customer accounts.

Names are built from word lists with region-appropriate legal suffixes. A handful of
tricky but *valid* names is planted on purpose, so the real sample exercises every
place untrusted text reaches: CSV quoting (commas, quotes), NA handling (a partner
literally called "NA"), spreadsheet formula injection (leading "=", "+", "@"), HTML and
Markdown escaping, and non-ASCII text.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

#: Valid partner names that break naive code; all are planted when there are at least
#: four times as many partners (fewer otherwise, "NA" first).
TRICKY_PARTNER_NAMES: tuple[str, ...] = (
    "NA",
    "Smith, Jones & Partners LLP",
    'The "Trusted" Advisors Ltd',
    "O'Reilly Cloud Systems Inc.",
    "Société Numérique Éclair SàRL",
    "Müller & Søn Datentechnik GmbH",
    "=Cloud Partners",
    "+Plus Integrators Inc.",
    "@Home Networks LLC",
    "<script>alert(1)</script> Ltd",
    "Ampersand &amp; Co",
    "Pipe | *Star* Partners",
    "東京クラウド株式会社",
)

TRICKY_ACCOUNT_NAMES: tuple[str, ...] = (
    "Acme, Inc.",
    '"Quoted" Holdings',
    '=HYPERLINK("http://example.com","click")',
    "<img src=x onerror=alert(1)>",
    "Café São João Ltda.",
    "-",
)

_PREFIXES = (
    "North", "Blue", "Silver", "Summit", "Harbor", "Granite", "Cedar", "Pioneer", "Apex",
    "Vertex", "Crescent", "Lumen", "Nimbus", "Atlas", "Orion", "Sterling", "Redwood",
    "Ironbridge", "Clearwater", "Bright", "Keystone", "Evergreen", "Bluebird", "Cobalt",
    "Meridian", "Falcon", "Aurora", "Quantum", "Pinnacle", "Horizon", "Stratus", "Beacon",
    "Cascade", "Trident", "Sapphire", "Oakridge", "Riverstone", "Westgate", "Eastwind",
    "Southport", "Brightline", "Copperleaf", "Highland", "Lakeshore", "Northstar",
    "Polaris", "Silverline", "Tidewater", "Upland", "Windward", "Zenith", "Kestrel",
    "Juniper", "Larch", "Maple", "Mosaic", "Nova", "Onyx", "Prairie", "Quarry",
)
_CORES = (
    "Cloud", "Data", "Systems", "Digital", "Networks", "Software", "Tech", "IT", "Logic",
    "Analytics", "Security", "Infrastructure", "Integration", "Consulting", "Labs",
    "Solutions", "Computing", "Automation", "Apps", "DevOps", "Platforms", "Advisory",
    "Managed Services", "Connect", "Insight", "Edge", "Stack", "Works", "Bridge", "Core",
)
_TAILS = ("", "", "", "Group", "Partners", "Solutions", "Services", "Technologies",
          "Consulting", "Associates", "Collective")
_SURNAMES = (
    "Patel", "Nguyen", "Garcia", "Okafor", "Schmidt", "Tanaka", "Rossi", "Kowalski",
    "Johansson", "Dubois", "Silva", "Kim", "Murphy", "Haddad", "Novak", "Moreau", "Fischer",
    "Costa", "Ito", "Larsen", "Mendez", "Walsh", "Bauer", "Ferreira", "Singh", "Chen",
)
#: Legal suffixes by region (order of ``rotlib.contract.REGIONS``).
_SUFFIXES = (
    ("Inc.", "LLC", "Corp.", "Inc.", "LLC", ""),
    ("Ltd", "GmbH", "B.V.", "S.A.S.", "AB", "plc", "S.r.l.", "AG", "Oy", "ApS"),
    ("Pty Ltd", "Pte. Ltd.", "K.K.", "Pvt. Ltd.", "Limited", "Co., Ltd."),
    ("S.A. de C.V.", "Ltda.", "S.A.", "SpA", "S.A.C.", "S.R.L."),
)

_ACCOUNT_FIRST = (
    "Harbor", "Greenfield", "Riverside", "Summit", "Lakeview", "Pacific", "Atlantic",
    "Central", "Metro", "Grand", "United", "Royal", "Golden", "Pine", "Union", "Coastal",
    "Highland", "Midwest", "Northern", "Southern", "Eastern", "Western", "Prime", "Valley",
    "Capital", "Heritage", "Liberty", "Frontier", "Crown", "Sunrise", "Evergreen", "Alpine",
)
_ACCOUNT_INDUSTRY = (
    "Logistics", "Health", "Foods", "Bank", "Insurance", "Energy", "Retail", "Manufacturing",
    "Pharma", "Airlines", "Media", "Telecom", "Motors", "Hotels", "University", "Utilities",
    "Freight", "Clinics", "Credit Union", "Steel", "Chemicals", "Apparel", "Grocers",
    "Shipping", "Mining", "Biotech", "Rail", "Water", "Textiles", "Foods Group",
)


def _join(parts: list[pa.Array]) -> pa.Array:
    joined = pc.binary_join_element_wise(*parts, " ")
    # empty optional words leave double or trailing spaces: normalise them
    joined = pc.replace_substring(joined, "  ", " ")
    return pc.utf8_trim_whitespace(joined)


def _choose(rng: np.random.Generator, words: tuple[str, ...], n: int) -> pa.Array:
    return pa.array(list(words), pa.string()).take(pa.array(rng.integers(0, len(words), n)))


def partner_names(rng: np.random.Generator, region_codes: np.ndarray) -> pa.Array:
    """One company name per partner, with a legal suffix matching its region."""
    n = region_codes.shape[0]
    style = rng.random(n)
    word_form = _join([_choose(rng, _PREFIXES, n), _choose(rng, _CORES, n),
                       _choose(rng, _TAILS, n)])
    first = rng.integers(0, len(_SURNAMES), n)
    second = (first + rng.integers(1, len(_SURNAMES), n)) % len(_SURNAMES)   # never the same
    surnames = pa.array(list(_SURNAMES), pa.string())
    surname_form = pc.binary_join_element_wise(
        surnames.take(pa.array(first)), pa.array(np.where(rng.random(n) < 0.5, " & ", " ")),
        surnames.take(pa.array(second)), ""
    )
    surname_form = _join([surname_form, _choose(rng, ("Consulting", "Partners", "IT", "Group",
                                                      "Technology"), n)])
    base = pc.if_else(pa.array(style < 0.82), word_form, surname_form)
    suffix_pick = rng.random(n)
    suffix = np.empty(n, dtype=object)
    for code, options in enumerate(_SUFFIXES):
        sel = region_codes == code
        suffix[sel] = np.asarray(options, dtype=object)[
            np.floor(suffix_pick[sel] * len(options)).astype(np.int64)
        ]
    return _join([base, pa.array(suffix, pa.string())])


def account_names(rng: np.random.Generator, n: int) -> pa.Array:
    """Customer account names ("Harbor Logistics Ltd")."""
    suffix = _choose(rng, ("", "", "Inc.", "Ltd", "Group", "Corp.", "GmbH", "S.A.", "Co."), n)
    return _join([_choose(rng, _ACCOUNT_FIRST, n), _choose(rng, _ACCOUNT_INDUSTRY, n), suffix])


def plant_tricky(rng: np.random.Generator, names: pa.Array,
                 tricky: tuple[str, ...]) -> tuple[pa.Array, np.ndarray]:
    """Replace a few names by ``tricky`` ones at random positions.

    As many as ``len(names) // 4`` (so tiny samples keep mostly ordinary names), taken
    from the front of ``tricky``. Returns the new names and the positions used.
    """
    n = len(names)
    k = min(len(tricky), n // 4)
    if k == 0:
        return names, np.empty(0, dtype=np.int64)
    positions = np.sort(rng.choice(n, size=k, replace=False))
    mask = np.zeros(n, dtype=bool)
    mask[positions] = True
    replacement = np.full(n, "", dtype=object)
    replacement[positions] = list(tricky[:k])
    return pc.if_else(pa.array(mask), pa.array(replacement, pa.string()), names), positions
