"""Example SPARQL queries shown on the query page and benchmarked; each answers a real staff question.

Queries name no IRI base and no plan id, so they run on any deployment and any set of plans.
``tests/kg/test_examples.py`` runs every one on the real build.
"""

from __future__ import annotations

from dataclasses import dataclass

PREFIXES = """PREFIX plan: <https://w3id.org/plankg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""


@dataclass(frozen=True)
class Example:
    id: str
    title_zh: str
    title_en: str
    body: str  # the query without the PREFIX lines

    @property
    def query(self) -> str:
        return PREFIXES + "\n" + self.body.strip() + "\n"

    def title(self, lang: str = "zh") -> str:
        return self.title_en if lang == "en" else self.title_zh

    def to_json(self, lang: str = "zh") -> dict[str, str]:
        return {"id": self.id, "title": self.title(lang), "query": self.query}


EXAMPLES: tuple[Example, ...] = (
    Example(
        "towns-by-role",
        "各乡镇在城镇体系中的角色",
        "Towns and townships by settlement role",
        """
SELECT ?role ?town ?coverage WHERE {
  ?t plan:hasRole ?r ;
     rdfs:label ?town .
  OPTIONAL { ?t plan:centralCityCoverage ?coverage }
  BIND(STRAFTER(STR(?r), "#") AS ?role)
}
ORDER BY ?role ?town""",
    ),
    Example(
        "keytown-and-pole",
        "既是重点镇又是发展极的镇",
        "Towns that are both key towns and development poles",
        """
SELECT ?town WHERE {
  ?t plan:hasRole plan:KeyTown , plan:DevelopmentPole ;
     rdfs:label ?town .
}
ORDER BY ?town""",
    ),
    Example(
        "protected-areas-by-level",
        "各级自然保护地数量",
        "Protected areas by level and kind",
        """
SELECT ?level ?kind (COUNT(DISTINCT ?area) AS ?n) WHERE {
  VALUES ?class { plan:NatureReserve plan:ForestPark plan:NaturePark }
  ?area a ?class ;
        plan:level ?level .
  BIND(STRAFTER(STR(?class), "#") AS ?kind)
}
GROUP BY ?level ?kind
ORDER BY ?level ?kind""",
    ),
    Example(
        "forest-parks-in-system",
        "纳入自然保护地体系的森林公园",
        "Forest parks in the protected-area system",
        """
SELECT ?park ?level ?system WHERE {
  ?p a plan:ForestPark ;
     rdfs:label ?park ;
     plan:memberOf ?s .
  ?s rdfs:label ?system .
  OPTIONAL { ?p plan:level ?level }
}
ORDER BY ?park""",
    ),
    Example(
        "indicators",
        "规划指标：数值、单位与出处章节",
        "Indicators with value, unit and source section",
        """
SELECT ?subject ?comparator ?value ?unit ?status ?year ?section WHERE {
  ?i a plan:Indicator ;
     plan:subject ?subject ;
     plan:value ?value ;
     prov:wasDerivedFrom ?passage .
  ?passage plan:heading ?section .
  OPTIONAL { ?i plan:unit ?unit }
  OPTIONAL { ?i plan:comparator ?comparator }
  OPTIONAL { ?i plan:targetYear ?year }
  OPTIONAL { ?i plan:status ?st }
  BIND(STRAFTER(STR(?st), "#") AS ?status)
}
ORDER BY ?section ?subject""",
    ),
    Example(
        "passages-of-section",
        "某一章节（5.5 历史文化遗产保护）的原文段落",
        "Passages of one section (5.5)",
        """
SELECT ?title ?start ?text WHERE {
  ?s a plan:Section ;
     plan:sectionNumber "5.5" ;
     dcterms:title ?title .
  ?p plan:inSection ?s ;
     plan:startOffset ?start ;
     plan:text ?text .
}
ORDER BY ?start""",
    ),
    Example(
        "structure-parts",
        "空间结构及其组成部分",
        "Spatial structures and their parts",
        """
