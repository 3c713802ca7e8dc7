from evaluatie import herstel

herstel.sterf_met_snakemake()  # a killed snakemake takes this job with it

from pathlib import Path

from evaluatie import pijplijn
from evaluatie.export import exporteer

with pijplijn.stap(snakemake.log[0]):
    exporteer(Path(snakemake.input.vrijgave) / snakemake.wildcards.interventie, snakemake.output[0],
              config=snakemake.params.config, volgorde=list(snakemake.params.volgorde))
