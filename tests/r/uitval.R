# Reference values for tests/test_uitval.py (dropout statistics, evaluatie.uitval).
#
# Run from the repository root:   Rscript tests/r/uitval.R
# Writes tests/r/uitval_data/{deelnemers,metingen}.csv (a small synthetic data set made
# here, with a fixed seed) and tests/r/uitval_reference.json (what R computes on it).
# Needs: survival, mice, lme4, MASS, jsonlite (Debian: r-cran-*). tableone is not in
# Debian, so the SMDs are computed with the formulas of tableone's R/modules-smd.R
# (StdDiff, StdDiffMulti: Yang & Dalton 2012, MASS::ginv), written out below.
suppressPackageStartupMessages({
  library(survival)
  library(mice)
  library(lme4)
  library(MASS)
  library(jsonlite)
})

hier <- dirname(normalizePath(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))))
datamap <- file.path(hier, "uitval_data")
dir.create(datamap, showWarnings = FALSE)

# ---------------------------------------------------------------- synthetic data
set.seed(20240611)
n <- 400
peildatum <- as.Date("2024-06-30")
pseudo_id <- sprintf("P%04d", seq_len(n))
geslacht <- sample(c("man", "vrouw", "anders"), n, TRUE, prob = c(.47, .50, .03))
leeftijd_start <- round(runif(n, 4, 18), 2)
ses_score <- round(pmin(pmax(rnorm(n, -0.2, 1), -3), 3), 3)
ses_groep <- as.character(cut(ses_score, c(-Inf, -0.43, 0.43, Inf),
                              labels = c("laag", "midden", "hoog")))
wijk <- sample(sprintf("WK0999%02d", 1:6), n, TRUE)
verwijzer <- sample(c("huisarts", "jgz", "wijkteam", "school", "zelfmelder"), n, TRUE)
aanmelddatum <- as.Date("2022-01-03") + sample(0:800, n, TRUE)
startdatum <- aanmelddatum + sample(7:60, n, TRUE)
gestart <- runif(n) < 0.9 & startdatum <= peildatum
startdatum[!gestart] <- NA
bmi_z0 <- round(rnorm(n, 2 - 0.25 * ses_score, 0.7), 2)
pg0 <- round(pmin(pmax(rnorm(n, 6 + 0.3 * ses_score, 1.2), 0), 10), 2)
# dropout depends on SES group and baseline severity (MAR given baseline)
lp <- -1.2 + 0.9 * (ses_groep == "laag") + 0.3 * (ses_groep == "midden") + 0.5 * (bmi_z0 - 2)
valt_uit <- runif(n) < plogis(lp)
duur <- ifelse(valt_uit, sample(5:364, n, TRUE), 365)
eind <- startdatum + duur
status <- ifelse(!gestart, "aangemeld",
                 ifelse(eind > peildatum, "gestart",
                        ifelse(valt_uit, "uitgevallen", "afgerond")))
einddatum <- eind
einddatum[status %in% c("aangemeld", "gestart")] <- NA
reden_uitval <- rep(NA_character_, n)
nu <- sum(status == "uitgevallen")
reden_uitval[status == "uitgevallen"] <- sample(
  c("geen_motivatie", "verhuisd", "medische_redenen", "praktische_redenen", "onbekend"),
  nu, TRUE, prob = c(.35, .15, .15, .25, .10))
deelnemers <- data.frame(
  pseudo_id, interventie = "demo", geslacht, leeftijd_start, wijk, ses_score, ses_groep,
  aanmelddatum = format(aanmelddatum), startdatum = format(startdatum),
  einddatum = format(einddatum), status, reden_uitval, verwijzer,
  onderzoeksgroep = "interventie", stringsAsFactors = FALSE)

