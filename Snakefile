# evaluatie: reproduceerbare evaluatie van interventies.
# Gebruik: snakemake --cores 2 [--configfile mijn-regio.yaml]
# Doelen: `all` (alle rapporten; standaard), `rapporten`, `valideer`.
configfile: "config/config.yaml"


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
