from evaluatie import pijplijn
from evaluatie.export import exporteer

with pijplijn.stap(snakemake.log[0]):
    exporteer(snakemake.params.map, snakemake.output[0], snakemake.params.min_n,
              volgorde=list(snakemake.params.volgorde))
