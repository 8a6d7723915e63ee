"""Controlled vocabularies: the only place where secnet's terms are listed.

Every term that appears in the dataset (actor kinds, arrangement kinds, relations
to NATO, roles, obligation types, issue areas, capabilities and regions) must be
one of these; the loader refuses anything else. Each vocabulary is a mapping from
term to a one-line definition, so documentation and the CLI can show what a term
means.

The obligation types follow the Alliance Treaty Obligations and Provisions (ATOP)
codebook (Leeds et al. 2002; ATOP v5.1 codebook) where it has a word for the
thing: defence, offence, neutrality, non-aggression, consultation. ATOP's
"defense" is split here into ``collective_defence`` (an attack on one is an attack
on all, e.g. North Atlantic Treaty Art. 5) and ``mutual_assistance`` (an
obligation of aid and assistance by all means in their power, e.g. TEU Art. 42.7),
which ATOP codes alike.
"""

from __future__ import annotations

ACTOR_KINDS: dict[str, str] = {
    "state": "a sovereign state, identified by its ISO 3166 alpha-3 code",
    "international_organisation": "an intergovernmental organisation (EU, UN, OSCE, AU, NATO itself)",
    "private_actor": "an industry body, research network, fund, NGO or other non-state actor",
}

ARRANGEMENT_KINDS: dict[str, str] = {
    "alliance": "a treaty alliance with defence obligations (NATO, ANZUS, Rio Treaty)",
    "partnership_framework": "a NATO partnership framework (PfP, EAPC, MD, ICI, partners across the globe, EOP)",
    "consultative_body": "a standing council or commission between NATO and one partner (NATO-Russia Council, NATO-Ukraine Council)",
    "command_structure": "a military structure inside an alliance (NATO's integrated military structure)",
    "centre_of_excellence": "a NATO-accredited Centre of Excellence",
    "flexible_format": "a grouping connected to NATO structures (Framework Nations groups, NATO+n)",
    "minilateral": "a small grouping of states outside the alliance's structures (JEF, AUKUS, Northern Group)",
    "international_organisation": "an intergovernmental organisation in its role as an arrangement with member states",
    "bilateral_agreement": "a treaty or political declaration between two parties",
    "initiative": "a programme or initiative with participants (DIANA, NATO Innovation Fund, UDCG)",
    "operation": "a NATO-led operation or mission (ISAF, KFOR, Sea Guardian, NATO Mission Iraq)",
}

RELATIONS: dict[str, str] = {
    "inside": "part of NATO or one of its formal structures and frameworks",
    "flexible": "connected to NATO structures (the GMF paper's 'flexible' formats)",
    "minilateral": "outside the alliance, among members and/or partners (the GMF paper's 'minilateral' formats)",
    "external": "not a NATO format at all (other organisations, bilateral treaties)",
}

#: role -> category. Categories drive queries: ``members()`` returns the
#: ``member`` category, ``partners()`` the ``partner`` and ``aspirant`` ones.
ROLES: dict[str, str] = {
    "member": "member",
    "founding_member": "member",
    "participant": "member",
    "lead": "member",
    "framework_nation": "member",
    "host_nation": "member",
    "sponsoring_nation": "member",
    "guarantor": "member",
    "beneficiary": "member",
    "partner": "partner",
    "contributing_participant": "partner",
    "associate": "partner",
    "observer": "observer",
    "aspirant": "aspirant",
    "applicant": "aspirant",
    "suspended": "suspended",
}

ROLE_DEFINITIONS: dict[str, str] = {
    "member": "a full member or party",
    "founding_member": "a member from the arrangement's foundation (use when the source says so)",
    "participant": "a participant in a format whose documents speak of participants, not members",
    "lead": "the lead nation of a format or initiative",
    "framework_nation": "the framework nation of a Framework Nations group, a Centre of Excellence or a NATO battlegroup",
    "host_nation": "the state on whose territory a multinational force is stationed (a NATO battlegroup's host)",
    "sponsoring_nation": "a sponsoring nation of a Centre of Excellence",
    "guarantor": "the party that gives a one-way pledge",
    "beneficiary": "the party that receives a one-way pledge",
    "partner": "a partner of the arrangement, not a member",
    "contributing_participant": "a non-NATO contributing participant of a Centre of Excellence",
    "associate": "an associate member or associate partner",
    "observer": "an observer",
    "aspirant": "a state in a membership preparation programme (e.g. the Membership Action Plan)",
    "applicant": "a state that has formally applied for membership",
    "suspended": "a participant whose participation is suspended",
}

ROLE_CATEGORIES: tuple[str, ...] = ("member", "partner", "observer", "aspirant", "suspended")
PARTNER_CATEGORIES: frozenset[str] = frozenset({"partner", "aspirant"})

