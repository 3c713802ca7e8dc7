from evaluatie import pijplijn

with pijplijn.stap(snakemake.log[0]):
    pijplijn.analyseer(snakemake.params.config, snakemake.wildcards.analyse,
                       snakemake.wildcards.interventie, snakemake.params.data, snakemake.output[0])
