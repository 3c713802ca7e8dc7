# XLSX export of releasable tables, one workbook per interventie (issue 7).
# Target: results/<regio>/rapporten/<interventie>-tabellen.xlsx (part of `all`).


rule export_tabellen:
    """All releasable tables of one interventie in one XLSX, checked before it is written."""
    input:
        unpack(lambda w: publiceerbaar(w.interventie)),
        controle=f"{RES}/{{interventie}}/controle.ok",
    output:
        f"{RES}/rapporten/{{interventie}}-tabellen.xlsx",
    params:
        map=lambda w: f"{RES}/{w.interventie}/publiceerbaar",
        min_n=config["disclosure"]["min_n"],
        volgorde=ANALYSES,
    log:
        f"logs/{REGIO}/{{interventie}}/export.log",
    script:
        "../scripts/export.py"


EXTRA_DOELEN.extend(f"{RES}/rapporten/{i}-tabellen.xlsx" for i in INTERVENTIES)
