from evaluatie import herstel

herstel.sterf_met_snakemake()  # a killed snakemake takes this job with it

from evaluatie import pijplijn
from evaluatie.analyses import quintuple

with pijplijn.stap(snakemake.log[0]):
    quintuple.schrijf_regiotabel(snakemake.params.config, snakemake.params.data,
                                 snakemake.params.mappen, snakemake.output[0])
