from evaluatie import herstel

herstel.sterf_met_snakemake()  # a killed snakemake takes this job with it

import json
from pathlib import Path

from evaluatie import bestanden, pijplijn

with pijplijn.stap(snakemake.log[0]):
    map_ = Path(snakemake.input.vrijgave).resolve() / snakemake.wildcards.interventie
    meta = json.loads((map_ / "interventie.json").read_text(encoding="utf-8"))
    bestanden.zet_bouwdatum({"peildatum": meta["peildatum"]})  # the PDF's creation date
    pijplijn.render_rapport(
        snakemake.input.template,
        params={"resultaten": str(map_), "regio_resultaten": str(map_.parent / "regio")},
        uitvoer={f: snakemake.output[f] for f in snakemake.params.formaten},
        engine=snakemake.params.engine,
        extra_secties=snakemake.params.extra_secties,
        metadata={"title": meta["naam"],
                  "subtitle": f"{meta['regio_naam']} · verslagjaar {meta['jaar']}"},
    )
