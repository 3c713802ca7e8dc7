from evaluatie import pijplijn

with pijplijn.stap(snakemake.log[0]):
    pijplijn.beschrijf(snakemake.params.config, snakemake.params.intern,
                       snakemake.wildcards.interventie, snakemake.output[0])
