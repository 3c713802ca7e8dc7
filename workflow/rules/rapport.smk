rule rapport_interventie:
    """Render reports/interventie.qmd for one interventie, from the checked release only."""
    input:
        vrijgave=VRIJGAVE,
        controle=CONTROLE,
        template=f"{REPO}/reports/interventie.qmd",
        secties=sorted(str(p) for p in (REPO / "reports").glob("_*.qmd")),
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