# measurements: T0 at start, T1 at 182 days, T2 at 365 days, each only while in care
bmi_z1 <- round(bmi_z0 - 0.15 - 0.10 * ses_score + rnorm(n, 0, 0.35), 2)
bmi_z2 <- round(bmi_z1 - 0.05 + rnorm(n, 0, 0.3), 2)
pg1 <- round(pmin(pmax(pg0 + 0.3 + rnorm(n, 0, 0.8), 0), 10), 2)
pg2 <- round(pmin(pmax(pg1 + 0.1 + rnorm(n, 0, 0.8), 0), 10), 2)
rijen <- list()
for (i in which(gestart)) {
  laatste <- if (is.na(einddatum[i])) peildatum else einddatum[i]
  momenten <- list(T0 = list(d = startdatum[i], b = bmi_z0[i], p = pg0[i], kans = 0.95),
                   T1 = list(d = startdatum[i] + 182, b = bmi_z1[i], p = pg1[i], kans = 0.9),
                   T2 = list(d = startdatum[i] + 365, b = bmi_z2[i], p = pg2[i], kans = 0.9))
  for (mm in names(momenten)) {
    x <- momenten[[mm]]
    if (x$d <= laatste && runif(1) < x$kans) {
      b <- if (runif(1) < 0.05) NA else x$b   # an item left empty in an existing row
      rijen[[length(rijen) + 1]] <- data.frame(
        pseudo_id = pseudo_id[i], meetmoment = mm, meetdatum = format(x$d),
        bmi_z = b, pg_totaal = x$p, stringsAsFactors = FALSE)
    }
  }
}
metingen <- do.call(rbind, rijen)
write.csv(deelnemers, file.path(datamap, "deelnemers.csv"), row.names = FALSE, na = "")
write.csv(metingen, file.path(datamap, "metingen.csv"), row.names = FALSE, na = "")

# read back exactly as the Python tests do
deelnemers <- read.csv(file.path(datamap, "deelnemers.csv"), na.strings = "",
                       stringsAsFactors = FALSE)
metingen <- read.csv(file.path(datamap, "metingen.csv"), na.strings = "",
                     stringsAsFactors = FALSE)
deelnemers$startdatum <- as.Date(deelnemers$startdatum)
deelnemers$einddatum <- as.Date(deelnemers$einddatum)
ref <- list()

# ---------------------------------------------------------------- 1. participant flow
gemeten <- function(mm) unique(metingen$pseudo_id[metingen$meetmoment == mm])
st <- deelnemers$pseudo_id[!is.na(deelnemers$startdatum)]
t0 <- intersect(st, gemeten("T0")); t1 <- intersect(t0, gemeten("T1"))
t2 <- intersect(t1, gemeten("T2"))
af <- intersect(t2, deelnemers$pseudo_id[deelnemers$status == "afgerond"])
ref$stroom <- list(aangemeld = nrow(deelnemers), gestart = length(st), gemeten_T0 = length(t0),
                   gemeten_T1 = length(t1), gemeten_T2 = length(t2), afgerond = length(af))

# ---------------------------------------------------------------- 2. Wilson intervals
wilson <- function(x, n) {
  # prop.test(x, n, correct = FALSE)$conf.int is the Wilson score interval
  ci <- suppressWarnings(prop.test(x, n, correct = FALSE)$conf.int)
  list(x = x, n = n, onder = ci[1], boven = ci[2])
}
ref$wilson_los <- list(wilson(0, 12), wilson(12, 12), wilson(3, 40), wilson(57, 203))
gs <- deelnemers[!is.na(deelnemers$startdatum), ]
jaar <- format(gs$startdatum, "%Y")
kw <- paste0(jaar, "-K", (as.integer(format(gs$startdatum, "%m")) - 1) %/% 3 + 1)
per_periode <- function(p) {
  lapply(sort(unique(p)), function(k) {
    sel <- gs[p == k, ]
    c(list(periode = k), wilson(sum(sel$status == "uitgevallen"), nrow(sel)))
  })
}
ref$wilson_totaal <- wilson(sum(gs$status == "uitgevallen"), nrow(gs))
ref$wilson_kwartaal <- per_periode(kw)
ref$wilson_jaar <- per_periode(jaar)

