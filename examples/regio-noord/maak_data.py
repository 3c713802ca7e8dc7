"""Write the second demo region, "Regio Noord": the demo generator's data exported the
way another region's systems would deliver it.

It differs from the first demo region in three ways, on purpose:

- other column names (``ClientNr``, ``Sekse``, ``Meting`` …);
- other codes (numeric SPSS codes with value labels, ``nulmeting``/``6 mnd``/``12 mnd``,
  ``HA``/``WMO`` … for kostendomeinen);
- other formats: participants as SPSS ``.sav``, measurements and experiences as
  ``.xlsx``, costs as a Dutch Excel CSV (``;``, decimal comma, cp1252, ``dd-mm-jjjj``).

The measurements also hold ``Buikomvang`` (waist circumference in cm), which no core
analysis uses: the extension example ``analyses/taille.py`` does.

    python examples/regio-noord/maak_data.py <map>
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat

from evaluatie import synth

INTERVENTIES = ["leefstijlloket", "groepsconsulten"]
TAILLE_EFFECT = {"T0": 0.0, "T1": -1.5, "T2": -2.5}  # true mean change in cm


def maak(map_: Path, seed: int = 7, schaal: float = 0.3) -> None:
    specs = [s for s in synth.demo_interventies() if s.code in INTERVENTIES]
    ds = synth.genereer_regio(seed=seed, schaal=schaal, interventies=specs)
    map_.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)

    d = ds.tabellen["deelnemers"].copy()
    sekse = {"man": 1, "vrouw": 2, "anders": 3}
    ses = {"laag": 1, "midden": 2, "hoog": 3}
    status = {"aangemeld": 1, "gestart": 2, "afgerond": 3, "uitgevallen": 4}
    verwijzer = {"huisarts": "HA", "jgz": "JGZ", "wijkteam": "WT", "medisch_specialist": "MS",
                 "school": "SCH", "zelfmelder": "ZM", "anders": "AND"}
    sav = pd.DataFrame({
        "ClientNr": d["pseudo_id"],
        "Traject": d["interventie"].map({"leefstijlloket": "LSL", "groepsconsulten": "GC"}),
        "Sekse": d["geslacht"].map(sekse).astype(float),
        "Leeftijd": d["leeftijd_start"],
        "Wijkcode": d["wijk"],
        "SES": d["ses_score"],
        "SES_tertiel": d["ses_groep"].map(ses).astype(float),
        "Verwijzer": d["verwijzer"].map(verwijzer),
        "Aanmelding": d["aanmelddatum"].dt.date,
        "Start": d["startdatum"].dt.date,
        "Einde": d["einddatum"].dt.date,
        "Status": d["status"].map(status).astype(float),
        "RedenUitval": d["reden_uitval"],
    })
    pyreadstat.write_sav(sav, map_ / "clienten.sav", variable_value_labels={
        "Sekse": {1.0: "Man", 2.0: "Vrouw", 3.0: "Anders"},
        "SES_tertiel": {1.0: "Laag", 2.0: "Midden", 3.0: "Hoog"},
        "Status": {1.0: "Aangemeld", 2.0: "Actief", 3.0: "Afgerond", 4.0: "Uitgevallen"},
    })

    m = ds.tabellen["metingen"].copy()
    persoon = {pid: rng.normal(102, 11) for pid in m["pseudo_id"].unique()}
    taille = m["pseudo_id"].map(persoon) + m["meetmoment"].map(TAILLE_EFFECT) + rng.normal(0, 1.5, len(m))
    xlsx = pd.DataFrame({
        "ClientNr": m["pseudo_id"],
        "Meting": m["meetmoment"].map({"T0": "nulmeting", "T1": "6 mnd", "T2": "12 mnd"}),
        "Datum": m["meetdatum"],
        "BMI": m["bmi"],
        "PG_Lichaam": m["pg_lichaamsfuncties"],
        "PG_Mentaal": m["pg_mentaal_welbevinden"],
        "PG_Zingeving": m["pg_zingeving"],
        "PG_KwaliteitLeven": m["pg_kwaliteit_van_leven"],
        "PG_Meedoen": m["pg_meedoen"],
        "PG_Dagelijks": m["pg_dagelijks_functioneren"],
        "ErvarenGezondheid": m["ervaren_gezondheid"],
        "Buikomvang": taille.round(1),
    })
    xlsx.to_excel(map_ / "metingen.xlsx", index=False, sheet_name="Metingen")

    e = ds.tabellen["ervaringen"]
    pd.DataFrame({"ClientNr": e["pseudo_id"], "Meting": "6 mnd", "Datum": e["datum"],
                  "Cijfer": e["rapportcijfer"], "Aanbevelen": e["aanbevelen"]}
                 ).to_excel(map_ / "ervaringen.xlsx", index=False)

    k = ds.tabellen["zorgkosten"]
    domein = {"zvw_huisarts": "HA", "zvw_ggz": "GGZ", "zvw_msz": "MSZ", "zvw_farmacie": "FARM",
              "zvw_overig": "ZVW-OV", "wmo": "WMO", "jeugdwet": "JW", "participatiewet": "PW"}
    csv = pd.DataFrame({"ClientNr": k["pseudo_id"], "Van": k["periode_start"].dt.strftime("%d-%m-%Y"),
                        "Tot": k["periode_eind"].dt.strftime("%d-%m-%Y"),
                        "Domein": k["kostendomein"].map(domein), "Bedrag": k["bedrag_eur"]})
    tekst = csv.to_csv(index=False, sep=";", decimal=",")
    (map_ / "declaraties.csv").write_bytes(tekst.encode("cp1252"))

    waarheid = ds.waarheid | {"taille_effect_cm": TAILLE_EFFECT}
    (map_ / "waarheid.json").write_text(json.dumps(waarheid, indent=2, ensure_ascii=False), "utf-8")


if __name__ == "__main__":
    maak(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("data"))
