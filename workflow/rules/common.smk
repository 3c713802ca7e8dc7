import re
import sys
from pathlib import Path

from evaluatie import analyses
from evaluatie import config as evaluatie_config
from evaluatie.fouten import EvaluatieFout

# Read the config file(s) given to snakemake (--configfile, else config/config.yaml) with
# evaluatie's strict reader, validate once and fill in defaults. A bad config stops here with
# one message and no stack frames (a raised error would show Snakemake's frames).
try:
    evaluatie_config.voor_workflow(workflow, config)
except EvaluatieFout as e:
    print(e, file=sys.stderr)
    sys.exit(1)

REPO = Path(workflow.basedir)  # the evaluatie checkout, whatever the working directory
REGIO = config["regio"]
RES = f"{config['resultaten_map']}/{REGIO}"
INTERVENTIES = list(config["interventies"])
TABELLEN = list(config["data"]["tabellen"])
FORMATEN = config["rapport"]["formaten"]
DATA = config["data"]["map"]
ANALYSES = analyses.actief(config)
#: Internal, unprotected results (typed Parquet) and the protected release.
INTERN = f"{RES}/intern/resultaten"
VRIJGAVE = f"{RES}/publiceerbaar"
CONTROLE = f"{RES}/intern/onthullingscontrole.ok"


wildcard_constraints:
    interventie="|".join(re.escape(i) for i in INTERVENTIES),
    tabel="|".join(TABELLEN),


def invoerbestanden():
    """The region's input files, as named in the config."""
    return [f"{DATA}/{t['bestand']}" for t in config["data"]["tabellen"].values()]


def rapporten(interventie):
    return {f: f"{RES}/rapporten/{interventie}.{f}" for f in FORMATEN}


# Rule files add region-level targets here (e.g. indicator table, eindrapport).
EXTRA_DOELEN = []


def get_final_output():
    """All targets of a full run, built from the config."""
    uit = []
    for i in INTERVENTIES:
        uit += list(rapporten(i).values())
    return uit + EXTRA_DOELEN