# ---------------------------------------------------------------- 3a. Table 1
t0rij <- metingen[metingen$meetmoment == "T0", c("pseudo_id", "bmi_z", "pg_totaal")]
basis <- merge(deelnemers, t0rij, by = "pseudo_id", all.x = TRUE)
basis <- basis[basis$status %in% c("uitgevallen", "afgerond"), ]
basis$groep <- ifelse(basis$status == "uitgevallen", "uitvallers", "afronders")
smd_cont <- function(x, g) {
  # tableone StdDiff (signed here: uitvallers - afronders)
  m1 <- mean(x[g == "uitvallers"], na.rm = TRUE); m2 <- mean(x[g == "afronders"], na.rm = TRUE)
  v1 <- var(x[g == "uitvallers"], na.rm = TRUE); v2 <- var(x[g == "afronders"], na.rm = TRUE)
  (m1 - m2) / sqrt((v1 + v2) / 2)
}
smd_cat <- function(x, g) {
  # tableone StdDiffMulti: Yang & Dalton (2012), first level dropped, MASS::ginv
  tab <- table(g, x)
  p <- prop.table(tab, 1)[, -1, drop = FALSE]
  mv <- function(q) { s <- -outer(q, q); diag(s) <- q * (1 - q); s }
  d <- p["uitvallers", ] - p["afronders", ]
  S <- (mv(p["uitvallers", ]) + mv(p["afronders", ])) / 2
  sqrt(drop(t(d) %*% ginv(S) %*% d))
}
tabel1 <- list()
for (k in c("leeftijd_start", "bmi_z", "pg_totaal")) {
  x <- basis[[k]]; g <- basis$groep
  stats <- lapply(c("uitvallers", "afronders"), function(gr) {
    v <- x[g == gr]
    q <- quantile(v, c(.25, .5, .75), na.rm = TRUE, type = 7)
    list(groep = gr, n = sum(!is.na(v)), n_ontbrekend = sum(is.na(v)), gemiddelde = mean(v, na.rm = TRUE),
         sd = sd(v, na.rm = TRUE), q1 = q[[1]], mediaan = q[[2]], q3 = q[[3]])
  })
  tt <- t.test(x[g == "uitvallers"], x[g == "afronders"])   # Welch
  tabel1[[k]] <- list(type = "continu", groepen = stats, smd = smd_cont(x, g), p = tt$p.value,
                      toets = "t.test (Welch)")
}
for (k in c("ses_groep", "geslacht", "verwijzer")) {
  x <- basis[[k]]; g <- basis$groep
  tab <- table(x, g)
  verwacht <- suppressWarnings(chisq.test(tab)$expected)
  if (any(verwacht < 5)) {
    p <- fisher.test(tab)$p.value; toets <- "fisher.test"
  } else {
    p <- chisq.test(tab)$p.value; toets <- "chisq.test"
  }
  tabel1[[k]] <- list(type = "categorisch", smd = smd_cat(x, g), p = p, toets = toets,
                      n_uitvallers = as.list(tab[, "uitvallers"]),
                      n_afronders = as.list(tab[, "afronders"]),
                      n_ontbrekend = list(uitvallers = sum(is.na(x[g == "uitvallers"])),
                                          afronders = sum(is.na(x[g == "afronders"]))))
}
ref$tabel1 <- tabel1

# ---------------------------------------------------------------- 3b. logistic dropout model
basis$uitgevallen <- as.integer(basis$status == "uitgevallen")
basis$ses_groep_f <- relevel(factor(basis$ses_groep), ref = "hoog")
fit <- glm(uitgevallen ~ ses_groep_f + bmi_z + leeftijd_start, family = binomial, data = basis)
ci <- exp(confint.default(fit))
ref$glm <- list(
  n = nobs(fit),
  termen = names(coef(fit)),
  coef = unname(coef(fit)),
  se = unname(sqrt(diag(vcov(fit)))),
  or = unname(exp(coef(fit))),
  ci_onder = unname(ci[, 1]), ci_boven = unname(ci[, 2]),
  p = unname(summary(fit)$coefficients[, 4]))

