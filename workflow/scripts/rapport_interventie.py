import json
from pathlib import Path

from evaluatie import pijplijn

with pijplijn.stap(snakemake.log[0]):
    meta = json.loads(Path(snakemake.input.meta).read_text(encoding="utf-8"))
    pijplijn.render_rapport(
        snakemake.input.template,
        params={"resultaten": str(Path(snakemake.input.meta).parent.resolve()),
                "regio_resultaten": str(Path(snakemake.input.regio).parent.resolve())},
        uitvoer={f: snakemake.output[f] for f in snakemake.params.formaten},
        engine=snakemake.params.engine,
        extra_secties=snakemake.params.extra_secties,
        metadata={"title": meta["naam"],
                  "subtitle": f"{meta['regio_naam']} · verslagjaar {meta['jaar']}"},
    )
