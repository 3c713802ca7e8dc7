from evaluatie import pijplijn

with pijplijn.stap(snakemake.log[0]):
    pijplijn.analyseer_alles(snakemake.params.config, snakemake.wildcards.interventie,
                             snakemake.params.data, snakemake.params.mappen)
    pijplijn.interventie_meta(snakemake.params.config, snakemake.wildcards.interventie,
                              snakemake.input.bronnen, snakemake.output.meta)
