# Region-level rules: the quintuple-aim indicator table over all interventies (issue 6).


rule regio_indicatoren:
    """Quintuple-aim indicators of every interventie plus the whole region, as one tidy table."""
    input:
        tabellen=rules.afleiden.output.tabellen,
        interventies=[f"{RES}/{i}/publiceerbaar/quintuple" for i in INTERVENTIES],
    output:
        f"{RES}/publiceerbaar/indicatoren.csv",
    params:
        config=config,
        data=rules.afleiden.params.analyse,
    log:
        f"logs/{REGIO}/regio_indicatoren.log",
    script:
        "../scripts/regio_indicatoren.py"


if "quintuple" in ANALYSES:
    EXTRA_DOELEN.append(f"{RES}/publiceerbaar/indicatoren.csv")
