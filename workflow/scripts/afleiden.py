from evaluatie import pijplijn

with pijplijn.stap(snakemake.log[0]):
    pijplijn.afleiden(snakemake.params.config, snakemake.params.intern, snakemake.params.analyse,
                      snakemake.params.regio)