SELECT ?formula ?scope ?part ?member WHERE {
  ?s a plan:SpatialStructure ;
     plan:formula ?formula ;
     plan:hasPart ?e .
  OPTIONAL { ?s plan:scope ?scope }
  ?e rdfs:label ?part .
  OPTIONAL { ?e plan:member ?m . ?m rdfs:label ?member }
}
ORDER BY ?formula ?part ?member""",
    ),
    Example(
        "featured-towns",
        "特色小镇及所在乡镇",
        "Featured towns with their theme and town",
        """
SELECT ?featured ?theme ?town WHERE {
  ?f a plan:FeaturedTown ;
     rdfs:label ?featured .
  OPTIONAL { ?f plan:theme ?theme }
  OPTIONAL { ?f plan:locatedIn ?t . ?t rdfs:label ?town }
}
ORDER BY ?featured""",
    ),
    Example(
        "heritage-figures",
        "历史文化遗产数量（按类型与级别）",
        "Heritage figures by type and level",
        """
SELECT ?type ?level ?count WHERE {
  ?h a plan:HeritageFigure ;
     plan:heritageType ?type ;
     plan:level ?level ;
     plan:count ?count .
}
ORDER BY ?type DESC(?count)""",
    ),
    Example(
        "village-types",
        "村庄类型及其定义",
        "Village types with their definitions",
        """
SELECT ?type ?definition WHERE {
  ?v a plan:VillageType ;
     rdfs:label ?type .
  OPTIONAL { ?v skos:definition ?definition }
}
ORDER BY ?type""",
    ),
    Example(
        "plans",
        "已收录的规划及其命名图",
        "Plans and their named graphs",
        """
SELECT ?plan ?title ?start ?end ?graph (COUNT(*) AS ?triples) WHERE {
  GRAPH ?graph {
    ?p a plan:Plan ;
       dcterms:identifier ?plan ;
       dcterms:title ?title .
    OPTIONAL { ?p plan:periodStart ?start ; plan:periodEnd ?end }
    ?s ?pred ?o .
  }
}
GROUP BY ?plan ?title ?start ?end ?graph
ORDER BY ?plan""",
    ),
    Example(
        "counts-per-plan",
        "各规划的章节、段落与乡镇数量对比",
        "Sections, passages and towns per plan",
        """
SELECT ?plan
       (COUNT(DISTINCT ?section) AS ?sections)
       (COUNT(DISTINCT ?passage) AS ?passages)
       (COUNT(DISTINCT ?town) AS ?towns) WHERE {
  ?p a plan:Plan ; dcterms:identifier ?plan .
  { ?section a plan:Section ; plan:inPlan ?p }
  UNION { ?passage a plan:Passage ; plan:inPlan ?p }
  UNION { VALUES ?c { plan:Town plan:Township } ?town a ?c ; plan:inPlan ?p }
}
GROUP BY ?plan
ORDER BY ?plan""",
    ),
    Example(
        "shared-indicator-subjects",
        "多个规划共有的指标（跨规划比较）",
        "Indicators with the same subject in several plans",
        """
SELECT ?subject ?plan ?value ?unit WHERE {
  {
    SELECT ?subject WHERE {
      ?i a plan:Indicator ; plan:subject ?subject ; plan:inPlan ?p .
    }
    GROUP BY ?subject
    HAVING (COUNT(DISTINCT ?p) > 1)
  }
  ?i a plan:Indicator ; plan:subject ?subject ; plan:value ?value ; plan:inPlan ?p .
  ?p dcterms:identifier ?plan .
  OPTIONAL { ?i plan:unit ?unit }
}
ORDER BY ?subject ?plan""",
    ),
)

BY_ID: dict[str, Example] = {e.id: e for e in EXAMPLES}


def examples_json(lang: str = "zh") -> list[dict[str, str]]:
    """The examples as the query page wants them: ``[{id, title, query}]``."""
    return [e.to_json(lang) for e in EXAMPLES]
