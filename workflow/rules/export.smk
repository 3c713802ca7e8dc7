# XLSX export of releasable tables, one workbook per interventie.
# Target: results/<regio>/rapporten/<interventie>-tabellen.xlsx (part of `all`).


rule export_tabellen:
    """All releasable tables of one interventie in one XLSX, checked before it is written."""
    input:
        vrijgave=VRIJGAVE,
        controle=CONTROLE,
    output:
        f"{RES}/rapporten/{{interventie}}-tabellen.xlsx",
    params:
        config=config,
        volgorde=ANALYSES,
    log:
        f"logs/{REGIO}/{{interventie}}/export.log",
    script:
        "../scripts/export.py"


EXTRA_DOELEN.extend(f"{RES}/rapporten/{i}-tabellen.xlsx" for i in INTERVENTIES)
