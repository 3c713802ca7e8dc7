from evaluatie import herstel

herstel.sterf_met_snakemake()  # a killed snakemake takes this job with it

from evaluatie import pijplijn

with pijplijn.stap(snakemake.log[0]):
    pijplijn.controleer(snakemake.params.config, snakemake.input[0], snakemake.output[0])
