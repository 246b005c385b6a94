"""plankg: ontology. The vocabulary (``plan.ttl``), its SHACL shapes (``shapes.ttl``) and constants.

``PLAN`` mirrors ``plan.ttl`` term for term (a test checks it); ``_fail = True`` makes a misspelt
term raise ``AttributeError`` instead of minting a new IRI.
"""

from __future__ import annotations

from importlib.resources import files

from rdflib import Graph, URIRef
from rdflib.namespace import DefinedNamespace, Namespace

NAMESPACE = "https://w3id.org/plankg/ontology#"
ONTOLOGY_IRI = URIRef("https://w3id.org/plankg/ontology")


class PLAN(DefinedNamespace):
    """plankg ontology terms (``https://w3id.org/plankg/ontology#``), generated from ``plan.ttl``."""

    _NS = Namespace(NAMESPACE)
    _fail = True

    # classes
    Plan: URIRef  # plan
    Section: URIRef  # section
    Passage: URIRef  # passage
    AdministrativeUnit: URIRef  # administrative unit (town or township)
    Town: URIRef  # town
    Township: URIRef  # township
    AdministrativeVillage: URIRef  # administrative village
    NaturalVillage: URIRef  # natural village
    NatureReserve: URIRef  # nature reserve
    NaturePark: URIRef  # nature park
    ForestPark: URIRef  # forest park
    ProtectedAreaSystem: URIRef  # protected area system
    EcologicalCorridor: URIRef  # ecological corridor
    EcologicalBarrier: URIRef  # ecological barrier
    SpatialStructure: URIRef  # spatial structure
    StructureElement: URIRef  # structure element
    District: URIRef  # district
    FeaturedTown: URIRef  # featured town
    VillageType: URIRef  # village type
    LifeCircle: URIRef  # life circle
    Facility: URIRef  # facility
    ControlLine: URIRef  # control line
    Strategy: URIRef  # strategy
    HeritageFigure: URIRef  # heritage figure
    Indicator: URIRef  # indicator
    Positioning: URIRef  # positioning
    LandUseArea: URIRef  # land-use area
    HeritageItem: URIRef  # heritage item

    # object properties
    inPlan: URIRef  # in plan
    inSection: URIRef  # in section
    parentSection: URIRef  # parent section
    hasRole: URIRef  # has role
    locatedIn: URIRef  # located in
    memberOf: URIRef  # member of
    hasPart: URIRef  # has part
    member: URIRef  # member
    lifeCircle: URIRef  # life circle
    status: URIRef  # status
    inVillage: URIRef  # in village

    # datatype properties
    sourceSpan: URIRef  # source span
    spanStart: URIRef  # span start
    spanEnd: URIRef  # span end
    sectionNumber: URIRef  # section number
    heading: URIRef  # heading
    headingPath: URIRef  # heading path
    text: URIRef  # text
    startOffset: URIRef  # start offset
    endOffset: URIRef  # end offset
    sectionLevel: URIRef  # section level
    periodStart: URIRef  # period start
    periodEnd: URIRef  # period end
    nearTermYear: URIRef  # near-term year
    visionYear: URIRef  # vision year
    centralCityCoverage: URIRef  # central city coverage
    theme: URIRef  # theme
    partOf: URIRef  # part of
    villageClass: URIRef  # village classification
    indicatorType: URIRef  # indicator type
    level: URIRef  # level
    formula: URIRef  # formula
    scope: URIRef  # scope
    count: URIRef  # count
    function: URIRef  # function
    minutes: URIRef  # minutes
    category: URIRef  # category
    landUse: URIRef  # land use
    heritageType: URIRef  # heritage type
    subject: URIRef  # subject
    value: URIRef  # value
    unit: URIRef  # unit
    comparator: URIRef  # comparator
    targetYear: URIRef  # target year
    landUseClass: URIRef  # land-use class
    share: URIRef  # share
    heritageCategory: URIRef  # heritage category
    protectionLevel: URIRef  # protection level
    currentCount: URIRef  # current count
    plannedCount: URIRef  # planned count
    constructionMode: URIRef  # construction mode

    # concept schemes
    SettlementRoles: URIRef  # settlement roles
    IndicatorStatuses: URIRef  # indicator statuses

    # concepts
    CentralCity: URIRef  # central city
    KeyTown: URIRef  # key town
    GeneralTownship: URIRef  # general township
    DevelopmentPole: URIRef  # development pole
    Current: URIRef  # current
    Planned: URIRef  # planned


# Classes a Fact.kind may name (everything but the document classes and the abstract superclass).
FACT_KINDS: tuple[str, ...] = (
    "Town", "Township", "NatureReserve", "NaturePark", "ForestPark", "ProtectedAreaSystem",
    "EcologicalCorridor", "EcologicalBarrier", "SpatialStructure", "StructureElement", "District",
    "FeaturedTown", "VillageType", "LifeCircle", "Facility", "ControlLine", "Strategy",
    "HeritageFigure", "Indicator", "Positioning", "AdministrativeVillage", "NaturalVillage",
    "LandUseArea", "HeritageItem",
)  # fmt: skip

# Names Ref("Concept", name) may take.
CONCEPTS: tuple[str, ...] = (
    "CentralCity",
    "KeyTown",
    "GeneralTownship",
    "DevelopmentPole",
    "Current",
    "Planned",
)


def _read(name: str) -> Graph:
    graph = Graph()
    graph.parse(data=files(__package__).joinpath(name).read_text(encoding="utf-8"), format="turtle")
    return graph


def ontology_graph() -> Graph:
    """A fresh graph holding ``plan.ttl``."""
    return _read("plan.ttl")


def shapes_graph() -> Graph:
    """A fresh graph holding the SHACL shapes ``shapes.ttl``."""
    return _read("shapes.ttl")
