"""Region-level tables about the input: the data-quality summary and the derived measures.

They are written by the steps ``inlezen`` and ``afleiden`` (:mod:`evaluatie.pijplijn`) to the
internal results of scope ``regio`` and released, like every other table, by the disclosure
engine. :func:`regio_tabellen` builds the specifications for a config: the number of rows of
``deelnemers`` is the sum of everyone registered in the interventies (plus the comparison
groups), a relation the engine uses across scopes.
"""

from __future__ import annotations

from typing import Any

from evaluatie.contract import RijSom, Tabel, aantal, instelling, sleutel, statistiek

TITEL = "Invoer en afgeleide maten"


def _datakwaliteit(interventies: list[str]) -> Tabel:
    return Tabel(
        "Per invoertabel: bestand, formaat, codering, aantal rijen en kolommen, lege cellen en de "
        "SHA-256 van het bestand.",
        [sleutel("tabel"), sleutel("bestand"), sleutel("formaat"), sleutel("encoding"),
         sleutel("scheidingsteken"), sleutel("decimaal"),
         aantal("n_rijen", "Rijen (bij deelnemers: personen)", grootheid="invoer/{tabel}/rijen"),
         instelling("aantal_kolommen", dtype="Int64"),
         statistiek("lege_cellen", "Lege cellen in de hele tabel", basis="n_rijen"),
         sleutel("sha256")],
        relaties=[RijSom("n_rijen", tuple(f"/{i}/deelnemers/aangemeld//" for i in interventies),
                         rest="/regio/deelnemers/niet_in_interventiegroep",
                         waar={"tabel": ("deelnemers",)})],
    )


AFLEIDING = Tabel(
    "Afgeleide maten, uitsluitingen en hun reden (aantal metingen, hele regio).",
    [sleutel("stap"), sleutel("omschrijving"), aantal("n", "Metingen")],
)


def regio_tabellen(config: dict[str, Any]) -> dict[str, Tabel]:
    return {"datakwaliteit": _datakwaliteit(list(config["interventies"])), "afleiding": AFLEIDING}


#: Without a config (documentation): the specification for no interventies.
REGIO_TABELLEN = {"datakwaliteit": _datakwaliteit([]), "afleiding": AFLEIDING}
