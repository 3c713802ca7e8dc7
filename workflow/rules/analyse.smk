rule analyses:
    """Every analysis (core and extra) for one interventie, in one process.

    One job per interventie rather than per analysis: each Python process pays ~2.5 s
    of imports (pandas, statsmodels, scipy). Analyses run in dependency order; every
    table is checked against its specification and written, typed and unprotected, to
    intern/resultaten/<interventie>/<analyse>/ (nothing here is releasable: the rule
    `vrijgave` protects all of it at once). The job also writes interventie.json:
    description, settings and provenance for the report.
    """
    input:
        tabellen=rules.afleiden.output.tabellen,
        bronnen=rules.inlezen.output.bronnen,
        module=[s["module"] for s in config.get("extra_analyses", {}).values()
                if s["module"].endswith(".py")],
        prijsindex=[f"{DATA}/{config['kosten']['prijsindex']['bestand']}"]
        if (config.get("kosten") or {}).get("prijsindex") else [],
    output:
        map=directory(f"{INTERN}/{{interventie}}"),
    params:
        config=config,
        data=rules.afleiden.params.analyse,
    log:
        f"logs/{REGIO}/{{interventie}}/analyses.log",
    script:
        "../scripts/analyse.py"
