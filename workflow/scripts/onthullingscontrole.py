from evaluatie import pijplijn

with pijplijn.stap(snakemake.log[0]):
    pijplijn.controleer(snakemake.params.mappen, snakemake.params.min_n, snakemake.output[0])
