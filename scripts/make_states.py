"""Generate src/secnet/data/actors/states.yaml and src/secnet/data/sources/states.yaml.

Run from the repository root:  .venv/bin/python scripts/make_states.py

Inputs
- pycountry (ISO 3166-1 and ISO 3166-3 names and codes);
- /work/shared/data/peacesciencer/cow_states.csv.gz (COW State System Membership
  v2016, peacesciencer's copy);
- the hand-checked tables below: UN membership, UN M49 sub-regions, COW -> ISO
  mapping, names and aliases, and the region rules with their sources.

Scope: the 193 UN member states, the 2 UN non-member observer states (Holy See,
Palestine), Taiwan (TWN), Kosovo (XKX, a user-assigned code, not ISO) and the
former states CSK, SUN, YUG, DDR, SCG and YMD (South Yemen, added because COW lists
it and ISO 3166-3 has a code for it).
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import json
import sys
from collections import defaultdict
from pathlib import Path

import pycountry

ROOT = Path(__file__).resolve().parent.parent
COW_CSV = ROOT.parent / "shared" / "data" / "peacesciencer" / "cow_states.csv.gz"
OUT_ACTORS = ROOT / "src/secnet/data/actors/states.yaml"
OUT_SOURCES = ROOT / "src/secnet/data/sources/states.yaml"

# --------------------------------------------------------------------------- sources

SOURCES = [
    {
        "id": "iso-3166",
        "title": "ISO 3166 Country Codes",
        "publisher": "International Organization for Standardization (ISO)",
        "url": "https://www.iso.org/iso-3166-country-codes.html",
        "kind": "reference",
        "supports": "alpha-3 codes of current states (ISO 3166-1) and of former states (ISO 3166-3: CSK, SUN, YUG, "
        "DDR, SCG, YMD), including the ISO 3166-3 note that the SFRY broke apart on 1992-04-27; codes read "
        "through the pycountry package (iso-codes data)",
    },
    {
        "id": "cow-states-2016",
        "title": "State System Membership List, v2016",
        "publisher": "Correlates of War Project",
        "url": "https://correlatesofwar.org/data-sets/state-system-membership/",
        "date": "2017",
        "kind": "dataset",
        "supports": "COW state codes, abbreviations and membership spells of states, 1816-2016; read from the "
        "copy in the R package peacesciencer (cow_states, 243 spells)",
    },
    {
        "id": "un-member-states",
        "title": "UN Membership - Research Guides at United Nations Dag Hammarskjöld Library",
        "publisher": "United Nations, Dag Hammarskjöld Library",
        "url": "https://research.un.org/en/unmembers",
        "kind": "official",
        "supports": "the UN has 193 member states (scope of states.yaml)",
    },
    {
        "id": "un-observer-states",
        "title": "UN Membership: Non-member observer states - Research Guides at Dag Hammarskjöld Library",
        "publisher": "United Nations, Dag Hammarskjöld Library",
        "url": "https://research.un.org/en/unmembers/observers",
        "kind": "official",
        "supports": "the Holy See and the State of Palestine are the two non-member observer states",
    },
    {
        "id": "un-m49",
        "title": "Standard country or area codes for statistical use (M49)",
        "publisher": "United Nations Statistics Division",
        "url": "https://unstats.un.org/unsd/methodology/m49/",
        "kind": "reference",
        "supports": "geographic regions and sub-regions of each state, the base of the region tags "
        "(Northern America, Latin America and the Caribbean, the European, Asian and African sub-regions, Oceania)",
    },
    {
        "id": "helcom-contracting-parties",
        "title": "HELCOM Contracting Parties",
        "publisher": "Baltic Marine Environment Protection Commission (HELCOM)",
        "url": "https://helcom.fi/about-us/contracting-parties/",
        "kind": "official",
        "supports": "Baltic Sea states: the nine state parties to the Helsinki Convention (DEU, DNK, EST, FIN, LTU, "
        "LVA, POL, RUS, SWE) -> region tag baltic_sea",
    },
    {
        "id": "helcom-convention-1974",
        "title": "The Helsinki Convention",
        "publisher": "Baltic Marine Environment Protection Commission (HELCOM)",
        "url": "http://helcom.fi/Convention",
        "kind": "official",
        "supports": "the 1974 Helsinki Convention's seven parties included the GDR and the USSR "
        "-> region tag baltic_sea for DDR and SUN",
    },
    {
        "id": "bucharest-convention-parties",
        "title": "Bucharest Convention (Convention on the Protection of the Black Sea against Pollution)",
        "publisher": "European Commission / European Environment Agency, WISE Marine",
        "url": "https://water.europa.eu/marine/countries-and-regional-seas/regional-conventions/bucharest-convention",
        "kind": "official",
        "supports": "Black Sea littoral states: the six parties to the Bucharest Convention (BGR, GEO, ROU, RUS, "
        "TUR, UKR) -> region tag black_sea",
    },
    {
        "id": "barcelona-convention-parties",
        "title": "Barcelona Convention (Convention for the Protection of the Marine Environment and the Coastal "
        "Region of the Mediterranean)",
        "publisher": "European Commission / European Environment Agency, WISE Marine",
        "url": "https://water.europa.eu/marine/countries-and-regional-seas/regional-conventions/barcelona-convention",
        "kind": "official",
        "supports": "Mediterranean littoral states: the 21 state parties to the Barcelona Convention "
        "-> region tag mediterranean",
    },
    {
        "id": "arctic-council-states",
        "title": "Arctic States",
        "publisher": "Arctic Council",
        "url": "https://arctic-council.org/about/states/",
        "kind": "official",
        "supports": "the eight Arctic States, members of the Arctic Council (CAN, DNK, FIN, ISL, NOR, RUS, SWE, USA) "
        "-> region tag high_north",
    },
    {
        "id": "eu-western-balkans-strategy-2018",
        "title": "A credible enlargement perspective for and enhanced EU engagement with the Western Balkans, "
        "COM(2018) 65 final",
        "publisher": "European Commission",
        "url": "https://www.europeansources.info/record/communication-on-a-credible-enlargement-perspective-for-"
        "and-enhanced-eu-engagement-with-the-western-balkans/",
        "date": "2018-02-06",
        "kind": "official",
        "supports": "the six Western Balkans partners (ALB, BIH, MKD, XKX, MNE, SRB) -> region tag western_balkans "
        "(record of the Communication in European Sources Online)",
    },
    {
        "id": "eu-council-prado-xkx",
        "title": "PRADO - Public Register of Authentic travel and identity Documents Online: Kosovo",
        "publisher": "Council of the European Union",
        "url": "https://www.consilium.europa.eu/prado/en/prado-documents/xkx/a/s/docs-per-type.html",
        "kind": "official",
        "supports": "XKX is the code the EU uses for Kosovo for practical reasons; it is not an ISO 3166 code",
    },
    {
        "id": "yugoslavia-archives-december-1-act",
        "title": "December 1 Act - Promulgation of the Kingdom of Serbs, Croats and Slovenes",
        "publisher": "Archives of Yugoslavia",
        "url": "http://www.arhivyu.rs/active/en/home/glavna_navigacija/leksikon_jugoslavije/konstitutivni_akti_"
        "jugoslavije/prvodecembarski_akt.html",
        "kind": "official",
        "supports": "the Kingdom of Serbs, Croats and Slovenes (Yugoslavia) was proclaimed in Belgrade on "
        "1918-12-01: where COW 345 passes from Serbia to Yugoslavia",
    },
    {
        "id": "serbia-parliament-successor-2006",
        "title": "Chairman Markovic writes to Council of Europe and OSCE Parliamentary Assemblies",
        "publisher": "National Assembly of the Republic of Serbia",
        "url": "http://www.parlament.gov.rs/Chairman_Markovic_writes_to_Council_of_Europe_and_OSCE_Parliamentary_"
        "Assemblies.11849.537.html",
        "date": "2006-06-08",
        "kind": "official",
        "supports": "the National Assembly's decision of 2006-06-05 on Serbia as successor state to the State Union "
        "of Serbia and Montenegro (Montenegro declared independence on 2006-06-03): where COW 345 passes "
        "from SCG to SRB",
    },
    {
        "id": "ussr-creation-treaty-1922",
        "title": "The Presidential Library formed a new collection 'Formation of the Union of Soviet Socialist Republics'",
        "publisher": "Boris Yeltsin Presidential Library",
        "url": "https://prlib.ru/en/news/1762467",
        "kind": "official",
        "supports": "the USSR was created by the Declaration and Treaty approved and signed on 1922-12-30: "
        "where COW 365 passes from Russia to the USSR",
    },
]

# --------------------------------------------------------------------------- scope

UN_MEMBERS = (
    "AFG AGO ALB AND ARE ARG ARM ATG AUS AUT AZE BDI BEL BEN BFA BGD BGR BHR BHS BIH BLR BLZ BOL BRA BRB "
    "BRN BTN BWA CAF CAN CHE CHL CHN CIV CMR COD COG COL COM CPV CRI CUB CYP CZE DEU DJI DMA DNK DOM DZA "
    "ECU EGY ERI ESP EST ETH FIN FJI FRA FSM GAB GBR GEO GHA GIN GMB GNB GNQ GRC GRD GTM GUY HND HRV HTI "
    "HUN IDN IND IRL IRN IRQ ISL ISR ITA JAM JOR JPN KAZ KEN KGZ KHM KIR KNA KOR KWT LAO LBN LBR LBY LCA "
    "LIE LKA LSO LTU LUX LVA MAR MCO MDA MDG MDV MEX MHL MKD MLI MLT MMR MNE MNG MOZ MRT MUS MWI MYS NAM "
    "NER NGA NIC NLD NOR NPL NRU NZL OMN PAK PAN PER PHL PLW PNG POL PRK PRT PRY QAT ROU RUS RWA SAU SDN "
    "SEN SGP SLB SLE SLV SMR SOM SRB SSD STP SUR SVK SVN SWE SWZ SYC SYR TCD TGO THA TJK TKM TLS TON TTO "
    "TUN TUR TUV TZA UGA UKR URY USA UZB VCT VEN VNM VUT WSM YEM ZAF ZMB ZWE"
).split()
UN_OBSERVERS = ["VAT", "PSE"]
OTHER_CURRENT = ["TWN", "XKX"]
FORMER = ["CSK", "SUN", "YUG", "DDR", "SCG", "YMD"]

# --------------------------------------------------------------------------- UN M49 sub-regions
# Sub-region ("intermediate region" for the Americas folded into Latin America) of every
# current state in scope. TWN and XKX are not listed separately by M49 (it counts them
# under China and Serbia); they are placed in the sub-region of the area that M49 includes
# them in.

M49 = {
    "Northern America": "CAN USA",
    "Caribbean": "ATG BHS BRB CUB DMA DOM GRD HTI JAM KNA LCA TTO VCT",
    "Central America": "BLZ CRI GTM HND MEX NIC PAN SLV",
    "South America": "ARG BOL BRA CHL COL ECU GUY PER PRY SUR URY VEN",
    "Northern Europe": "DNK EST FIN GBR IRL ISL LTU LVA NOR SWE",
    "Western Europe": "AUT BEL CHE DEU FRA LIE LUX MCO NLD",
    "Eastern Europe": "BGR BLR CZE HUN MDA POL ROU RUS SVK UKR",
    "Southern Europe": "ALB AND BIH ESP GRC HRV ITA MKD MLT MNE PRT SMR SRB SVN VAT XKX",
    "Western Asia": "ARE ARM AZE BHR CYP GEO IRQ ISR JOR KWT LBN OMN PSE QAT SAU SYR TUR YEM",
    "Central Asia": "KAZ KGZ TJK TKM UZB",
    "Southern Asia": "AFG BGD BTN IND IRN LKA MDV NPL PAK",
    "Eastern Asia": "CHN JPN KOR MNG PRK TWN",
    "South-eastern Asia": "BRN IDN KHM LAO MMR MYS PHL SGP THA TLS VNM",
    "Northern Africa": "DZA EGY LBY MAR SDN TUN",
    "Western Africa": "BEN BFA CIV CPV GHA GIN GMB GNB LBR MLI MRT NER NGA SEN SLE TGO",
    "Middle Africa": "AGO CAF CMR COD COG GAB GNQ STP TCD",
    "Eastern Africa": "BDI COM DJI ERI ETH KEN MDG MOZ MUS MWI RWA SOM SSD SYC TZA UGA ZMB ZWE",
    "Southern Africa": "BWA LSO NAM SWZ ZAF",
    "Australia and New Zealand": "AUS NZL",
    "Melanesia": "FJI PNG SLB VUT",
    "Micronesia": "FSM KIR MHL NRU PLW",
    "Polynesia": "TON TUV WSM",
}
SUBREGION = {iso: sub for sub, codes in M49.items() for iso in codes.split()}
AFRICA_SSA = {"Western Africa", "Middle Africa", "Eastern Africa", "Southern Africa"}
LATAM = {"Caribbean", "Central America", "South America"}
INDO_PACIFIC = {"Eastern Asia", "South-eastern Asia", "Australia and New Zealand", "Melanesia", "Micronesia", "Polynesia"}

CENTRAL_EUROPE_EAST = {"POL", "CZE", "SVK", "HUN", "BGR", "ROU"}  # M49 Eastern Europe, EU/NATO members
WESTERN_BALKANS = {"ALB", "BIH", "MKD", "MNE", "SRB", "XKX"}  # EU's six Western Balkans partners
SOUTH_CAUCASUS = {"ARM", "AZE", "GEO"}

# Policy overlays: (region, source, members)
OVERLAYS = [
    ("baltic_sea", "helcom-contracting-parties", {"DNK", "DEU", "EST", "FIN", "LVA", "LTU", "POL", "RUS", "SWE"}),
    ("black_sea", "bucharest-convention-parties", {"BGR", "GEO", "ROU", "RUS", "TUR", "UKR"}),
    ("high_north", "arctic-council-states", {"CAN", "DNK", "FIN", "ISL", "NOR", "RUS", "SWE", "USA"}),
    (
        "mediterranean",
        "barcelona-convention-parties",
        {"ALB", "DZA", "BIH", "HRV", "CYP", "EGY", "FRA", "GRC", "ISR", "ITA", "LBN", "LBY", "MLT", "MCO", "MNE",
         "MAR", "SVN", "ESP", "SYR", "TUN", "TUR"},
    ),
]

REGION_ORDER = [
    "north_america", "latin_america", "northern_europe", "western_europe", "central_europe", "southern_europe",
    "eastern_europe", "western_balkans", "baltic_sea", "black_sea", "high_north", "south_caucasus",
    "central_asia", "mediterranean", "middle_east_gulf", "sahel_africa", "indo_pacific", "global",
]


def base_regions(iso: str) -> tuple[list[str], list[str], str]:
    """Regions from the M49 sub-region, the sources for them, and a note if a special rule applied."""
    sub = SUBREGION[iso]
    srcs = ["un-m49"]
    note = ""
    if sub == "Northern America":
        r = ["north_america"]
    elif sub in LATAM:
        r = ["latin_america"]
    elif sub == "Northern Europe":
        r = ["northern_europe"]
    elif sub == "Western Europe":
        r = ["western_europe"]
    elif sub == "Eastern Europe":
        r = ["central_europe"] if iso in CENTRAL_EUROPE_EAST else ["eastern_europe"]
    elif sub == "Southern Europe":
        if iso in WESTERN_BALKANS:
            r = ["western_balkans"]
            srcs.append("eu-western-balkans-strategy-2018")
        else:
            r = ["southern_europe"]
    elif sub == "Western Asia":
        if iso in SOUTH_CAUCASUS:
            r = ["south_caucasus"]
        elif iso == "CYP":
            r = ["southern_europe"]
            note = "M49 places Cyprus in Western Asia; tagged southern_europe (EU member) and mediterranean."
        elif iso == "TUR":
            r = ["southern_europe", "middle_east_gulf"]
            note = "M49 places Türkiye in Western Asia; tagged both southern_europe and middle_east_gulf."
        else:
            r = ["middle_east_gulf"]
    elif sub == "Central Asia":
        r = ["central_asia"]
    elif sub == "Southern Asia":
        if iso == "IRN":
            r = ["middle_east_gulf"]
            note = "M49 places Iran in Southern Asia; tagged middle_east_gulf (Gulf littoral state)."
        elif iso == "AFG":
            r = ["central_asia"]
            note = ("M49 places Afghanistan in Southern Asia; tagged central_asia (landlocked, borders three "
                    "Central Asian states) rather than indo_pacific.")
        else:
            r = ["indo_pacific"]
    elif sub in INDO_PACIFIC:
        r = ["indo_pacific"]
    elif sub == "Northern Africa":
        r = ["mediterranean"]
        if iso == "SDN":
            r.append("sahel_africa")
            note = ("M49 places Sudan in Northern Africa (-> mediterranean); it is not on the Mediterranean and "
                    "lies in the Sahel belt, so it is also tagged sahel_africa.")
    elif sub in AFRICA_SSA:
        r = ["sahel_africa"]
    else:  # pragma: no cover
        raise KeyError(sub)
    return r, srcs, note


# --------------------------------------------------------------------------- names

NAMES = {
    # iso: (name, [aliases])
    "BOL": ("Bolivia", ["Plurinational State of Bolivia"]),
    "BRN": ("Brunei", ["Brunei Darussalam"]),
    "CIV": ("Côte d'Ivoire", ["Ivory Coast", "Cote d'Ivoire"]),
    "COD": ("Democratic Republic of the Congo", ["DR Congo", "Congo-Kinshasa", "Zaire"]),
    "COG": ("Republic of the Congo", ["Congo", "Congo-Brazzaville"]),
    "CPV": ("Cabo Verde", ["Cape Verde"]),
    "CZE": ("Czechia", ["Czech Republic"]),
    "DEU": ("Germany", ["Federal Republic of Germany", "West Germany"]),
    "FSM": ("Micronesia", ["Federated States of Micronesia"]),
    "GBR": ("United Kingdom", ["United Kingdom of Great Britain and Northern Ireland", "UK", "Great Britain", "Britain"]),
    "GMB": ("Gambia", ["The Gambia", "Republic of the Gambia"]),
    "IRN": ("Iran", ["Islamic Republic of Iran"]),
    "KOR": ("South Korea", ["Republic of Korea", "Korea, Republic of"]),
    "PRK": ("North Korea", ["Democratic People's Republic of Korea", "DPRK"]),
    "LAO": ("Laos", ["Lao People's Democratic Republic"]),
    "MDA": ("Moldova", ["Republic of Moldova"]),
    "MKD": ("North Macedonia", ["Macedonia", "Republic of North Macedonia", "former Yugoslav Republic of Macedonia", "FYROM"]),
    "MMR": ("Myanmar", ["Burma"]),
    "NLD": ("Netherlands", ["Kingdom of the Netherlands", "Holland"]),
    "PSE": ("Palestine", ["State of Palestine"]),
    "RUS": ("Russia", ["Russian Federation"]),
    "SWZ": ("Eswatini", ["Swaziland", "Kingdom of Eswatini"]),
    "SYR": ("Syria", ["Syrian Arab Republic"]),
    "TLS": ("Timor-Leste", ["East Timor"]),
    "TUR": ("Türkiye", ["Turkey", "Republic of Türkiye"]),
    "TZA": ("Tanzania", ["United Republic of Tanzania"]),
    "USA": ("United States", ["United States of America", "USA", "US"]),
    "VAT": ("Holy See", ["Vatican City", "Vatican", "Holy See (Vatican City State)"]),
    "VEN": ("Venezuela", ["Bolivarian Republic of Venezuela"]),
    "VNM": ("Vietnam", ["Viet Nam", "Socialist Republic of Viet Nam"]),
    "TWN": ("Taiwan", ["Republic of China", "Chinese Taipei"]),
    "XKX": ("Kosovo", ["Republic of Kosovo"]),
    "ARE": ("United Arab Emirates", ["UAE"]),
    "BIH": ("Bosnia and Herzegovina", ["Bosnia-Herzegovina"]),
    "KNA": ("Saint Kitts and Nevis", ["St. Kitts and Nevis"]),
    "LCA": ("Saint Lucia", ["St. Lucia"]),
    "VCT": ("Saint Vincent and the Grenadines", ["St. Vincent and the Grenadines"]),
    "BHS": ("Bahamas", ["The Bahamas"]),
    "SVK": ("Slovakia", ["Slovak Republic"]),
    "KGZ": ("Kyrgyzstan", ["Kyrgyz Republic"]),
    # former states
    "CSK": ("Czechoslovakia", ["Czechoslovak Socialist Republic", "Czech and Slovak Federative Republic"]),
    "SUN": ("Soviet Union", ["USSR", "Union of Soviet Socialist Republics"]),
    "YUG": ("Yugoslavia", ["Socialist Federal Republic of Yugoslavia", "SFRY", "Kingdom of Yugoslavia",
                           "Kingdom of Serbs, Croats and Slovenes"]),
    "DDR": ("German Democratic Republic", ["East Germany", "GDR"]),
    "SCG": ("Serbia and Montenegro", ["Federal Republic of Yugoslavia", "FRY", "State Union of Serbia and Montenegro"]),
    "YMD": ("South Yemen", ["People's Democratic Republic of Yemen", "Yemen People's Republic", "Democratic Yemen"]),
}

# --------------------------------------------------------------------------- COW -> ISO

# Hand-checked: COW ccode -> ISO alpha-3 for every COW state with a current or ISO 3166-3
# code. Codes whose spells are split between ISO codes are in COW_SPLITS instead.
# Traps (COW abbreviation = a different state's ISO code): COW SWZ is Switzerland (ISO CHE;
# ISO SWZ is Eswatini), COW CZE is Czechoslovakia (ISO CSK), COW AUS is Austria (ISO AUT;
# ISO AUS is Australia, COW AUL), COW SLV is Slovenia (ISO SVN; ISO SLV is El Salvador,
# COW SAL), COW MNG is Montenegro (ISO MNE; ISO MNG is Mongolia, COW MON), COW NIG is
# Nigeria (ISO NGA) and COW NIR Niger (ISO NER), COW BAH is Bahrain (ISO BHR) and COW BHM
# the Bahamas (ISO BHS), COW MAD is the Maldives (ISO MDV), COW MAG Madagascar (ISO MDG).
COW_TO_ISO = {
    2: "USA", 20: "CAN", 31: "BHS", 40: "CUB", 41: "HTI", 42: "DOM", 51: "JAM", 52: "TTO", 53: "BRB",
    54: "DMA", 55: "GRD", 56: "LCA", 57: "VCT", 58: "ATG", 60: "KNA", 70: "MEX", 80: "BLZ", 90: "GTM",
    91: "HND", 92: "SLV", 93: "NIC", 94: "CRI", 95: "PAN", 100: "COL", 101: "VEN", 110: "GUY", 115: "SUR",
    130: "ECU", 135: "PER", 140: "BRA", 145: "BOL", 150: "PRY", 155: "CHL", 160: "ARG", 165: "URY",
    200: "GBR", 205: "IRL", 210: "NLD", 211: "BEL", 212: "LUX", 220: "FRA", 221: "MCO", 223: "LIE",
    225: "CHE", 230: "ESP", 232: "AND", 235: "PRT", 255: "DEU", 260: "DEU", 265: "DDR", 290: "POL",
    305: "AUT", 310: "HUN", 315: "CSK", 316: "CZE", 317: "SVK", 325: "ITA", 331: "SMR", 338: "MLT",
    339: "ALB", 341: "MNE", 343: "MKD", 344: "HRV", 346: "BIH", 347: "XKX", 349: "SVN", 350: "GRC",
    352: "CYP", 355: "BGR", 359: "MDA", 360: "ROU", 366: "EST", 367: "LVA", 368: "LTU", 369: "UKR",
    370: "BLR", 371: "ARM", 372: "GEO", 373: "AZE", 375: "FIN", 380: "SWE", 385: "NOR", 390: "DNK",
    395: "ISL", 402: "CPV", 403: "STP", 404: "GNB", 411: "GNQ", 420: "GMB", 432: "MLI", 433: "SEN",
    434: "BEN", 435: "MRT", 436: "NER", 437: "CIV", 438: "GIN", 439: "BFA", 450: "LBR", 451: "SLE",
    452: "GHA", 461: "TGO", 471: "CMR", 475: "NGA", 481: "GAB", 482: "CAF", 483: "TCD", 484: "COG",
    490: "COD", 500: "UGA", 501: "KEN", 510: "TZA", 516: "BDI", 517: "RWA", 520: "SOM", 522: "DJI",
    530: "ETH", 531: "ERI", 540: "AGO", 541: "MOZ", 551: "ZMB", 552: "ZWE", 553: "MWI", 560: "ZAF",
    565: "NAM", 570: "LSO", 571: "BWA", 572: "SWZ", 580: "MDG", 581: "COM", 590: "MUS", 591: "SYC",
    600: "MAR", 615: "DZA", 616: "TUN", 620: "LBY", 625: "SDN", 626: "SSD", 630: "IRN", 640: "TUR",
    645: "IRQ", 651: "EGY", 652: "SYR", 660: "LBN", 663: "JOR", 666: "ISR", 670: "SAU", 678: "YEM",
    679: "YEM", 680: "YMD", 690: "KWT", 692: "BHR", 694: "QAT", 696: "ARE", 698: "OMN", 700: "AFG",
    701: "TKM", 702: "TJK", 703: "KGZ", 704: "UZB", 705: "KAZ", 710: "CHN", 712: "MNG", 713: "TWN",
    731: "PRK", 732: "KOR", 740: "JPN", 750: "IND", 760: "BTN", 770: "PAK", 771: "BGD", 775: "MMR",
    780: "LKA", 781: "MDV", 790: "NPL", 800: "THA", 811: "KHM", 812: "LAO", 816: "VNM", 820: "MYS",
    830: "SGP", 835: "BRN", 840: "PHL", 850: "IDN", 860: "TLS", 900: "AUS", 910: "PNG", 920: "NZL",
    935: "VUT", 940: "SLB", 946: "KIR", 947: "TUV", 950: "FJI", 955: "TON", 970: "NRU", 983: "MHL",
    986: "PLW", 987: "FSM", 990: "WSM",
}

# Codes whose COW spells are cut at a date where the state changed (ISO 3166-3 gives the
# new or former state its own code): ccode -> [(from, to, iso)] with half-open [from, to).
COW_SPLITS = {
    345: [
        ("1878-07-13", "1918-12-01", "SRB"),  # Kingdom of Serbia
        ("1918-12-01", "1992-04-27", "YUG"),  # Kingdom of SCS / Yugoslavia, SFRY
        ("1992-04-27", "2006-06-05", "SCG"),  # FRY, from 2003 State Union of Serbia and Montenegro
        ("2006-06-05", None, "SRB"),          # Republic of Serbia
    ],
    365: [
        ("1816-01-01", "1922-12-30", "RUS"),  # Russian Empire, Soviet Russia
        ("1922-12-30", "1991-12-26", "SUN"),  # USSR
        ("1991-12-26", None, "RUS"),          # Russian Federation
    ],
}
SPLIT_SOURCES = {
    "SRB": ["yugoslavia-archives-december-1-act", "serbia-parliament-successor-2006"],
    "YUG": ["yugoslavia-archives-december-1-act"],
    "SCG": ["serbia-parliament-successor-2006"],
    "SUN": ["ussr-creation-treaty-1922"],
    "RUS": ["ussr-creation-treaty-1922"],
}

# COW states that have no ISO code (current or ISO 3166-3): out of scope.
COW_SKIPPED = {
    240: "Hanover", 245: "Bavaria", 267: "Baden", 269: "Saxony", 271: "Wuerttemburg", 273: "Hesse Electoral",
    275: "Hesse Grand Ducal", 280: "Mecklenburg Schwerin", 300: "Austria-Hungary", 327: "Papal States",
    329: "Two Sicilies", 332: "Modena", 335: "Parma", 337: "Tuscany", 511: "Zanzibar", 730: "Korea",
    817: "Republic of Vietnam",
}

# --------------------------------------------------------------------------- notes

NOTES = {
    "DEU": ("COW 255 GMY (1816-1945; before 1871-01-18 this is Prussia, which has no ISO code), 260 GFR "
            "(Federal Republic, 1955-1990) and 255 GMY again from reunification on 1990-10-03 are all mapped "
            "to DEU. The GDR (COW 265) is the separate former state DDR."),
    "DDR": ("COW 265 GDR. M49 does not classify former states; tagged central_europe (its territory lies in "
            "Central Europe, like the other Warsaw Pact states that M49 puts in Eastern Europe) and baltic_sea "
            "(a party to the 1974 Helsinki Convention)."),
    "RUS": ("COW 365 is one continuous state from 1816. secnet maps 1816 to 1922-12-30 (Russian Empire, Soviet "
            "Russia; no ISO 3166-3 code) to RUS, 1922-12-30 to 1991-12-26 to SUN (the USSR) and from "
            "1991-12-26 (COW's start date for the other post-Soviet states) to RUS."),
    "SUN": ("COW 365 RUS between the Treaty on the Creation of the USSR (1922-12-30) and the dissolution "
            "(1991-12-26); the same COW code before and after belongs to RUS. Regions: those of its successor "
            "states (eastern_europe, south_caucasus, central_asia, black_sea, high_north); baltic_sea because "
            "the USSR was a party to the 1974 Helsinki Convention."),
    "YUG": ("COW 345 is one state (Serbia, then Yugoslavia, then Serbia again) with spells 1878-07-13 to "
            "1941-04-20 and 1944-10-20 to 2016. secnet gives YUG the part from the proclamation of the Kingdom of "
            "Serbs, Croats and Slovenes (1918-12-01) to the break-up of the SFRY (1992-04-27, the date ISO 3166-3 "
            "records); 1878-1918 (Kingdom of Serbia) and 2006- belong to SRB, 1992-2006 to SCG. Regions: those "
            "of its successor states."),
    "SCG": ("COW 345 YUG between the founding of the Federal Republic of Yugoslavia (1992-04-27) and the Serbian "
            "National Assembly's decision of 2006-06-05 that Serbia succeeds the State Union (Montenegro declared "
            "independence on 2006-06-03). ISO kept the code YUG for the FRY until 2003, when SCG replaced it on "
            "the country's renaming; secnet uses SCG for the whole 1992-2006 state. Regions: those of its "
            "successor states (western_balkans; mediterranean through Montenegro)."),
    "SRB": ("COW 345 (YUG) is split: 1878-07-13 to 1918-12-01 (Kingdom of Serbia) and from 2006-06-05 (Serbia "
            "as successor of Serbia and Montenegro) are SRB; 1918-1992 is YUG and 1992-2006 is SCG."),
    "CSK": "COW 315 (abbreviation CZE, which is NOT the ISO code of Czechia) for both spells, until 1993-01-01.",
    "CZE": "COW 316 CZR from 1993-01-01. COW 315 (abbreviated CZE) is Czechoslovakia, here CSK.",
    "SVK": "COW 317 SLO from 1993-01-01.",
    "YEM": ("COW 678 YAR (Yemen Arab Republic, North Yemen, 1926-1990; ISO's YEM was its code) and COW 679 YEM "
            "(unified Yemen from 1990-05-22) are both mapped to YEM. South Yemen (COW 680) is YMD."),
    "YMD": "COW 680 YPR (People's Democratic Republic of Yemen, South Yemen), 1967-11-30 to the unification of 1990-05-22.",
    "VNM": ("COW 816 DRV (Democratic Republic of Vietnam, North Vietnam, from 1954) continues as the Socialist "
            "Republic of Viet Nam; its whole spell is mapped to VNM. ISO 3166-3 lists VDR for the DRV, not used "
            "here. COW 817 RVN (South Vietnam, 1954-1975) has no code of its own (ISO's old VNM was South "
            "Vietnam's, reused for the unified state) and is left out."),
    "CHN": "COW 710 covers China since 1860 (Qing Empire, Republic of China, People's Republic of China); all mapped to CHN.",
    "TWN": "COW 713 TAW from 1949-12-08. Not a UN member. M49 counts Taiwan under China (Eastern Asia).",
    "XKX": ("XKX is a user-assigned code (used by the EU), not an ISO 3166 code; secnet's loader accepts it as "
            "a listed exception. COW 347 KOS from 2008-02-20. Not a UN member. M49 does not list Kosovo; "
            "tagged western_balkans as one of the EU's six Western Balkans partners."),
    "TUR": "COW 640 covers the Ottoman Empire from 1816 and Türkiye; all mapped to TUR.",
    "AUT": "COW 305 AUS (not the ISO code of Australia). Austria-Hungary (COW 300) has no ISO code and is left out.",
    "AUS": "COW 900 AUL. (COW's AUS is Austria.)",
    "CHE": "COW 225 SWZ (not the ISO code of Eswatini).",
    "SWZ": "COW 572 SWA (Swaziland).",
    "SVN": "COW 349 SLV (not the ISO code of El Salvador).",
    "SLV": "COW 92 SAL.",
    "MNE": "COW 341 MNG (not the ISO code of Mongolia).",
    "MNG": "COW 712 MON.",
    "ZWE": "COW 552 ZIM starts on 1965-11-11, Rhodesia's unilateral declaration of independence.",
    "COD": "Zaire 1971-1997 (ISO 3166-3 ZAR) is the same state; kept under COD.",
    "KOR": "COW 732 ROK. The pre-1905 Korea (COW 730) has no ISO code and is left out.",
    "VAT": "UN non-member observer state. Not in the COW state list.",
    "PSE": "UN non-member observer state. Not in the COW state list.",
}

# --------------------------------------------------------------------------- build


def cow_date(y: str, m: str, d: str) -> dt.date:
    return dt.date(int(y), int(m), int(d))


def load_cow() -> list[dict]:
    with gzip.open(COW_CSV, "rt", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def country(iso: str):
    return pycountry.countries.get(alpha_3=iso) or pycountry.historic_countries.get(alpha_3=iso)


def build() -> tuple[list[dict], list[str]]:
    report: list[str] = []
    rows = load_cow()
    spells: dict[str, list[dict]] = defaultdict(list)
    cow_names: dict[str, set[str]] = defaultdict(set)
    split_used: dict[str, set[str]] = defaultdict(set)
    end_of_data = dt.date(2016, 12, 31)
    for r in rows:
        code = int(r["ccode"])
        start = cow_date(r["styear"], r["stmonth"], r["stday"])
        last = cow_date(r["endyear"], r["endmonth"], r["endday"])
        end = None if last == end_of_data else last + dt.timedelta(days=1)  # half-open
        if code in COW_SKIPPED:
            continue
        if code in COW_SPLITS:
            for a, b, iso in COW_SPLITS[code]:
                a_d = dt.date.fromisoformat(a)
                b_d = dt.date.fromisoformat(b) if b else None
                s = max(start, a_d)
                e_candidates = [x for x in (end, b_d) if x is not None]
                e = min(e_candidates) if e_candidates else None
                if e is not None and e <= s:
                    continue
                spells[iso].append({"code": code, "abb": r["stateabb"], "start": s, "end": e})
                split_used[iso].add(str(code))
            continue
        iso = COW_TO_ISO.get(code)
        if iso is None:
            raise SystemExit(f"unmapped COW code {code} {r['statenme']}")
        spells[iso].append({"code": code, "abb": r["stateabb"], "start": start, "end": end})
        cow_names[iso].add(r["statenme"])

    actors = []
    ids = UN_MEMBERS + UN_OBSERVERS + OTHER_CURRENT + FORMER
    assert len(UN_MEMBERS) == 193 and len(set(ids)) == len(ids)
    for iso in ids:
        c = country(iso)
        if iso in NAMES:
            name, aliases = NAMES[iso][0], list(NAMES[iso][1])
        else:
            name, aliases = getattr(c, "common_name", None) or c.name, []
        if c is not None:
            for extra in (c.name, getattr(c, "official_name", None), getattr(c, "common_name", None)):
                if extra and extra.startswith("the "):
                    extra = extra[4:]
                if extra and extra != name and extra not in aliases:
                    aliases.append(extra)
        for n in sorted(cow_names.get(iso, ())):
            if n != name and n not in aliases:
                aliases.append(n)

        # regions and sources
        srcs: list[str] = []
        if iso == "XKX":
            srcs.append("eu-council-prado-xkx")
        else:
            srcs.append("iso-3166")
        if iso in UN_MEMBERS:
            srcs.append("un-member-states")
        if iso in UN_OBSERVERS:
            srcs.append("un-observer-states")
        if spells.get(iso):
            srcs.append("cow-states-2016")
        for s in (SPLIT_SOURCES.get(iso, []) if split_used.get(iso) else []):
            srcs.append(s)

        note = NOTES.get(iso, "")
        if iso in FORMER:
            regions, rsrcs = former_regions(iso)
        else:
            regions, rsrcs, rnote = base_regions(iso)
            for region, src, members in OVERLAYS:
                if iso in members:
                    regions.append(region)
                    rsrcs.append(src)
            if rnote:
                note = (note + " " + rnote).strip()
        regions = sorted(set(regions), key=REGION_ORDER.index)
        for s in rsrcs:
            if s not in srcs:
                srcs.append(s)

        cow = sorted(spells.get(iso, []), key=lambda x: x["start"])
        actors.append({"id": iso, "name": name, "aliases": aliases, "cow": cow, "regions": regions,
                       "sources": srcs, "note": note})

    # checks
    for iso in spells:
        assert iso in ids, iso
    no_cow = [a["id"] for a in actors if not a["cow"]]
    report.append(f"states without COW spells: {' '.join(no_cow)}")
    report.append("COW codes skipped (no ISO code): " + ", ".join(f"{k} {v}" for k, v in COW_SKIPPED.items()))
    return actors, report


def former_regions(iso: str) -> tuple[list[str], list[str]]:
    table = {
        "CSK": (["central_europe"], ["un-m49"]),
        "SUN": (["eastern_europe", "south_caucasus", "central_asia", "baltic_sea", "black_sea", "high_north"],
                ["un-m49", "helcom-convention-1974", "bucharest-convention-parties", "arctic-council-states"]),
        "YUG": (["southern_europe", "western_balkans", "mediterranean"],
                ["un-m49", "eu-western-balkans-strategy-2018", "barcelona-convention-parties"]),
        "DDR": (["central_europe", "baltic_sea"], ["un-m49", "helcom-convention-1974"]),
        "SCG": (["western_balkans", "mediterranean"],
                ["un-m49", "eu-western-balkans-strategy-2018", "barcelona-convention-parties"]),
        "YMD": (["middle_east_gulf"], ["un-m49"]),
    }
    r, s = table[iso]
    return list(r), list(s)


# --------------------------------------------------------------------------- YAML output


def q(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def write_actors(actors: list[dict]) -> None:
    lines = [
        "# States: UN members and observers, Taiwan, Kosovo, and former states with ISO 3166-3 codes.",
        "# GENERATED by staging/make_states.py - edit the script, not this file.",
        "# cow spells: COW State System Membership v2016; end is the day after COW's last day",
        "# (half-open); no end = still in the system at the end of the COW data (2016-12-31).",
        "",
    ]
    for a in actors:
        lines.append(f"- id: {a['id']}")
        lines.append("  kind: state")
        lines.append(f"  name: {q(a['name'])}")
        lines.append("  aliases: [" + ", ".join(q(x) for x in a["aliases"]) + "]")
        if a["cow"]:
            lines.append("  cow:")
            for s in a["cow"]:
                item = f"code: {s['code']}, abb: {s['abb']}, start: \"{s['start'].isoformat()}\""
                if s["end"] is not None:
                    item += f", end: \"{s['end'].isoformat()}\""
                lines.append("    - {" + item + "}")
        lines.append("  regions: [" + ", ".join(a["regions"]) + "]")
        lines.append("  sources: [" + ", ".join(a["sources"]) + "]")
        lines.append(f"  note: {q(a['note'])}")
        lines.append("")
    OUT_ACTORS.write_text("\n".join(lines), encoding="utf-8")


def write_sources() -> None:
    lines = ["# Sources for actors/states.yaml. GENERATED by staging/make_states.py.", ""]
    for s in SOURCES:
        lines.append(f"- id: {s['id']}")
        for k in ("title", "publisher", "url", "date", "kind", "supports"):
            if k in s:
                v = s[k]
                lines.append(f"  {k}: {v if k in ('kind',) else q(v)}")
        lines.append("")
    OUT_SOURCES.write_text("\n".join(lines), encoding="utf-8")


def main() -> int:
    actors, report = build()
    write_actors(actors)
    write_sources()
    print(f"{len(actors)} states written to {OUT_ACTORS.relative_to(ROOT)}")
    print(f"{len(SOURCES)} sources written to {OUT_SOURCES.relative_to(ROOT)}")
    for line in report:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
