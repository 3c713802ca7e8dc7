"""The disclosure engine: protect a release, or verify one.

Protect mode (:func:`beveilig`) takes the tables of a whole release (every interventie
and the region, as the analyses produced them) and decides which cells to hide:

1. **primary**: every count of persons in ``[1, min_n)`` (explicit, or a remainder such
   as "without costs", or the numerator that a proportion gives away);
2. **dominance** of amounts (p% rule and/or (n, k) rule, see :func:`gedomineerd`), and
   amounts over a hidden group of persons;
3. **secondary**: while the linear system of the release (:mod:`.systeem`) lets an
   attacker prove that a hidden count lies in ``(0, min_n)`` (:mod:`.audit`), hide the
   cheapest released count in a relation that binds it; likewise for amounts, until
   every hidden amount is uncertain by at least its protection level;
4. **text**: free text outside the vocabulary is masked.

A hidden quantity hides every cell that shows it (in every table) and every cell that
rests on it. The result is the release: hidden cells empty, and per row the companion
columns ``onderdrukt`` and ``onderdrukking`` (``kolom:reden``, with reden ``aantal``,
``dominantie`` or ``tekst``; primary and secondary suppression are not told apart,
which would narrow an attacker's interval).

Verify mode (:func:`controleer`) reads a release as published and lists every
violation of the same rules that can be checked from it (dominance needs the
contributions, which are never released; it is checked in protect mode).
"""

from __future__ import annotations

import logging
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from evaluatie.contract import codeer_onderdrukking, onderdrukte_cellen
from evaluatie.disclosure.audit import _TOL, componenten, grenzen
from evaluatie.disclosure.systeem import Cel, Invoer, Systeem, SysteemFout, bouw
from evaluatie.disclosure.woorden import toegestaan

log = logging.getLogger("evaluatie")

__all__ = ["Instellingen", "Uitkomst", "beveilig", "controleer", "gedomineerd"]

AANTAL, DOMINANTIE, TEKST = "aantal", "dominantie", "tekst"


@dataclass(frozen=True)
class Instellingen:
    """Settings of the engine (config section ``disclosure``)."""

    min_n: int = 10
    #: p% rule: an amount is unsafe when the others besides the two largest contributors
    #: add up to less than p% of the largest (None: off). Also the protection level of
    #: a hidden amount: p% of its value.
    p: float | None = 10.0
    #: (n, k) rule: unsafe when the n largest contributors hold more than k% (None: off)
    nk: tuple[int, float] | None = (2, 90.0)
    #: vocabulary for free text (strings of the config, dictionary, reasons)
    woorden: frozenset[str] = frozenset()


@dataclass
class Uitkomst:
    """The protected release and what was done to it."""

    tabellen: list[pd.DataFrame]
    verborgen: dict[str, str]
    maskers: int
    rondes: int
    samenvatting: dict[str, dict[str, int]] = field(default_factory=dict)


def gedomineerd(totaal: float, top: tuple[float, float] | None, inst: Instellingen) -> bool:
    """Does one (or two) contributors dominate an amount?

    - p% rule (Statistics Netherlands, ACRO's ``p-ratio``): unsafe when
      ``totaal - x1 - x2 < p/100 * x1``: the second largest contributor could then
      estimate the largest to within p%.
    - (n, k) rule with n = 1 or 2: unsafe when the n largest hold more than k% of the
      total.

    Contributions are amounts per person (their absolute values for a total that mixes
    signs). Without ``top`` (no contributions given) an amount is not checked here.
    """
    if top is None or not math.isfinite(totaal):
        return False
    x1, x2 = abs(top[0]), abs(top[1])
    t = abs(totaal)
    if t <= 0:
        return False
    if inst.p is not None and t - x1 - x2 < inst.p / 100.0 * x1 - 1e-9:
        return True
    if inst.nk is not None:
        n, k = inst.nk
        grootste = x1 if n <= 1 else x1 + x2
        if grootste > k / 100.0 * t + 1e-9:
            return True
    return False


