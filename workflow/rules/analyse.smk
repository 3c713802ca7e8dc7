rule analyses:
    """Every analysis (core and extra) for one interventie, in one process.

    One job per interventie rather than per analysis: each Python process pays ~2.5 s
    of imports (pandas, statsmodels, scipy), which for 6 analyses × 4 interventies was
    most of the demo's run time. Analyses run in dependency order (``VEREIST``); each
    writes its own directory, and every table passes disclosure control.
    """
    input:
        tabellen=rules.afleiden.output.tabellen,
        module=[s["module"] for s in config.get("extra_analyses", {}).values()
                if s["module"].endswith(".py")],
        prijsindex=[config["kosten"]["prijsindex"]["bestand"]]
        if (config.get("kosten") or {}).get("prijsindex") else [],
    output:
        [directory(f"{RES}/{{interventie}}/publiceerbaar/{a}") for a in ANALYSES],
    params:
        config=config,
        data=rules.afleiden.params.analyse,
        mappen=lambda w: {a: f"{RES}/{w.interventie}/publiceerbaar/{a}" for a in ANALYSES},
    log:
        f"logs/{REGIO}/{{interventie}}/analyses.log",
    script:
        "../scripts/analyse.py"


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
