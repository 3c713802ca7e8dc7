from evaluatie import pijplijn
from evaluatie.analyses import quintuple

with pijplijn.stap(snakemake.log[0]):
    quintuple.schrijf_regiotabel(snakemake.params.config, snakemake.params.data,
                                 snakemake.params.mappen, snakemake.output[0])
