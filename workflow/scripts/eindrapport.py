from evaluatie import herstel

herstel.sterf_met_snakemake()  # a killed snakemake takes this job with it

from evaluatie import eindrapport, pijplijn

with pijplijn.stap(snakemake.log[0]):
    eindrapport.maak(
        snakemake.input.template, snakemake.params.vrijgave, list(snakemake.params.interventies),
        {f: snakemake.output[f] for f in snakemake.params.formaten},
        config=snakemake.params.config, jaar=snakemake.params.jaar,
        regio_naam=snakemake.params.regio_naam, vorige_resultaten=snakemake.params.vorige,
        vorig_jaar=snakemake.params.vorig_jaar, engine=snakemake.params.engine,
    )
