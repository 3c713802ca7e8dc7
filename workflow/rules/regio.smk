# Region-level rules: the quintuple-aim indicator table over all interventies, the release
# (one disclosure engine over every table of the region) and its check.


rule regio_indicatoren:
    """Quintuple-aim indicators of every interventie plus the whole region, as one tidy table."""
    input:
        tabellen=rules.afleiden.output.tabellen,
        interventies=[f"{INTERN}/{i}" for i in INTERVENTIES],
    output:
        directory(f"{INTERN}/regio/quintuple"),
    params:
        config=config,
        data=rules.afleiden.params.analyse,
        mappen=[f"{INTERN}/{i}/quintuple" for i in INTERVENTIES],
    log:
        f"logs/{REGIO}/regio_indicatoren.log",
    script:
        "../scripts/regio_indicatoren.py"


def vrijgave_invoer():
    invoer = {
        "interventies": [f"{INTERN}/{i}" for i in INTERVENTIES],
        "datakwaliteit": rules.inlezen.output.datakwaliteit,
        "afleiding": rules.afleiden.output.kwaliteit,
        "bronnen": rules.inlezen.output.bronnen,
    }
    if "quintuple" in ANALYSES:
        invoer["regio_quintuple"] = f"{INTERN}/regio/quintuple"
    return invoer


rule vrijgave:
    """Protect every table of the region at once (evaluatie.disclosure) and write the release."""
    input:
        **vrijgave_invoer(),
    output:
        directory(VRIJGAVE),
    params:
        config=config,
        intern=INTERN,
    log:
        f"logs/{REGIO}/vrijgave.log",
    script:
        "../scripts/vrijgave.py"


rule onthullingscontrole:
    """The checker: the disclosure engine in verify mode over every file of the release."""
    input:
        VRIJGAVE,
    output:
        CONTROLE,
    params:
        config=config,
    log:
        f"logs/{REGIO}/onthullingscontrole.log",
    script:
        "../scripts/onthullingscontrole.py"
