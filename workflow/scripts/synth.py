from evaluatie import herstel

herstel.sterf_met_snakemake()  # a killed snakemake takes this job with it

from pathlib import Path

from evaluatie import pijplijn

with pijplijn.stap(snakemake.log[0]):
    pijplijn.synthetiseer(snakemake.params.config, Path(snakemake.output.waarheid).parent)
