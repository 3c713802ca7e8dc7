# evaluatie: reproduceerbare evaluatie van interventies.
# Gebruik: snakemake --cores 2 [--configfile mijn-regio.yaml]
# Doelen: `all` (alle rapporten; standaard), `rapporten`, `valideer`.
# De configuratie: het bestand van --configfile, anders config/config.yaml (relatief aan de
# werkmap). common.smk leest het zelf, streng (evaluatie.config.voor_workflow); er is geen
# `configfile:`-regel, zodat een --configfile nooit over de demo-configuratie heen valt.


include: "workflow/rules/common.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/analyse.smk"
include: "workflow/rules/regio.smk"
include: "workflow/rules/rapport.smk"
include: "workflow/rules/export.smk"
include: "workflow/rules/eindrapport.smk"


rule all:
    default_target: True
    input:
        get_final_output(),
