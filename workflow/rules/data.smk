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
        datakwaliteit=f"{RES}/publiceerbaar/datakwaliteit.csv",
        bronnen=f"{RES}/publiceerbaar/bronnen.json",
    params:
        config=config,
        intern=f"{RES}/intern/data",
    log:
        f"logs/{REGIO}/inlezen.log",
    script:
        "../scripts/inlezen.py"
