"""Who hosts a source: official hosts, mirrors, news, encyclopedias, web archives.

A source labelled ``official`` or ``treaty`` must be the publisher's own text on
the publisher's own host (the house rule: primary sources, never mirrors or
aggregators). That is checked against two tables, so that the rule can be read
and extended:

- :data:`OFFICIAL_DOMAINS`: domains of governments, parliaments, international
  organisations, treaty depositaries, NATO bodies and the Centres of Excellence
  (a domain covers its sub-domains). Government and military second-level
  labels under a country code (``gov.uk``, ``gouv.fr``, ``gob.es``, ``gv.at``,
  ``go.jp``, ``mil.pl``...) and the ``.gov``, ``.mil`` and ``.int`` top-level
  domains are official without being listed.
- :data:`OTHER_HOSTS`: hosts known not to be a publisher's own, by category:
  ``mirror`` (document dumps, press-release aggregators, commercial or private
  copies of official texts), ``news``, ``encyclopedia``, ``research``
  (academic document collections) and ``archive`` (web archives such as the
  Wayback Machine).

:func:`check_source_host` gives the rule broken, if any: an ``official`` or
``treaty`` source on a ``mirror``, ``news``, ``encyclopedia`` or ``research``
host is refused (relabel it ``news``/``reference``/``research``, or cite the
original); one on a web ``archive`` needs ``copy_of:`` with the URL of the
original on an official host; one on a host in neither table is refused until
the host is added to :data:`OFFICIAL_DOMAINS` (a reviewed change, not a guess).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

#: Country-code second-level labels used by governments and armed forces (``mfa.gov.hu``, ``defense.gouv.fr``).
_GOV_LABELS = frozenset({"gov", "gouv", "gob", "gv", "go", "govt", "mil", "admin"})
_CC = re.compile(r"[a-z]{2}")

#: Official domains (each covers its sub-domains), grouped by who they belong to.
OFFICIAL_DOMAINS: dict[str, str] = {
    # international organisations, treaty depositaries, official journals
    "europa.eu": "European Union institutions (incl. EUR-Lex, the Official Journal)",
    "un.org": "United Nations (incl. the Treaty Series)",
    "osce.org": "OSCE",
    "oas.org": "Organization of American States",
    "iaea.org": "International Atomic Energy Agency",
    "arctic-council.org": "Arctic Council",
    "helcom.fi": "Baltic Marine Environment Protection Commission",
    "nordefco.org": "Nordic Defence Cooperation",
    "cedc.info": "Central European Defence Cooperation",
    "visegradfund.org": "International Visegrad Fund (the V4 governments' fund)",
    "eurocorps.org": "Eurocorps",
    "eatc-mil.com": "European Air Transport Command",
    "weu.int": "Western European Union",
    # NATO's Centres of Excellence and their events
    "ccdcoe.org": "Cooperative Cyber Defence CoE", "ccdcoe.eu": "Cooperative Cyber Defence CoE",
    "c2coe.org": "Command and Control CoE", "caspoa.org": "Air Operations CoE", "cicoe.org": "Counter Intelligence CoE",
    "cmdrcoe.org": "Crisis Management and Disaster Response CoE", "eodcoe.org": "EOD CoE",
    "milengcoe.org": "Military Engineering CoE", "nspcoe.org": "Stability Policing CoE",
    "enseccoe.org": "Energy Security CoE", "hybridcoe.fi": "European CoE for Countering Hybrid Threats",
    "cimic-coe.org": "CIMIC CoE", "coemed.org": "Military Medicine CoE", "japcc.org": "Joint Air Power Competence Centre",
    "jcbrncoe.org": "Joint CBRN Defence CoE", "marseccoe.org": "Maritime Security CoE", "mscoe.org": "Modelling and Simulation CoE",
    "mwcoe.org": "Mountain Warfare CoE", "natohcoe.org": "HUMINT CoE", "nsfacoe.org": "Security Force Assistance CoE",
    "space-coe.org": "Space CoE", "stratcomcoe.org": "Strategic Communications CoE",
    "rigastratcomdialogue.org": "StratCom CoE (Riga StratCom Dialogue)", "coemw.org": "Mountain Warfare CoE",
    "coe-dat.org": "Defence Against Terrorism CoE", "cwcoe.org": "Cold Weather Operations CoE",
    "coecsw.org": "Confined and Shallow Waters CoE", "iamd-coe.org": "Integrated Air and Missile Defence CoE",
    "coemc.org": "Military Medicine CoE", "ciedcoe.org": "Counter-IED CoE", "coe-ied.org": "Counter-IED CoE",
    "mpcoe.org": "Military Police CoE", "geometoc-coe.org": "Geospatial, Meteorology and Oceanography CoE",
    "jwc.nato.int": "Joint Warfare Centre",
    # governments, parliaments, ministries, armed forces, state archives (outside gov.*/mil.* names)
    "parliament.uk": "UK Parliament", "senat.fr": "French Senate", "assemblee-nationale.fr": "French National Assembly",
    "vie-publique.fr": "French government (DILA)", "legifrance.gouv.fr": "Légifrance",
    "saeima.lv": "Saeima of Latvia", "oireachtas.ie": "Irish Parliament", "ft.dk": "Danish Parliament",
    "eu.dk": "Danish Parliament's EU Information Centre", "stm.dk": "Prime Minister's Office of Denmark",
    "fmn.dk": "Danish Ministry of Defence", "um.dk": "Danish Ministry of Foreign Affairs",
    "regeringen.se": "Government Offices of Sweden", "government.se": "Government Offices of Sweden",
    "regjeringen.no": "Norwegian Government", "government.is": "Government of Iceland",
    "stjornarradid.is": "Government Offices of Iceland (incl. embassy news)",
    "defmin.fi": "Finnish Ministry of Defence", "um.fi": "Finnish Ministry for Foreign Affairs",
    "valtioneuvosto.fi": "Finnish Government", "presidentti.fi": "President of Finland",
    "bmvg.de": "German Ministry of Defence", "auswaertiges-amt.de": "German Federal Foreign Office",
    "bundeswehr.de": "Bundeswehr", "luftwaffe.de": "German Air Force", "bundesregierung.de": "German Federal Government",
    "belgium.be": "Belgian federal government (federal portal and news.belgium.be)",
    "defensie.nl": "Netherlands Ministry of Defence", "overheid.nl": "Government of the Netherlands",
    "officielebekendmakingen.nl": "Netherlands official publications (Tractatenblad)",
    "government.nl": "Government of the Netherlands", "rijksoverheid.nl": "Government of the Netherlands",
    "kam.lt": "Lithuanian Ministry of National Defence", "urm.lt": "Lithuanian Ministry of Foreign Affairs",
    "vm.ee": "Estonian Ministry of Foreign Affairs", "kaitseministeerium.ee": "Estonian Ministry of Defence",
    "eu2017.ee": "Estonian Presidency of the Council of the EU", "mod.gov.lv": "Latvian Ministry of Defence",
    "mapn.ro": "Romanian Ministry of National Defence", "mae.ro": "Romanian Ministry of Foreign Affairs (incl. embassy sites)",
    "army.md": "Ministry of Defence of the Republic of Moldova", "morh.hr": "Croatian Ministry of Defence",
    "mzv.sk": "Slovak Ministry of Foreign and European Affairs", "mosr.sk": "Slovak Ministry of Defence",
    "honvedelem.hu": "Hungarian Ministry of Defence", "marinha.pt": "Portuguese Navy", "carabinieri.it": "Carabinieri",
    "difesa.it": "Italian Ministry of Defence", "esteri.it": "Italian Ministry of Foreign Affairs",
    "dzkk.tsk.tr": "Turkish Naval Forces", "tsk.tr": "Turkish Armed Forces", "msb.gov.tr": "Turkish Ministry of National Defence",
    "arhivyu.rs": "Archives of Yugoslavia", "nzhistory.net.nz": "NZ Ministry for Culture and Heritage",
    "croatiaemb.org": "Embassy of Croatia in the United States", "connect2canada.com": "Embassy of Canada in the United States",
    "cnmv.es": "Spanish securities regulator (CNMV)", "defensa.gob.es": "Spanish Ministry of Defence",
    "vietnamwar50th.com": "US Department of Defense (Vietnam War Commemoration)",
    "president.gov.ua": "Office of the President of Ukraine", "mfa.gov.ua": "Ukrainian Ministry of Foreign Affairs",
    "forsvarsmakten.se": "Swedish Armed Forces", "puolustusvoimat.fi": "Finnish Defence Forces",
    "bundesheer.at": "Austrian Armed Forces", "dvidshub.net": "US Department of Defense (DVIDS)",
    "forsvaret.no": "Norwegian Armed Forces", "forsvaret.dk": "Danish Defence",
    "kariuomene.lt": "Lithuanian Armed Forces", "caf-fac.ca": "Canadian Armed Forces (The Maple Leaf)",
    "diplo.de": "German Federal Foreign Office (missions abroad)",
    "ambafrance.org": "French Ministry for Europe and Foreign Affairs (embassy sites)",
}

#: Hosts known not to be a publisher's own, by category (each covers its sub-domains).
OTHER_HOSTS: dict[str, str] = {
    # document dumps, press-release aggregators, private or commercial copies of official texts
    "docslib.org": "mirror", "fdocuments.net": "mirror", "scribd.com": "mirror", "studyres.com": "mirror",
    "qica.asia": "mirror", "alayham.com": "mirror", "publicnow.com": "mirror", "einpresswire.com": "mirror",
    "defense-aerospace.com": "mirror", "globalsecurity.org": "mirror", "parallelparliament.co.uk": "mirror",
    "juriblio.fr": "mirror", "tricoteuses.fr": "mirror", "faceaurisque.com": "mirror", "eumonitor.eu": "mirror",
    "inforlex.pl": "mirror", "lawyerly.ph": "mirror", "jur.ph": "mirror", "nosdeputes.fr": "mirror",
    "fredsakademiet.dk": "mirror", "fc2web.com": "mirror", "taiwandocuments.org": "mirror",
    "theforgottenvictory.org": "mirror", "usinfo.org": "mirror", "europeansources.info": "mirror",
    "parlementairemonitor.nl": "mirror", "ritzau.dk": "mirror", "sunsite.unc.edu": "mirror",
    "ibiblio.org": "mirror", "yumpu.com": "mirror", "pdfcoffee.com": "mirror", "dokumen.pub": "mirror",
    "issuu.com": "mirror", "readkong.com": "mirror", "prnewswire.com": "mirror", "businesswire.com": "mirror",
    "wikisource.org": "mirror", "kildarestreet.com": "mirror", "juriafrica.com": "mirror",
    # news
    "trend.az": "news", "uatv.ua": "news", "reuters.com": "news", "apnews.com": "news", "bbc.co.uk": "news",
    "bbc.com": "news", "theguardian.com": "news", "nytimes.com": "news", "politico.eu": "news", "defensenews.com": "news",
    "euractiv.com": "news", "kyivindependent.com": "news", "ukrinform.net": "news", "ukrinform.ua": "news", "err.ee": "news",
    "lrt.lt": "news", "yle.fi": "news", "thelocal.se": "news", "janes.com": "news", "breakingdefense.com": "news",
    "navalnews.com": "news", "armyrecognition.com": "news",
    # encyclopedias
    "wikipedia.org": "encyclopedia", "britannica.com": "encyclopedia", "wikiwand.com": "encyclopedia",
    "dbpedia.org": "encyclopedia", "everybodywiki.com": "encyclopedia",
    # academic document collections (copies of official texts, cited as research)
    "nsarchive.gwu.edu": "research", "presidency.ucsb.edu": "research", "worldjpn.net": "research",
    "germanhistorydocs.org": "research", "acronym.org.uk": "research", "avalon.law.yale.edu": "research",
    "cvce.eu": "research", "wilsoncenter.org": "research",
    # web archives: a snapshot of someone's page
    "web.archive.org": "archive", "archive.org": "archive", "cybercemetery.unt.edu": "archive",
    "webarchive.library.unt.edu": "archive", "archive.ph": "archive", "archive.today": "archive",
    "webarchive.nationalarchives.gov.uk": "archive",
}

_MORE = {
    "encyclopedia": "wikimili.com hyperlinked.wiki owiki.org kiddle.co en-academic.com liquisearch.com allrefer.com "
                    "academia-lab.com wmcloud.org",
    "mirror": "country-data.com congressionalresearch.com youscribe.com azkurs.org issuhub.com rdrr.io",
    "news": "pravda.com.ua babel.ua euromaidanpress.com online.ua 15min.lt interfax.com.ua lsm.lv euro-sd.com "
            "eurointegration.com.ua hina.hr nrc.nl rferl.org romania-insider.com sme.sk tass.com voanews.com abc.net.au "
            "dw.com foxnews.com washingtonpost.com time.com upi.com xinhuanet.com trtworld.com dailysabah.com "
            "hurriyetdailynews.com thehindu.com nationalpost.com csmonitor.com swissinfo.ch sputniknews.com globaltimes.cn "
            "civil.ge report.az mia.mk n1info.hr teraz.sk unn.ua liga.net obozrevatel.com protothema.gr thelocal.dk "
            "cphpost.dk icelandreview.com sloveniatimes.com sofiaglobe.com lithuaniatribune.com notesfrompoland.com "
            "defensedaily.com forcesnews.com opex360.com polska-zbrojna.pl news.yahoo.com anews.com.tr alarabiya.net "
            "kuwaittimes.com nationthailand.com business-standard.com sun-sentinel.com deseret.com kesq.com "
            "novayagazeta.eu cgtn.com l24.lt h1.md nineoclock.ro stiripesurse.ro comisarul.ro brnodaily.cz denik.cz "
            "pan.bg netpress.com.mk hvylya.net dengi.ua vestikavkaza.ru globalnews.ge turkishminute.com eurasiareview.com "
            "miragenews.com estonianworld.com dailyfinland.fi infosecurity-magazine.com scmagazineuk.com "
            "securityaffairs.com asdnews.com seawaves.com flight.com.gr defenceredefined.com.cy ecodellapista.it "
            "difesaonline.it spazio-news.it tech.eu republicworld.com pledgetimes.com silkway.news cniasia.news "
            "nordot.app proceso.com.mx americaeconomia.com hoybolivia.com elestimulo.com cnc3.co.tt canindia.com "
            "thefrontierpost.com voabangla.com ukrainetoday.org kaiserslauternamerican.com",
    "research": "atlanticcouncil.org gmfus.org cfr.org chathamhouse.org clingendael.org rusi.org swp-berlin.org "
                "lowyinstitute.org usip.org lawfaremedia.org ukandeu.ac.uk planetarysecurityinitiative.org "
                "strathprints.strath.ac.uk cambridgecore.org researcher.life japanpitt.pitt.edu law.emory.edu "
                "kwartalnik.csp.edu.pl historynewsnetwork.org statewatch.org",
}
OTHER_HOSTS.update({host: cat for cat, hosts in _MORE.items() for host in hosts.split()})

#: Categories a source labelled official or treaty may never be hosted on.
NOT_OFFICIAL = frozenset({"mirror", "news", "encyclopedia", "research"})


def host_of(url: str | None) -> str | None:
    """The lower-case host of a URL without ``www.``, or None."""
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host:
        return None
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def _listed(host: str, table: dict[str, str]) -> str | None:
    labels = host.split(".")
    for i in range(len(labels)):
        hit = table.get(".".join(labels[i:]))
        if hit is not None:
            return hit
    return None


def is_official_host(host: str) -> bool:
    """Whether ``host`` belongs to a government, parliament, international organisation or NATO body."""
    if _listed(host, OFFICIAL_DOMAINS) is not None:
        return True
    labels = host.split(".")
    if labels[-1] in ("gov", "mil", "int"):
        return True
    return len(labels) >= 2 and labels[-2] in _GOV_LABELS and bool(_CC.fullmatch(labels[-1]))


def category(url: str | None) -> str:
    """``official``, ``mirror``, ``news``, ``encyclopedia``, ``research``, ``archive``, ``other`` or ``none`` (no URL).

    A listed mirror, news site... wins over the official suffixes: a national
    archives' web archive is an archive, not the page it copied.
    """
    host = host_of(url)
    if host is None:
        return "none"
    listed = _listed(host, OTHER_HOSTS)
    if listed is not None:
        return listed
    return "official" if is_official_host(host) else "other"


def check_source_host(kind: str, url: str | None, copy_of: str | None) -> str | None:
    """The rule an ``official``/``treaty`` source's host breaks, or None (see the module docstring)."""
    if kind not in ("official", "treaty") or not url:
        return None
    host, cat = host_of(url), category(url)
    if cat in NOT_OFFICIAL:
        return (f"kind '{kind}' on {host}, a {cat} host, not the publisher's own: cite the original on the publisher's site, "
                f"or relabel it ({'news' if cat == 'news' else 'reference' if cat in ('mirror', 'encyclopedia') else 'research'})")
    if cat == "archive":
        if not copy_of:
            return (f"kind '{kind}' on {host}, a web archive: give copy_of with the URL of the original on the "
                    "publisher's site, or relabel it")
        if category(copy_of) != "official":
            return f"copy_of {host_of(copy_of) or repr(copy_of)} is not a known official host (see secnet.model.hosts)"
        return None
    if cat == "other":
        return (f"kind '{kind}' on {host}, not a known official host: add the publisher's domain to "
                "OFFICIAL_DOMAINS in secnet/model/hosts.py, or relabel the source (news, research, reference)")
    return None
