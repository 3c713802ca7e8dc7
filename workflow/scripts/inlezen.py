from evaluatie import pijplijn

with pijplijn.stap(snakemake.log[0]):
    pijplijn.inlezen(snakemake.params.config, snakemake.params.intern, snakemake.params.regio,
                     snakemake.output.bronnen)
