"""Words a reviewer searches the guideline catalog with that its entries do not print: a drug's
generic or brand name, or a common name of a treatment, each read as the catalog's own term
(the section of the MTUS Chronic Pain Medical Treatment Guidelines, 8 CCR 9792.24.2, that
covers it). A name searched this way is said on the results, so the reviewer sees why an
entry came up."""

from __future__ import annotations

# The catalog's term (a lower-case part of its entries' text) -> the names that mean it.
_TERMS: dict[str, tuple[str, ...]] = {
    "anti-epilepsy drugs": (
        "gabapentin",
        "neurontin",
        "gralise",
        "pregabalin",
        "lyrica",
        "topiramate",
        "topamax",
        "carbamazepine",
        "tegretol",
        "oxcarbazepine",
        "lamotrigine",
    ),
    "nsaids": (
        "ibuprofen",
        "motrin",
        "naproxen",
        "anaprox",
        "naprosyn",
        "meloxicam",
        "mobic",
        "celecoxib",
        "celebrex",
        "diclofenac",
        "voltaren",
        "etodolac",
        "ketorolac",
        "toradol",
        "nabumetone",
        "relafen",
        "indomethacin",
    ),
    "nsaids, gi symptoms": (
        "omeprazole",
        "prilosec",
        "pantoprazole",
        "protonix",
        "esomeprazole",
        "nexium",
        "lansoprazole",
        "ranitidine",
        "famotidine",
    ),
    "opioids": (
        "oxycodone",
        "oxycontin",
        "percocet",
        "hydrocodone",
        "norco",
        "vicodin",
        "tramadol",
        "ultram",
        "tapentadol",
        "nucynta",
        "morphine",
        "methadone",
        "hydromorphone",
        "dilaudid",
        "fentanyl",
        "buprenorphine",
        "butrans",
        "codeine",
        "oxymorphone",
    ),
    "muscle relaxants": (
        "tizanidine",
        "zanaflex",
        "methocarbamol",
        "robaxin",
        "baclofen",
        "carisoprodol",
        "soma",
        "metaxalone",
        "skelaxin",
        "orphenadrine",
        "norflex",
    ),
    "benzodiazepines": (
        "diazepam",
        "valium",
        "alprazolam",
        "xanax",
        "lorazepam",
        "ativan",
        "clonazepam",
        "klonopin",
    ),
    "antidepressants for chronic pain": (
        "duloxetine",
        "cymbalta",
        "amitriptyline",
        "elavil",
        "nortriptyline",
        "venlafaxine",
        "effexor",
        "milnacipran",
    ),
    "topical analgesics": (
        "capsaicin",
        "ketoprofen",
        "menthol",
        "terocin",
        "compounded",
    ),
    "medical food": ("theramine", "sentra", "trepadone"),
    "drug testing": ("urine", "uds", "toxicology"),
    "physical medicine": ("physiotherapy",),
    "manual therapy": ("chiropractic", "chiropractor"),
    "functional restoration": ("frp",),
}

_READ_AS: dict[str, str] = {name: term for term, names in _TERMS.items() for name in names}


def catalog_term(word: str) -> str:
    """The catalog's term a searched word (lower case) stands for, or "" when it is none."""
    return _READ_AS.get(word, "")