OBLIGATION_TYPES: dict[str, str] = {
    "collective_defence": "an armed attack on one is an attack on all; each assists (ATOP defense)",
    "mutual_assistance": "an obligation of aid and assistance in case of armed aggression (ATOP defense)",
    "consultation": "a pledge to consult when a party feels threatened (ATOP consultation)",
    "non_aggression": "a pledge not to attack the other parties (ATOP non-aggression)",
    "neutrality": "a pledge to stay neutral if a party is attacked (ATOP neutrality)",
    "cooperation": "cooperation only: dialogue, exercises, programmes; no pledge",
}

#: Pledges that count as a defence guarantee for the back-door audit.
DEFENCE_OBLIGATIONS: frozenset[str] = frozenset({"collective_defence", "mutual_assistance"})

ISSUE_AREAS: dict[str, str] = {
    "collective_defence": "deterrence and defence of members' territory",
    "nuclear_deterrence": "nuclear policy, planning and deterrence",
    "crisis_management": "crisis management, peace support and stabilisation operations",
    "cooperative_security": "partnership, dialogue and cooperative security",
    "political_dialogue": "political consultation and coordination",
    "defence_capacity_building": "defence and security sector reform, capacity building",
    "interoperability": "standards, interoperability and joint exercises",
    "training_education": "training, education, doctrine and lessons learned",
    "rapid_response": "rapid reaction and expeditionary forces",
    "land_forces": "land forces and manoeuvre",
    "maritime": "maritime security, naval forces, mine warfare, sea lines",
    "air_missile_defence": "air policing, integrated air and missile defence",
    "space": "space operations and security",
    "cyber": "cyber defence and cyber security",
    "hybrid_threats": "hybrid threats, disinformation and strategic communications",
    "intelligence": "intelligence sharing and analysis",
    "counter_terrorism": "counter-terrorism",
    "cbrn": "chemical, biological, radiological and nuclear defence",
    "counter_ied": "countering improvised explosive devices and explosive ordnance disposal",
    "energy_security": "energy security",
    "critical_infrastructure": "protection and resilience of critical infrastructure",
    "resilience": "civil preparedness and societal resilience",
    "climate_security": "climate change and security",
    "defence_industry": "defence industry, procurement and armaments cooperation",
    "innovation_technology": "emerging and disruptive technologies, innovation",
    "arms_control": "arms control, disarmament and non-proliferation",
    "military_medicine": "military medicine",
    "logistics": "logistics, mobility and sustainment",
    "command_control": "command and control, communications",
    "stability_policing": "stability policing and security force assistance",
    "military_engineering": "military engineering",
    "cold_weather": "cold weather and mountain operations",
    "human_security": "human security, women, peace and security, civilian protection",
    "modelling_simulation": "modelling and simulation",
    "legal": "military law and operational law",
    "border_security": "border security",
    "sanctions": "economic and financial sanctions",
    "migration": "migration and irregular movement",
}

#: What an actor brings. The same terms as the issue areas: an actor's
#: capabilities are derived from the thematic arrangements it takes part in.
CAPABILITIES: dict[str, str] = dict(ISSUE_AREAS)

REGIONS: dict[str, str] = {
    "north_america": "North America",
    "latin_america": "Latin America and the Caribbean",
    "northern_europe": "Nordic countries and the North Sea",
    "western_europe": "Western Europe",
    "central_europe": "Central Europe",
    "southern_europe": "Southern Europe",
    "eastern_europe": "Eastern Europe (Ukraine, Moldova, Belarus, Russia)",
    "western_balkans": "Western Balkans",
    "baltic_sea": "the Baltic Sea region",
    "black_sea": "the Black Sea region",
    "high_north": "the High North and the Arctic",
    "south_caucasus": "the South Caucasus",
    "central_asia": "Central Asia",
    "mediterranean": "the Mediterranean and NATO's southern neighbourhood (North Africa)",
    "middle_east_gulf": "the Middle East and the Gulf",
    "sahel_africa": "the Sahel and sub-Saharan Africa",
    "indo_pacific": "the Indo-Pacific",
    "global": "global reach (organisations, worldwide formats)",
}

PRECISIONS: tuple[str, ...] = ("day", "month", "year")

SOURCE_KINDS: dict[str, str] = {
    "treaty": "a treaty text or its depositary record",
    "official": "a page or document of the organisation or government concerned",
    "dataset": "a research dataset",
    "news": "a news report",
    "research": "a research paper, report or reference work",
    "reference": "a reference work (encyclopaedia, standard)",
}

VOCABULARIES: dict[str, dict[str, str]] = {
    "actor_kind": ACTOR_KINDS,
    "arrangement_kind": ARRANGEMENT_KINDS,
    "relation": RELATIONS,
    "role": ROLE_DEFINITIONS,
    "obligation_type": OBLIGATION_TYPES,
    "issue_area": ISSUE_AREAS,
    "capability": CAPABILITIES,
    "region": REGIONS,
    "source_kind": SOURCE_KINDS,
}