# --------------------------------------------------------------------------------------
# Protect
# --------------------------------------------------------------------------------------


class _Toestand:
    """Which quantities are hidden, and what the attacker knows."""

    def __init__(self, s: Systeem, inst: Instellingen):
        self.s = s
        self.inst = inst
        self.verborgen: dict[str, str] = {}
        self.aantal_v = [v for v in s.vergelijkingen if v.soort == "aantal"]
        self.bedrag_v = [v for v in s.vergelijkingen if v.soort == "bedrag"]
        self.impact = {n: self._impact(n) for n in s.grootheden}
        #: counts whose true value is in [1, min_n): hidden with everything that rests on them
        self.klein = {n for n, g in s.grootheden.items() if g.soort == "aantal" and g.bekend
                      and 1 <= round(g.waarde) < inst.min_n}
        self._idx_aantal = self._index(self.aantal_v)
        #: counts with values that rest on them without revealing them (a regression
        #: coefficient on the dropouts): those values stay when the count is hidden, as long
        #: as the count truly is at least min_n, and so tell the attacker that much
        self.rust_grens = {n: float(inst.min_n) for n, g in s.grootheden.items()
                           if g.soort == "aantal" and g.rust and g.bekend
                           and g.waarde >= inst.min_n}
        self._cache: dict[tuple, dict] = {}
        self._zicht: dict[str, bool] = {}
        self._onbekend: set[str] | None = None
        self._tellers: dict[str, list[str]] = defaultdict(list)
        for n, g in s.grootheden.items():
            if not g.cellen:
                for _, noemer, _ in g.aandelen:
                    self._tellers[noemer].append(n)

    def _impact(self, naam: str) -> float:
        g = self.s.grootheden[naam]
        cellen = len(g.cellen) + len(g.aandelen) + len(g.afhankelijk)
        for b in g.bedragen:
            bg = self.s.grootheden[b]
            cellen += len(bg.cellen) + len(bg.afhankelijk)
        return max(1.0, cellen) * g.gewicht

    def zichtbaar(self, naam: str) -> bool:
        z = self._zicht.get(naam)
        if z is None:
            g = self.s.grootheden[naam]
            if naam in self.verborgen or not g.bekend:
                z = False
            elif g.cellen:
                z = True
            else:
                z = any(self.zichtbaar(noemer) for _, noemer, _ in g.aandelen if noemer != naam)
            self._zicht[naam] = z
        return z

    def onbekend(self) -> set[str]:
        if self._onbekend is None:
            self._onbekend = {n for n in self.s.grootheden if not self.zichtbaar(n)}
        return self._onbekend

    def _nieuw_verborgen(self, naam: str) -> None:
        """Update the visibility caches for one newly hidden quantity."""
        self._zicht[naam] = False
        if self._onbekend is not None:
            self._onbekend.add(naam)
        for teller in self._tellers.get(naam, ()):  # numerators shown only through it
            if teller in self._zicht:
                del self._zicht[teller]
            if self._onbekend is not None and not self.zichtbaar(teller):
                self._onbekend.add(teller)

    def verberg(self, naam: str, reden: str) -> None:
        if naam in self.verborgen:
            return
        self.verborgen[naam] = reden
        self._nieuw_verborgen(naam)
        g = self.s.grootheden[naam]
        for b in g.bedragen:  # amounts over these persons go with them
            self.verberg(b, reden)

    def kosten(self, naam: str) -> tuple[float, str]:
        g = self.s.grootheden[naam]
        return (abs(g.waarde) * self.impact[naam], naam)

    # ------------------------------------------------------------------ counts
    def _index(self, vergelijkingen: list) -> dict[str, list[int]]:
        idx: dict[str, list[int]] = defaultdict(list)
        for j, v in enumerate(vergelijkingen):
            for n in v.coef:
                idx[n].append(j)
        return idx

    def _component(self, start: str, onbekend: set[str], vergelijkingen: list,
                   idx: dict[str, list[int]]) -> tuple[list[str], list[int]]:
        """The hidden quantities linked to ``start`` through relations, and those relations."""
        namen, relaties, rij = {start}, set(), [start]
        while rij:
            n = rij.pop()
            for j in idx.get(n, ()):
                if j in relaties:
                    continue
                relaties.add(j)
                for m in vergelijkingen[j].coef:
                    if m in onbekend and m not in namen:
                        namen.add(m)
                        rij.append(m)
        return sorted(namen), sorted(relaties)

    def _hi(self, naam: str, onbekend: set[str], vergelijkingen: list, idx: dict[str, list[int]],
            geheel: bool) -> float:
        namen, rel = self._component(naam, onbekend, vergelijkingen, idx)
        bekend = {n: self.s.grootheden[n].waarde for j in rel for n in vergelijkingen[j].coef
                  if n not in onbekend}
        return grenzen(namen, rel, vergelijkingen, bekend, doelen=[naam], geheel=geheel,
                       min_n=self.inst.min_n, ondergrens=self._ondergrens(namen, vergelijkingen))[naam].hi

    def _ondergrens(self, namen: Sequence[str], vergelijkingen: list) -> dict[str, float] | None:
        """What the attacker knows of hidden counts from the values kept on them."""
        if vergelijkingen is not self.aantal_v:
            return None
        return {n: self.rust_grens[n] for n in namen if n in self.rust_grens}

    def schendingen_aantal(self) -> list[tuple[str, list[int]]]:
        """Hidden counts an attacker can prove to lie in (0, min_n), with their relations."""
        n_min = self.inst.min_n
        aantallen = [n for n, g in self.s.grootheden.items() if g.soort == "aantal"]
        onbekend = [n for n in aantallen if not self.zichtbaar(n)]
        bekend = {n: self.s.grootheden[n].waarde for n in aantallen if self.zichtbaar(n)}
        uit = []
        for namen, rel in componenten(onbekend, self.aantal_v):
            # the truth is a solution, so a count of at least min_n is never at risk
            doelen = [n for n in namen if not self.s.grootheden[n].waarde >= n_min]
            if not doelen:
                continue
            sleutel = (tuple(namen), tuple(rel))
            b = self._cache.get(sleutel)
            if b is None:  # the true values are fixed: a component's bounds never change
                b = self._cache[sleutel] = grenzen(namen, list(rel), self.aantal_v, bekend,
                                                   doelen=doelen, geheel=True, min_n=n_min,
                                                   ondergrens=self._ondergrens(namen, self.aantal_v))
            for n in doelen:
                hi = b[n].hi
                if math.isnan(hi):
                    raise SysteemFout(f"het stelsel van de vrijgave is strijdig bij {n!r}")
                if _TOL < hi < n_min - _TOL:
                    uit.append((n, list(rel)))
        return uit

    def _kies(self, naam: str, relaties: Sequence[int], vergelijkingen: list,
              idx: dict[str, list[int]], geheel: bool) -> str | None:
        """The cheapest released quantity whose hiding loosens the bound on ``naam``.

        Candidates are the released quantities in the relations of ``naam``'s component,
        cheapest first (value × cells it would hide × weight); each is tried with a linear
        program, and the first that raises the attacker's maximum is taken (else the
        cheapest). Greedy, as cell suppression heuristics are (tau-argus' modular
        method is too); optimal suppression is NP-hard.
        """
        kandidaten = sorted({n for j in relaties for n in vergelijkingen[j].coef
                             if self.zichtbaar(n) and abs(self.s.grootheden[n].waarde) > 0},
                            key=self.kosten)
        if not kandidaten:
            return None
        onbekend = self.onbekend()
        nu = self._hi(naam, onbekend, vergelijkingen, idx, geheel)
        if nu >= self.inst.min_n - _TOL or nu <= _TOL:
            return ""  # already protected by a hide earlier in this round
        for k in kandidaten[:40]:
            hi = self._hi(naam, onbekend | {k}, vergelijkingen, idx, geheel)
            if hi > nu + _TOL:
                # the cheapest hide that helps; if it is not enough, the next round adds one
                # (two cheap cells beat one expensive: a flow keeps its headline counts)
                return k
        return kandidaten[0]

    def bescherm_aantallen(self) -> int:
        rondes = 0
        idx = self._idx_aantal
        while True:
            schendingen = self.schendingen_aantal()
            if not schendingen:
                return rondes
            rondes += 1
            if rondes > 10_000:
                raise SysteemFout("secundaire onderdrukking convergeert niet")
            gedaan: set[frozenset[int]] = set()
            for naam, rel in schendingen:
                sleutel = frozenset(rel)
                if sleutel in gedaan:
                    continue  # one hide per component per round, then look again
                kies = self._kies(naam, rel, self.aantal_v, idx, geheel=True)
                if kies is None and self._los_rust(rel):
                    gedaan.add(sleutel)
                    continue
                if kies is None:
                    raise SysteemFout(f"grootheid {naam!r} is niet te beschermen: geen vrijgegeven "
                                      "aantal in haar relaties om mee te onderdrukken")
                if kies:
                    self.verberg(kies, AANTAL)
                gedaan.add(sleutel)

    def _los_rust(self, relaties: Sequence[int]) -> bool:
        """Nothing left to hide: withdraw the bound that kept values on hidden counts give
        (they are hidden then too), for the hidden counts of these relations."""
        los = {n for j in relaties for n in self.aantal_v[j].coef
               if n in self.rust_grens and not self.zichtbaar(n)}
        for n in los:
            del self.rust_grens[n]
        if los:
            self._cache.clear()
        return bool(los)

    # ------------------------------------------------------------------ amounts
    def _kies_bedrag(self, naam: str, relaties: Sequence[int]) -> str | None:
        kandidaten = sorted({n for j in relaties for n in self.bedrag_v[j].coef
                             if self.zichtbaar(n) and abs(self.s.grootheden[n].waarde) > 0},
                            key=self.kosten)
        return kandidaten[0] if kandidaten else None

    def schendingen_bedrag(self, waar: bool = True) -> list[tuple[str, list[int]]]:
        bedragen = [n for n, g in self.s.grootheden.items() if g.soort == "bedrag"]
        onbekend = [n for n in bedragen if not self.zichtbaar(n)]
        bekend = {n: self.s.grootheden[n].waarde for n in bedragen if self.zichtbaar(n)}
        doel = set(self.verborgen)
        uit = []
        for namen, rel in componenten(onbekend, self.bedrag_v):
            doelen = [n for n in namen if n in doel]
            if not doelen:
                continue
            ondergrens = {n: min(0.0, self.s.grootheden[n].waarde) if waar else 0.0 for n in namen}
            b = grenzen(namen, rel, self.bedrag_v, bekend, doelen=doelen, ondergrens=ondergrens,
                        ook_lo=True)
            for n in doelen:
                x = self.s.grootheden[n].waarde
                marge = (self.inst.p or 10.0) / 100.0 * abs(x)
                gr = b[n]
                if gr.hi - gr.lo <= 1e-6 * max(1.0, abs(x)) or gr.hi < x + marge - 1e-9 \
                        or gr.lo > x - marge + 1e-9:
                    uit.append((n, list(rel)))
        return uit

    def bescherm_bedragen(self) -> int:
        rondes = 0
        while True:
            schendingen = self.schendingen_bedrag()
            if not schendingen:
                return rondes
            rondes += 1
            if rondes > 10_000:
                raise SysteemFout("secundaire onderdrukking van bedragen convergeert niet")
            naam, rel = schendingen[0]
            kies = self._kies_bedrag(naam, rel)
            if kies is None:
                # nothing left to hide in its relations: the amount stays hidden and its
                # whole component too (hide every released amount in it)
                rel = [j for j, v in enumerate(self.bedrag_v) if naam in v.coef]
                rest = {n for j in rel for n in self.bedrag_v[j].coef if self.zichtbaar(n)}
                if not rest:
                    raise SysteemFout(f"bedrag {naam!r} is niet te beschermen")
                for n in rest:
                    self.verberg(n, DOMINANTIE)
            else:
                self.verberg(kies, DOMINANTIE)


