rule onthullingscontrole:
    """Fail on any count below disclosure.min_n in the releasable results."""
    input:
        lambda w: publiceerbaar(w.interventie).values(),
        rules.inlezen.output.datakwaliteit,
        rules.afleiden.output.kwaliteit,
    output:
        f"{RES}/{{interventie}}/controle.ok",
    params:
        mappen=lambda w: [f"{RES}/{w.interventie}/publiceerbaar", f"{RES}/publiceerbaar"],
        min_n=config["disclosure"]["min_n"],
    log:
        f"logs/{REGIO}/{{interventie}}/onthullingscontrole.log",
    script:
        "../scripts/onthullingscontrole.py"


rule rapport_interventie:
    """Render reports/interventie.qmd for one interventie, from releasable results only."""
    input:
        unpack(lambda w: publiceerbaar(w.interventie)),
        template=f"{REPO}/reports/interventie.qmd",
        secties=sorted(str(p) for p in (REPO / "reports").glob("_*.qmd")),
        regio=rules.inlezen.output.datakwaliteit,
        controle=f"{RES}/{{interventie}}/controle.ok",
        extra=analyses.bronbestanden(config),
    output:
        **{f: f"{RES}/rapporten/{{interventie}}.{f}" for f in FORMATEN},
    params:
        engine=config["rapport"]["engine"],
        formaten=FORMATEN,
        extra_secties={n: s["sectie"] for n, s in config.get("extra_analyses", {}).items()},
    log:
        f"logs/{REGIO}/{{interventie}}/rapport.log",
    script:
        "../scripts/rapport_interventie.py"
