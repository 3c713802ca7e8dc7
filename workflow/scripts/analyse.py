from evaluatie import herstel

herstel.sterf_met_snakemake()  # a killed snakemake takes this job with it

from pathlib import Path

from evaluatie import pijplijn

with pijplijn.stap(snakemake.log[0]):
    uit = Path(snakemake.output.map)
    pijplijn.analyseer_alles(snakemake.params.config, snakemake.wildcards.interventie,
                             snakemake.params.data, uit)
    pijplijn.interventie_meta(snakemake.params.config, snakemake.wildcards.interventie,
                              snakemake.input.bronnen, uit / "interventie.json")
