# Annual eindrapport across all interventies of the region.
# Build it with `snakemake eindrapport` (it is also part of `all`):
#   results/<regio>/rapporten/eindrapport-<jaar>.html and .pdf
# Settings: `jaar` and the section `eindrapport` (workflow/schemas/onderdelen/eindrapport.yaml).

EINDRAPPORT = {f: f"{RES}/rapporten/eindrapport-{config['jaar']}.{f}" for f in FORMATEN}


rule eindrapport:
    """The region's eindrapport for `jaar`, from the checked release only."""
    input:
        vrijgave=VRIJGAVE,
        controle=CONTROLE,
        template=f"{REPO}/reports/eindrapport.qmd",
        secties=sorted(str(p) for p in (REPO / "reports" / "eindrapport").glob("_*.qmd")),
    output:
        **EINDRAPPORT,
    params:
        config=config,
        vrijgave=VRIJGAVE,
        interventies=INTERVENTIES,
        jaar=config["jaar"],
        regio_naam=config.get("regio_naam") or REGIO,
        vorige=config["eindrapport"]["vorige_resultaten"],
        vorig_jaar=config["eindrapport"]["vorig_jaar"],
        engine=config["rapport"]["engine"],
        formaten=FORMATEN,
    log:
        f"logs/{REGIO}/eindrapport.log",
    script:
        "../scripts/eindrapport.py"


EXTRA_DOELEN.extend(EINDRAPPORT.values())
