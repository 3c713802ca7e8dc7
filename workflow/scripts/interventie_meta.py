from evaluatie import pijplijn

with pijplijn.stap(snakemake.log[0]):
    pijplijn.interventie_meta(snakemake.params.config, snakemake.wildcards.interventie,
                              snakemake.input.bronnen, snakemake.output[0])
