if config.get("synthetisch"):

    rule synth:
        """Generate the synthetic demo region (only when `synthetisch` is configured)."""
        output:
            [f"{DATA}/{t['bestand']}" for t in config["data"]["tabellen"].values()],
            waarheid=f"{DATA}/waarheid.json",
        params:
            config=config,
        log:
            f"logs/{REGIO}/synth.log",
        script:
            "../scripts/synth.py"


rule inlezen:
    """Read, map and validate every input table; typed Parquet out, or one error report."""
    input:
        invoerbestanden(),
    output:
        tabellen=[f"{RES}/intern/data/{t}.parquet" for t in TABELLEN],
        datakwaliteit=f"{INTERN}/regio/invoer/datakwaliteit.parquet",
        bronnen=f"{RES}/intern/bronnen.json",
    params:
        config=config,
        intern=f"{RES}/intern/data",
        regio=f"{INTERN}/regio",
    log:
        f"logs/{REGIO}/inlezen.log",
    script:
        "../scripts/inlezen.py"


rule afleiden:
    """Derived measures (age at measurement, BMI z-score, Positieve Gezondheid scores)."""
    input:
        rules.inlezen.output.tabellen,
    output:
        tabellen=[f"{RES}/intern/analyse/{t}.parquet" for t in TABELLEN],
        kwaliteit=f"{INTERN}/regio/afleiding/afleiding.parquet",
    params:
        config=config,
        intern=rules.inlezen.params.intern,
        analyse=f"{RES}/intern/analyse",
        regio=f"{INTERN}/regio",
    log:
        f"logs/{REGIO}/afleiden.log",
    script:
        "../scripts/afleiden.py"
