rule analyses:
    """Every analysis (core and extra) for one interventie, in one process.

    One job per interventie rather than per analysis: each Python process pays ~2.5 s
    of imports (pandas, statsmodels, scipy), which for 6 analyses × 4 interventies was
    most of the demo's run time. Analyses run in dependency order (``VEREIST``); each
    writes its own directory, and every table passes disclosure control. The job also
    writes ``interventie.json``: description, settings and provenance for the report.
    """
    input:
        tabellen=rules.afleiden.output.tabellen,
        bronnen=rules.inlezen.output.bronnen,
        module=[s["module"] for s in config.get("extra_analyses", {}).values()
                if s["module"].endswith(".py")],
        prijsindex=[config["kosten"]["prijsindex"]["bestand"]]
        if (config.get("kosten") or {}).get("prijsindex") else [],
    output:
        [directory(f"{RES}/{{interventie}}/publiceerbaar/{a}") for a in ANALYSES],
        meta=f"{RES}/{{interventie}}/publiceerbaar/interventie.json",
    params:
        config=config,
        data=rules.afleiden.params.analyse,
        mappen=lambda w: {a: f"{RES}/{w.interventie}/publiceerbaar/{a}" for a in ANALYSES},
    log:
        f"logs/{REGIO}/{{interventie}}/analyses.log",
    script:
        "../scripts/analyse.py"
