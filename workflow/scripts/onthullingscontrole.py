from evaluatie import pijplijn

with pijplijn.stap(snakemake.log[0]):
    pijplijn.controleer(snakemake.params.config, snakemake.input[0], snakemake.output[0])
