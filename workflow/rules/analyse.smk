rule analyse:
    """One analysis (core or extra) for one interventie; tables pass disclosure control."""
    input:
        tabellen=rules.afleiden.output.tabellen,
        vereist=lambda w: [f"{RES}/{w.interventie}/publiceerbaar/{a}"
                           for a in analyses.vereist(w.analyse, config)],
        module=lambda w: [s["module"] for n, s in config.get("extra_analyses", {}).items()
                          if n == w.analyse and s["module"].endswith(".py")],
        prijsindex=lambda w: [config["kosten"]["prijsindex"]["bestand"]]
        if w.analyse in ("kosten", "quintuple") and (config.get("kosten") or {}).get("prijsindex")
        else [],
    output:
        directory(f"{RES}/{{interventie}}/publiceerbaar/{{analyse}}"),
    params:
        config=config,
        data=rules.afleiden.params.analyse,
    log:
        f"logs/{REGIO}/{{interventie}}/{{analyse}}.log",
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