def beveilig(invoer: Sequence[Invoer], inst: Instellingen) -> Uitkomst:
    """Protect a release; see the module docstring. Returns the tables to write."""
    s = bouw(invoer, waar=True)
    t = _Toestand(s, inst)
    for naam in sorted(t.klein):
        t.verberg(naam, AANTAL)
    for naam, g in s.grootheden.items():
        if g.soort == "bedrag" and g.bekend and gedomineerd(g.waarde, g.top, inst):
            t.verberg(naam, DOMINANTIE)
    rondes = t.bescherm_aantallen()
    rondes += t.bescherm_bedragen()
    # hiding amounts never changes counts, but check once more that nothing leaks
    if t.schendingen_aantal():
        raise SysteemFout("na de onderdrukking van bedragen is een aantal terug te rekenen")
    tabellen, maskers, samenvatting = _pas_toe(s, t, inst)
    return Uitkomst(tabellen, t.verborgen, maskers, rondes, samenvatting)


def _pas_toe(s: Systeem, t: _Toestand, inst: Instellingen
             ) -> tuple[list[pd.DataFrame], int, dict[str, dict[str, int]]]:
    weg: list[dict[int, dict[str, str]]] = [defaultdict(dict) for _ in s.invoer]

    def markeer(c: Cel, reden: str) -> None:
        weg[c.tabel][c.rij].setdefault(c.kolom, reden)

    for naam, reden in t.verborgen.items():
        g = s.grootheden[naam]
        for c in g.cellen:
            markeer(c, reden)
        for c, _, _ in g.aandelen:
            markeer(c, reden)
        for c in g.afhankelijk:
            markeer(c, reden)
        # values that rest on the group without giving its size away stay when the group
        # has at least min_n persons (the attacker's system knows that much: rust_grens)
        if g.rust and naam not in t.rust_grens:
            for c in g.rust:
                markeer(c, reden)
    maskers = 0
    for c, woorden in s.teksten:
        if c.kolom in weg[c.tabel][c.rij]:
            continue
        waarde = s.waarde(c)
        if isinstance(waarde, str) and waarde and not toegestaan(waarde, woorden, inst.woorden):
            markeer(c, TEKST)
            maskers += 1
            log.warning("onthulling: tekst gemaskeerd in %s", s.cel_tekst(c))
    uit = []
    samenvatting: dict[str, dict[str, int]] = {}
    for i, inv in enumerate(s.invoer):
        df = inv.df[[k for k in inv.spec.namen if inv.spec.kolom(k).soort != "hulp"]].copy()
        tellers: dict[str, int] = defaultdict(int)
        volgorde = {k: j for j, k in enumerate(inv.spec.namen)}
        per_kolom: dict[str, list[int]] = defaultdict(list)
        onderdrukt = [False] * len(df)
        tekst = [""] * len(df)
        for r, cellen in weg[i].items():
            if not cellen:
                continue
            for kolom, reden in cellen.items():
                per_kolom[kolom].append(r)
                tellers[reden] += 1
            onderdrukt[r] = True
            tekst[r] = codeer_onderdrukking(dict(sorted(cellen.items(), key=lambda kv: volgorde[kv[0]])))
        for kolom, rijen in per_kolom.items():
            df.loc[rijen, kolom] = pd.NA
        df["onderdrukt"] = pd.array(onderdrukt, dtype="boolean")
        df["onderdrukking"] = pd.array(tekst, dtype="string")
        uit.append(df)
        samenvatting[inv.naam] = dict(tellers)
    return uit, maskers, samenvatting


