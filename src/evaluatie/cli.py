"""Command line: ``evaluatie init | validate | run | synth | woordenboek | render``."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from evaluatie.fouten import EvaluatieFout


def _synth(args: argparse.Namespace) -> None:
    from evaluatie import synth

    ds = synth.genereer_regio(seed=args.seed, schaal=args.schaal)
    paden = synth.schrijf(ds, Path(args.uit))
    for naam, pad in paden.items():
        print(f"{naam:>14}: {len(ds.tabellen[naam]):>8} rijen  {pad}")
    print(f"{'waarheid':>14}: {Path(args.uit) / 'waarheid.json'}")


def _validate(args: argparse.Namespace) -> None:
    from evaluatie import config

    pad = Path(args.config).resolve()
    if args.relatief_aan_config:
        # every relative path in the config (data.map, extension modules) is then
        # relative to the config's folder, as when `evaluatie run` runs the project
        os.chdir(pad.parent)
    c = config.laad(pad)  # a bad config stops here, before the data libraries are imported
    from evaluatie import analyses, validatie

    # warnings are printed below, with the summary; no second copy from logging
    logger = logging.getLogger("evaluatie")
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())
    res = validatie.lees_en_valideer(c["data"], config.codes(c),
                                     extra_velden=analyses.extra_velden(c),
                                     peildatum=c.get("peildatum"))
    print("De invoer voldoet aan het datawoordenboek.\n")
    print(f"{'tabel':<14} {'bestand':<24} {'formaat':<8} {'rijen':>8} {'lege cellen':>12}")
    for naam, df in res.tabellen.items():
        b = res.bronnen[naam]
        print(f"{naam:<14} {b.bestand.name:<24} {b.formaat:<8} {len(df):>8} "
              f"{int(df.isna().sum().sum()):>12}")
        if b.encoding and b.encoding not in ("utf-8", "utf-8-sig"):
            print(f"{'':<14} gelezen als {b.encoding}")
        for kolom, labels in b.waardelabels.items():
            print(f"{'':<14} waardelabels {kolom}: {json.dumps(labels, ensure_ascii=False)}")
    if res.waarschuwingen:
        print("\nWaarschuwingen:")
        for w in res.waarschuwingen:
            print(f"  - {w}")


def _schrijf_of_toon(tekst: str, uit: str | None) -> None:
    if uit:
        Path(uit).write_text(tekst, encoding="utf-8")
        print(f"geschreven: {uit}")
    else:
        sys.stdout.write(tekst)


def _woordenboek(args: argparse.Namespace) -> None:
    from evaluatie import woordenboek

    _schrijf_of_toon(woordenboek.markdown(), args.uit)


def _resultaten(args: argparse.Namespace) -> None:
    from evaluatie import analyses

    _schrijf_of_toon(analyses.documentatie(), args.uit)


def _render(args: argparse.Namespace) -> None:
    from evaluatie.render import render

    params = dict(p.split("=", 1) for p in args.param)
    uit = render(Path(args.qmd), Path(args.uit), params=params, formats=args.formaat,
                 engine=args.engine)
    for formaat, pad in uit.items():
        print(f"{formaat}: {pad}")


def _init(args: argparse.Namespace) -> None:
    from evaluatie import regio

    for pad in regio.init(Path(args.map), args.regio):
        print(f"geschreven: {pad}")
    print(f"\nVolgende stap: vul {Path(args.map) / 'config.yaml'} in en draai "
          f"`evaluatie validate config.yaml` in {args.map}.")


def _run(args: argparse.Namespace) -> None:
    from evaluatie import regio

    extra = args.snakemake[1:] if args.snakemake[:1] == ["--"] else args.snakemake
    code = regio.run(Path(args.map), cores=args.cores, extra=extra)
    if code:
        sys.exit(code)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="evaluatie", description=__doc__)
    sub = p.add_subparsers(dest="opdracht", required=True)

    i = sub.add_parser("init", help="maak een nieuw regioproject (config, mapping, README)")
    i.add_argument("map", help="nieuwe projectmap")
    i.add_argument("--regio", help="korte naam van de regio (standaard: de mapnaam)")
    i.set_defaults(func=_init)

    u = sub.add_parser("run", help="draai de hele evaluatie voor een regioproject")
    u.add_argument("map", nargs="?", default=".", help="projectmap met config.yaml")
    u.add_argument("--cores", type=int, default=2)
    u.add_argument("snakemake", nargs=argparse.REMAINDER,
                   help="verdere argumenten voor snakemake (na --)")
    u.set_defaults(func=_run)

    s = sub.add_parser("synth", help="schrijf een synthetische demo-regio")
    s.add_argument("--uit", default="data/demo-zuidrand", help="map voor de CSV-bestanden")
    s.add_argument("--seed", type=int, default=2026)
    s.add_argument("--schaal", type=float, default=1.0, help="vermenigvuldigt de cohortgroottes")
    s.set_defaults(func=_synth)

    v = sub.add_parser("validate", help="controleer de data van een regio, zonder analyse")
    v.add_argument("config", help="configuratiebestand (YAML)")
    v.add_argument("--relatief-aan-config", action="store_true",
                   help="relatieve paden in de configuratie zijn relatief aan de map van het "
                        "configuratiebestand (zoals bij `evaluatie run`)")
    v.set_defaults(func=_validate)

    w = sub.add_parser("woordenboek", help="schrijf de documentatie van het datawoordenboek")
    w.add_argument("--uit", help="Markdown-bestand (standaard: stdout)")
    w.set_defaults(func=_woordenboek)

    d = sub.add_parser("resultaten", help="schrijf de documentatie van de resultaattabellen")
    d.add_argument("--uit", help="Markdown-bestand (standaard: stdout)")
    d.set_defaults(func=_resultaten)

    r = sub.add_parser("render", help="render een .qmd-rapport (quarto of ingebouwd)")
    r.add_argument("qmd")
    r.add_argument("--uit", default=".")
    r.add_argument("--param", "-P", action="append", default=[], help="naam=waarde")
    r.add_argument("--formaat", action="append", choices=["html", "pdf"], default=None)
    r.add_argument("--engine", default="auto", choices=["auto", "quarto", "ingebouwd"])
    r.set_defaults(func=_render)

    args = p.parse_args(argv)
    if getattr(args, "formaat", "x") is None:
        args.formaat = ["html"]
    try:
        args.func(args)
    except EvaluatieFout as e:
        print(e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
