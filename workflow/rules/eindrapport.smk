# Annual eindrapport across all interventies of the region (issue 7).
# Build it with `snakemake eindrapport` (it is also part of `all`):
#   results/<regio>/rapporten/eindrapport-<jaar>.html and .pdf
# Settings: `jaar` and the section `eindrapport` (workflow/schemas/onderdelen/eindrapport.yaml).

EINDRAPPORT = {f: f"{RES}/rapporten/eindrapport-{config['jaar']}.{f}" for f in FORMATEN}


def eindrapport_invoer():
    invoer = {
        "template": f"{REPO}/reports/eindrapport.qmd",
        "secties": sorted(str(p) for p in (REPO / "reports" / "eindrapport").glob("_*.qmd")),
        "controles": [f"{RES}/{i}/controle.ok" for i in INTERVENTIES],
        "meta": [publiceerbaar(i)["meta"] for i in INTERVENTIES],
        "analyses": [p for i in INTERVENTIES for k, p in publiceerbaar(i).items() if k != "meta"],
    }
    if "quintuple" in ANALYSES:
        invoer["indicatoren"] = f"{RES}/publiceerbaar/indicatoren.csv"
    return invoer


rule eindrapport:
    """The region's eindrapport for `jaar`, from releasable results only (checked first)."""
    input:
        unpack(lambda w: eindrapport_invoer()),
    output:
        **EINDRAPPORT,
    params:
        resultaten=RES,
        interventies=INTERVENTIES,
        min_n=config["disclosure"]["min_n"],
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