# --------------------------------------------------------------------------------------
# Verify
# --------------------------------------------------------------------------------------


def controleer(invoer: Sequence[Invoer], inst: Instellingen) -> list[str]:
    """Every violation in a release as published (empty list: the release is clean).

    Checks, per cell: a shown count is 0 or at least ``min_n``; a shown statistic,
    proportion, amount, code or text rests only on shown counts; a shown text is in the
    vocabulary; a quantity is not shown in one table and hidden in another. Over the
    release: relations between shown values hold, and no hidden count is provably in
    ``(0, min_n)`` and no hidden amount exactly recoverable (linear programs).
    """
    s = bouw(invoer, waar=False)
    fouten = list(s.problemen)
    verborgen_cel: set[tuple[int, int, str]] = set()
    for t, inv in enumerate(s.invoer):
        if "onderdrukking" in inv.df.columns:
            for r, w in enumerate(inv.df["onderdrukking"]):
                for k in onderdrukte_cellen(w):
                    verborgen_cel.add((t, r, k))

    def verborgen(c: Cel) -> bool:
        return (c.tabel, c.rij, c.kolom) in verborgen_cel or _leeg(s.waarde(c))

    bekend: dict[str, float] = {}
    onderdrukt: set[str] = set()
    for naam, g in s.grootheden.items():
        zicht = [c for c in g.cellen if not verborgen(c)]
        weg = [c for c in g.cellen if (c.tabel, c.rij, c.kolom) in verborgen_cel]
        if weg:
            onderdrukt.add(naam)
        if zicht and weg:
            fouten.append(f"{s.cel_tekst(zicht[0])}: getoond, maar dezelfde grootheid is onderdrukt "
                          f"in {s.cel_tekst(weg[0])}")
        if zicht:
            bekend[naam] = float(s.waarde(zicht[0]))
            if g.soort == "aantal" and 0 < bekend[naam] < inst.min_n:
                fouten.append(f"{s.cel_tekst(zicht[0])}: aantal {bekend[naam]:g} < {inst.min_n}")
    # proportions reveal their numerator
    for naam, g in s.grootheden.items():
        for c, noemer, schaal in g.aandelen:
            if verborgen(c):
                continue
            if noemer not in bekend:
                fouten.append(f"{s.cel_tekst(c)}: aandeel getoond terwijl de noemer onderdrukt of "
                              "onbekend is")
                continue
            waarde = float(s.waarde(c)) * bekend[noemer] / schaal
            if naam in onderdrukt:
                fouten.append(f"{s.cel_tekst(c)}: aandeel geeft een onderdrukt aantal prijs")
            if 0.5 <= waarde < inst.min_n - 0.5:
                fouten.append(f"{s.cel_tekst(c)}: aandeel × noemer = {waarde:.0f} < {inst.min_n}")
            bekend.setdefault(naam, float(round(waarde)) if g.soort == "aantal" else waarde)
    # cells that rest on quantities
    for naam, g in s.grootheden.items():
        klein = naam in bekend and g.soort == "aantal" and 0 < bekend[naam] < inst.min_n
        if naam in onderdrukt or klein:
            for c in g.afhankelijk:
                if not verborgen(c):
                    fouten.append(f"{s.cel_tekst(c)}: getoond terwijl het aantal of bedrag waarop het "
                                  "rust onderdrukt is of onder de drempel ligt")
    # values that rest on a group without revealing its size: shown only for groups of at
    # least min_n, so a shown one tells the attacker that the (hidden) group is that large;
    # the attacker's system below includes it. (That the group truly is that large is the
    # protect mode's promise; this check has only the release.)
    ondergrens: dict[str, float] = {}
    for naam, g in s.grootheden.items():
        zicht = [c for c in g.rust if not verborgen(c)]
        if not zicht or g.soort != "aantal":
            continue
        if naam in bekend:
            if 0 < bekend[naam] < inst.min_n:
                fouten.append(f"{s.cel_tekst(zicht[0])}: getoond terwijl het op minder dan "
                              f"{inst.min_n} personen rust")
        else:
            ondergrens[naam] = float(inst.min_n)
    # text
    for c, woorden in s.teksten:
        w = s.waarde(c)
        if not verborgen(c) and isinstance(w, str) and w and not toegestaan(w, woorden, inst.woorden):
            fouten.append(f"{s.cel_tekst(c)}: vrije tekst buiten de woordenlijst")
    # relations between shown values
    for v in s.vergelijkingen:
        if all(n in bekend for n in v.coef):
            rest = v.rest(bekend)
            if abs(rest) > 1e-6 * max(1.0, *(abs(bekend[n]) for n in v.coef)):
                fouten.append(f"relatie klopt niet ({rest:+g}): {v.oorsprong}")
    # what an attacker can derive
    for soort in ("aantal", "bedrag"):
        vgl = [v for v in s.vergelijkingen if v.soort == soort]
        namen = [n for n, g in s.grootheden.items() if g.soort == soort]
        onbekend = [n for n in namen if n not in bekend]
        for comp, rel in componenten(onbekend, vgl):
            if soort == "aantal":
                b = grenzen(comp, rel, vgl, bekend, geheel=True, min_n=inst.min_n,
                            ondergrens={n: ondergrens[n] for n in comp if n in ondergrens})
                for n in comp:
                    hi = b[n].hi
                    if math.isnan(hi):
                        fouten.append(f"de vrijgegeven aantallen spreken de relaties tegen bij {n!r}")
                    elif _TOL < hi < inst.min_n - _TOL:
                        fouten.append(f"{_beschrijf(s, n)}: is terug te rekenen als een groep van ten "
                                      f"hoogste {hi:.0f} personen (< {inst.min_n})")
            else:
                doelen = [n for n in comp if n in onderdrukt]
                if not doelen:
                    continue
                b = grenzen(comp, rel, vgl, bekend, doelen=doelen, ook_lo=True)
                for n in doelen:
                    if b[n].hi - b[n].lo <= 1e-6 * max(1.0, abs(b[n].hi) if math.isfinite(b[n].hi) else 1):
                        fouten.append(f"{_beschrijf(s, n)}: onderdrukt bedrag is exact terug te rekenen "
                                      f"({b[n].lo:g})")
    return list(dict.fromkeys(fouten))


