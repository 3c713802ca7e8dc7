rule beschrijving:
    """n and mean (SD) per outcome per meetmoment."""
    input:
        tabellen=rules.inlezen.output.tabellen,
    output:
        f"{RES}/{{interventie}}/publiceerbaar/beschrijving.csv",
    params:
        config=config,
        intern=rules.inlezen.params.intern,
    log:
        f"logs/{REGIO}/{{interventie}}/beschrijving.log",
    script:
        "../scripts/beschrijving.py"


rule interventie_meta:
    """Description, run settings and provenance for the report."""
    input:
        bronnen=rules.inlezen.output.bronnen,
    output:
        f"{RES}/{{interventie}}/publiceerbaar/interventie.json",
    params:
        config=config,
    log:
        f"logs/{REGIO}/{{interventie}}/interventie_meta.log",
    script:
        "../scripts/interventie_meta.py"
