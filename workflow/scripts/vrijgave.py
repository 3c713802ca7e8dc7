from evaluatie import pijplijn

with pijplijn.stap(snakemake.log[0]):
    pijplijn.vrijgave(snakemake.params.config, snakemake.params.intern, snakemake.input.bronnen,
                      snakemake.output[0])