def _component(start: str, onbekend: set[str], vergelijkingen: list) -> tuple[list[str], list[int]]:
    idx: dict[str, list[int]] = defaultdict(list)
    for j, v in enumerate(vergelijkingen):
        for n in v.coef:
            idx[n].append(j)
    namen, relaties, rij = {start}, set(), [start]
    while rij:
        n = rij.pop()
        for j in idx.get(n, ()):
            if j in relaties:
                continue
            relaties.add(j)
            for m in vergelijkingen[j].coef:
                if m in onbekend and m not in namen:
                    namen.add(m)
                    rij.append(m)
    return sorted(namen), sorted(relaties)


def _beschrijf(s: Systeem, naam: str) -> str:
    g = s.grootheden[naam]
    if g.cellen:
        return s.cel_tekst(g.cellen[0])
    if g.aandelen:
        return f"{s.cel_tekst(g.aandelen[0][0])} (teller)"
    return f"grootheid {naam!r} (niet getoond, wel af te leiden)"


def _leeg(x: Any) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))


def samenvatten(uitkomst: Uitkomst) -> Mapping[str, Any]:
    return {"maskers": uitkomst.maskers, "rondes": uitkomst.rondes,
            "verborgen_grootheden": len(uitkomst.verborgen),
            "per_tabel": uitkomst.samenvatting}
