"""Release-safe text: the vocabulary that free text in a releasable table may use.

A text cell (a ``reden``, a label) is released only when it is

- in the column's own fixed vocabulary (``woorden`` in its specification), or
- a string that occurs in the configuration or the data dictionary (names, titles,
  descriptions, codes: they do not depend on the data), or
- one of the messages in :data:`REDENEN`, whose ``{...}`` placeholders may only be
  filled with such configuration or dictionary strings (a meetmoment, an outcome).

Texts made of several messages joined by ``"; "`` are checked part by part. Anything
else is masked by the engine: a message such as "Te weinig complete paren (3)" would
otherwise carry a count past the threshold.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

__all__ = ["REDENEN", "toegestaan", "woordenschat"]

#: Every message an analysis may release as a reason or note, with ``{...}`` for a
#: configuration or dictionary string. Keep in sync with the statistics modules; a test
#: runs the demo and small regions and fails on any masked text.
REDENEN: tuple[str, ...] = (
    # pre/post (evaluatie.prepost)
    "Te weinig complete paren voor een toets.",
    "Alle verschillen na − voor zijn gelijk (geen spreiding); geen toets mogelijk.",
    "Geen complete paren.",
    "Reliable Change Index niet te berekenen: te weinig paren of geen spreiding bij de voormeting.",
    "Geen waarnemingen op {meetmoment} én op een later meetmoment.",
    "Te weinig deelnemers met waarnemingen.",
    "Model niet schatbaar: te weinig waarnemingen of covariaten volledig afhankelijk van "
    "elkaar of van het meetmoment.",
    "Model niet te schatten: geen spreiding in de uitkomst.",
    "Interactietoets niet te berekenen: minder dan twee subgroepen met voldoende paren.",
    "Te weinig waarnemingen voor een betrouwbaarheidsinterval.",
    "Geen waarnemingen op het nameetmoment.",
    "Geen vergelijkingsgroep met metingen.",
    "Te weinig deelnemers met volledige gegevens voor het model.",
    "Geen waarnemingen van beide groepen op {meetmoment} én op een later meetmoment.",
    "Geen waarnemingen van beide groepen op {meetmoment}.",
    "Model niet schatbaar: te weinig waarnemingen of covariaten volledig afhankelijk van "
    "groep of meetmoment.",
    # dropout (evaluatie.uitval)
    "Niemand is gestart, dus er is geen noemer.",
    "Een groep heeft geen bekende waarden.",
    "Minder dan twee waarden in een groep.",
    "Geen spreiding in beide groepen; geen t-toets mogelijk.",
    "Maar één waarde waargenomen; geen toets mogelijk.",
    "Te weinig deelnemers met een voor- én nameting.",
    "Alle verschillen zijn gelijk; geen spreiding.",
    "Het gemengde model convergeert niet.",
    "Het gemengde model is niet te schatten (te weinig gegevens).",
    "Het imputatiemodel convergeert niet.",
    "Het imputatiemodel is niet te schatten (te weinig of te weinig verschillende gegevens).",
    "Te weinig waargenomen waarden om te imputeren.",
    "Geen gegevens.",
    "Geen primaire uitkomst.",
    "De uitkomst heeft maar één waarde; geen model mogelijk.",
    "Predictoren zijn lineair afhankelijk (of een niveau komt niet voor).",
    "Het model convergeert niet (mogelijk perfecte scheiding: een groep waarin iedereen of "
    "niemand uitvalt).",
    "Niemand is gestart.",
    "Geen uitval waargenomen; het aandeel niet-uitgevallen blijft 100%.",
    "Interval niet te berekenen: iedereen in follow-up is uitgevallen.",
    "Minder dan twee deelnemers met voor- én nameting.",
    # mixed model warnings (evaluatie.prepost.gemengd_model)
    "residuele variantie nagenoeg 0 ten opzichte van de variantie tussen deelnemers; schatting "
    "onbetrouwbaar",
    "variantie tussen deelnemers geschat op 0 (randoplossing, in lmer 'boundary (singular) fit'); "
    "resultaat gelijk aan lineaire regressie",
    "Hessiaan van de REML-deviance niet positief definiet: Satterthwaite niet mogelijk, z-toets "
    "gebruikt",
    # costs (evaluatie.kosten)
    "verschil_pct: geen kosten voor de start",
    "niemand heeft kosten in dit domein",
    "betrouwbaarheidsinterval: te weinig deelnemers",
    "betrouwbaarheidsinterval: geen variatie in het verschil",
    "BCa-interval niet te bepalen (ontaarde bootstrapverdeling)",
    "geen deelnemers met een complete kostenperiode voor en na de start",
    "geen zorgkostentabel",
    "geen vergelijkingsgroep in de data",
    "interventiekosten zijn 0",
    "te weinig deelnemers: geen spreiding",
    "te weinig deelnemers voor het model",
    "model niet te schatten (geen convergentie, scheiding of singulier)",
    "te weinig deelnemers voor het aantal covariaten",
    "standaardfout niet te bepalen",
    "iedereen of niemand heeft kosten: kans niet te modelleren",
    "te weinig deelnemers in een groep",
    "niet elke combinatie van groep en periode heeft waarnemingen",
    "minder dan 2 clusters",
    "geen variatie in de kosten",
    "gemeten: verschil-in-verschillen t.o.v. de vergelijkingsgroep",
    "gemeten: voor − na zonder vergelijkingsgroep (geen causaal effect)",
    # quintuple (evaluatie.quintuple)
    "niet gemeten bij deze deelnemers",
    "geen waarnemingen",
    "geen ervaringsvragenlijsten",
    "geen rapportcijfers",
    "geen antwoorden op de aanbeveelvraag",
    "geen gegevens over professionals",
    "geen uitvraag in of voor het verslagjaar",
    "geen gestarte deelnemers",
    "geen gestarte deelnemers in de groep laag of hoog",
    "te weinig deelnemers in de groep laag of hoog",
    "te weinig deelnemers met beide metingen",
    "geen wijkentabel",
    "geen inwoners in wijken met lage SES in de wijkentabel",
    "geen deelnemers met een wijk uit de wijkentabel",
    "niet voor de regio als geheel",
)

_PLAATS = re.compile(r"\{[^{}]*\}")


@cache
def _patroon(template: str) -> re.Pattern[str] | None:
    if not _PLAATS.search(template):
        return None
    delen = _PLAATS.split(template)
    return re.compile("^" + "(.+?)".join(re.escape(d) for d in delen) + "$")


def _bericht_ok(deel: str, woorden: frozenset[str]) -> bool:
    for t in REDENEN:
        p = _patroon(t)
        if p is None:
            if deel == t:
                return True
            continue
        m = p.match(deel)
        if m and all(g in woorden for g in m.groups()):
            return True
    return False


def toegestaan(waarde: str, eigen: Iterable[str] | None, context: frozenset[str]) -> bool:
    """Is ``waarde`` release-safe text? (see the module docstring)"""
    eigen = frozenset(eigen or ())
    if waarde in eigen or waarde in context:
        return True
    for deel in waarde.split("; "):
        deel = deel.strip()
        if not deel or deel in eigen or deel in context or _bericht_ok(deel, context):
            continue
        return False
    return True


def _strings(x: Any) -> Iterable[str]:
    if isinstance(x, str):
        yield x
        yield " ".join(x.split())
    elif isinstance(x, Mapping):
        for k, v in x.items():
            if isinstance(k, str):
                yield k
            yield from _strings(v)
    elif isinstance(x, list | tuple | set | frozenset):
        for v in x:
            yield from _strings(v)
    elif x is not None and not isinstance(x, bool):
        yield str(x)


def woordenschat(config: Mapping[str, Any], extra: Iterable[Any] = ()) -> frozenset[str]:
    """Every string of the config, the data dictionary and the indicator register (plus
    ``extra``): text that does not depend on the data."""
    from evaluatie import woordenboek

    bronnen: list[Any] = [config, list(extra)]
    for tabel in woordenboek.tabellen().values():
        bronnen.append([tabel.naam, tabel.titel, tabel.beschrijving])
        for v in tabel.velden:
            bronnen.append([v.naam, v.titel, v.beschrijving, v.eenheid, list(v.toegestaan or ())])
    for u in woordenboek.uitkomsten().values():
        bronnen.append([u.naam, u.titel, u.eenheid, u.klinisch_relevant_bron or ""])
    bronnen.append([woordenboek.PG_TOTAAL.naam, woordenboek.PG_TOTAAL.titel])
    try:
        from evaluatie import quintuple

        for i in quintuple.register().values():
            bronnen.append([i.id, i.doel, i.naam, i.definitie, i.bron, i.eenheid, i.richting])
    except (OSError, ValueError):  # pragma: no cover - register missing
        pass
    return frozenset(s for s in _strings(bronnen) if s)