# ---------------------------------------------------------------- 4. Kaplan-Meier
km <- deelnemers[!is.na(deelnemers$startdatum), ]
eindpunt <- ifelse(km$status == "gestart", as.numeric(peildatum), as.numeric(km$einddatum))
km$tijd <- eindpunt - as.numeric(km$startdatum)
km$event <- as.integer(km$status == "uitgevallen")
sf <- survfit(Surv(tijd, event) ~ 1, data = km, conf.type = "log")
ref$km <- list(peildatum = format(peildatum), tijd = sf$time, n_risico = sf$n.risk,
               n_uitval = sf$n.event, n_gecensureerd = sf$n.censor, overleving = sf$surv,
               onder = sf$lower, boven = sf$upper)

# ---------------------------------------------------------------- 5. sensitivity analyses
# population: started, and follow-up over (afgerond/uitgevallen) or post observed
uitk <- "bmi_z"
wide_pre <- metingen[metingen$meetmoment == "T0", c("pseudo_id", uitk)]
wide_post <- metingen[metingen$meetmoment == "T1", c("pseudo_id", uitk)]
names(wide_pre)[2] <- "pre"; names(wide_post)[2] <- "post"
pop <- deelnemers[!is.na(deelnemers$startdatum), c("pseudo_id", "status", "ses_score", "leeftijd_start")]
pop <- merge(pop, wide_pre, all.x = TRUE)
pop <- merge(pop, wide_post, all.x = TRUE)
pop <- pop[pop$status != "gestart" | pop$pseudo_id %in% wide_post$pseudo_id, ]
compl <- pop[!is.na(pop$pre) & !is.na(pop$post), ]
tt <- t.test(compl$post, compl$pre, paired = TRUE)
ref$completers <- list(n = nrow(compl), schatting = unname(tt$estimate), se = unname(tt$stderr),
                       onder = tt$conf.int[1], boven = tt$conf.int[2], p = tt$p.value)
lang <- rbind(data.frame(pseudo_id = pop$pseudo_id, meetmoment = "T0", y = pop$pre,
                         ses_score = pop$ses_score, leeftijd_start = pop$leeftijd_start),
              data.frame(pseudo_id = pop$pseudo_id, meetmoment = "T1", y = pop$post,
                         ses_score = pop$ses_score, leeftijd_start = pop$leeftijd_start))
lang <- lang[complete.cases(lang), ]
mm <- lmer(y ~ meetmoment + ses_score + leeftijd_start + (1 | pseudo_id), data = lang, REML = TRUE)
vc <- as.data.frame(VarCorr(mm))
ref$gemengd <- list(n = length(unique(lang$pseudo_id)), n_metingen = nrow(lang),
                    schatting = unname(fixef(mm)["meetmomentT1"]),
                    se = unname(sqrt(diag(vcov(mm)))[2]),
                    var_intercept = vc$vcov[1], var_residu = vc$vcov[2])
mi_data <- pop[, c("pre", "post", "ses_score", "leeftijd_start")]
imp <- mice(mi_data, m = 20, method = "norm", seed = 20240611, printFlag = FALSE, maxit = 10)
gepoold <- pool(with(imp, lm(I(post - pre) ~ 1)))
pl <- summary(gepoold, conf.int = TRUE)
ref$mi <- list(n = nrow(mi_data), n_compleet = sum(complete.cases(mi_data)),
               schatting = pl$estimate, se = pl$std.error, df = pl$df,
               onder = pl[["2.5 %"]], boven = pl[["97.5 %"]], p = pl$p.value,
               b = gepoold$pooled$b, ubar = gepoold$pooled$ubar,
               call = "mice(data, m = 20, method = 'norm', seed = 20240611, maxit = 10); pool(with(imp, lm(I(post - pre) ~ 1)))")

writeLines(toJSON(ref, auto_unbox = TRUE, digits = NA, pretty = TRUE),
           file.path(hier, "uitval_reference.json"))
cat("geschreven:", file.path(hier, "uitval_reference.json"), "\n")
