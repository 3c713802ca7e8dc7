#!/usr/bin/env Rscript
# Referentiewaarden voor src/evaluatie/prepost.py (voor/na-vergelijkingen).
#
# Draaien vanuit de projectmap:  Rscript tests/r/prepost.R
# Schrijft de vaste testdatasets tests/r/prepost_data/*.csv (deterministisch: set.seed) en
# tests/r/prepost_reference.json. Python-tests lezen beide; CI heeft geen R nodig.
# Gebruikt: R 4.2.2, lme4 1.1-31, lmerTest 3.1-3, effectsize 0.8.3, jsonlite 1.8.4.

suppressPackageStartupMessages({
  library(lmerTest)
  library(effectsize)
  library(jsonlite)
})

uit <- "tests/r/prepost_data"
dir.create(uit, showWarnings = FALSE, recursive = TRUE)
schrijf <- function(df, naam) write.csv(df, file.path(uit, naam), row.names = FALSE)

# ---------------------------------------------------------------------------------------------
# 1. Datasets
# ---------------------------------------------------------------------------------------------
set.seed(20240601)

# (a) klein: 10 volledige paren, geen knopen en geen nullen in de verschillen -> exacte Wilcoxon.
repeat {
  pre <- round(rnorm(10, 6.2, 1.1), 2)
  post <- round(pre + rnorm(10, -0.5, 0.9), 2)
  d <- post - pre
  if (!any(abs(d) < 1e-9) && !any(duplicated(round(abs(d), 6)))) break
}
klein <- data.frame(
  pseudo_id = rep(sprintf("K%02d", 1:10), each = 2),
  meetmoment = rep(c("T0", "T1"), times = 10),
  pg_totaal = as.vector(rbind(pre, post))
)
schrijf(klein, "paren_klein.csv")

# (b) knopen: 60 volledige paren met gehele scores (veel knopen en nulverschillen),
#     plus 8 deelnemers met alleen T0 en 3 met alleen T1 (die tellen niet mee: completers).
pre <- pmin(10, pmax(0, round(rnorm(60, 6.5, 1.2))))
post <- pmin(10, pmax(0, pre + sample(c(-2, -1, 0, 0, 1, 1, 2), 60, replace = TRUE)))
ids <- sprintf("P%03d", 1:60)
knopen <- rbind(
  data.frame(pseudo_id = ids, meetmoment = "T0", rapportcijfer_leven = pre),
  data.frame(pseudo_id = ids, meetmoment = "T1", rapportcijfer_leven = post),
  data.frame(pseudo_id = sprintf("Q%03d", 1:8), meetmoment = "T0",
             rapportcijfer_leven = round(rnorm(8, 6.5, 1.2))),
  data.frame(pseudo_id = sprintf("R%03d", 1:3), meetmoment = "T1",
             rapportcijfer_leven = round(rnorm(3, 6.5, 1.2)))
)
knopen <- knopen[order(knopen$pseudo_id, knopen$meetmoment), ]
schrijf(knopen, "paren_knopen.csv")

# (c) longitudinaal: 50 deelnemers, T0/T1/T2, random intercept, ontbrekende metingen,
#     covariaten en een subgroep (ses_groep) met een verschillende verandering.
n <- 50
ids <- sprintf("L%03d", 1:n)
ses <- factor(sample(c("laag", "midden", "hoog"), n, replace = TRUE),
              levels = c("laag", "midden", "hoog"))
leeftijd <- round(runif(n, 4, 12), 1)
geslacht <- sample(c("man", "vrouw"), n, replace = TRUE)
u <- rnorm(n, 0, 0.9)
effect_t1 <- c(laag = -0.45, midden = -0.25, hoog = -0.05)[as.character(ses)]
long <- do.call(rbind, lapply(c("T0", "T1", "T2"), function(t) {
  verschuiving <- switch(t, T0 = 0, T1 = effect_t1, T2 = -0.35)
  data.frame(pseudo_id = ids, meetmoment = t, leeftijd_start = leeftijd, geslacht = geslacht,
             ses_groep = as.character(ses),
             bmi_z = round(1.6 + 0.03 * (leeftijd - 8) + u + verschuiving + rnorm(n, 0, 0.5), 3))
}))
aanwezig <- with(long, ifelse(meetmoment == "T0", runif(nrow(long)) > 0.04,
                       ifelse(meetmoment == "T1", runif(nrow(long)) > 0.15,
                                                  runif(nrow(long)) > 0.30)))
long <- long[aanwezig, ]
long <- long[order(long$pseudo_id, long$meetmoment), ]
schrijf(long, "longitudinaal.csv")

# (d) randoplossing: geen variantie tussen deelnemers -> lmer "boundary (singular) fit".
zaad <- 1
repeat {
  set.seed(1000 + zaad)
  rand <- data.frame(pseudo_id = sprintf("B%02d", rep(1:30, each = 2)),
                     meetmoment = rep(c("T0", "T1"), 30), pg_totaal = round(rnorm(60, 6, 1), 2))
  if (suppressMessages(isSingular(lmer(pg_totaal ~ meetmoment + (1 | pseudo_id), rand)))) break
  zaad <- zaad + 1
}
schrijf(rand, "randoplossing.csv")
set.seed(20240602)

# (e) p-waarden voor multipliciteitscorrectie.
pw <- data.frame(
  uitkomst = c("bmi_z", "pg_totaal", "ervaren_gezondheid", "pg_lichaamsfuncties",
               "pg_mentaal_welbevinden", "pg_zingeving", "pg_kwaliteit_van_leven", "pg_meedoen",
               "pg_dagelijks_functioneren", "rapportcijfer_leven"),
  p = c(0.012, 0.030, 0.041, 0.0004, 0.020, 0.049, 0.300, 0.011, 0.75, 0.0031),
  primair = c(TRUE, TRUE, TRUE, rep(FALSE, 7))
)
schrijf(pw, "pwaarden.csv")

# ---------------------------------------------------------------------------------------------
# 2. Referentiewaarden
# ---------------------------------------------------------------------------------------------
paren <- function(df, var, pre = "T0", post = "T1") {
  a <- df[df$meetmoment == pre & !is.na(df[[var]]), c("pseudo_id", var)]
  b <- df[df$meetmoment == post & !is.na(df[[var]]), c("pseudo_id", var)]
  m <- merge(a, b, by = "pseudo_id", suffixes = c("_pre", "_post"))
  list(pre = m[[paste0(var, "_pre")]], post = m[[paste0(var, "_post")]])
}

gepaard <- function(x) {
  pre <- x$pre; post <- x$post; n <- length(pre)
  tt <- t.test(post, pre, paired = TRUE)
  wt <- suppressWarnings(wilcox.test(post, pre, paired = TRUE))
  dz <- cohens_d(post, pre, paired = TRUE)
  gz <- hedges_g(post, pre, paired = TRUE)
  d_av <- mean(post - pre) / ((sd(pre) + sd(post)) / 2)
  g_av <- d_av * (1 - 3 / (4 * (n - 1) - 1))
  list(
    n_paren = n, gemiddelde_pre = mean(pre), sd_pre = sd(pre),
    gemiddelde_post = mean(post), sd_post = sd(post),
    verschil = unname(tt$estimate), ci95_onder = tt$conf.int[1], ci95_boven = tt$conf.int[2],
    t = unname(tt$statistic), df = unname(tt$parameter), p = tt$p.value,
    wilcoxon_v = unname(wt$statistic), p_wilcoxon = wt$p.value,
    wilcoxon_exact = grepl("exact", wt$method),
    wilcoxon_methode = wt$method,
    cohens_dz = dz$Cohens_d, dz_ci95_onder = dz$CI_low, dz_ci95_boven = dz$CI_high,
    hedges_gz = gz$Hedges_g, gz_ci95_onder = gz$CI_low, gz_ci95_boven = gz$CI_high,
    cohens_dav = d_av, hedges_gav = g_av
  )
}

ref <- list()
ref$r_versie <- R.version.string
ref$pakketten <- list(lme4 = as.character(packageVersion("lme4")),
                      lmerTest = as.character(packageVersion("lmerTest")),
                      effectsize = as.character(packageVersion("effectsize")))

# t-toets, Wilcoxon (exact), effectgroottes
ref$klein <- gepaard(paren(klein, "pg_totaal"))
# t-toets, Wilcoxon (normale benadering met knopen/nullen en continuiteitscorrectie)
ref$knopen <- gepaard(paren(knopen, "rapportcijfer_leven"))
# bmi_z T0 -> T2 (lager is beter), alleen completers
ref$long_t0_t2 <- gepaard(paren(long, "bmi_z", "T0", "T2"))

# Verandercategorieen. Drempels met marge tol tegen afrondingsfouten (zoals prepost.py).
tol <- 1e-9
# Verandercategorieen op (b): band 0.5, klinisch relevant >= 1 punt verbetering, r_xx = 0.8
x <- paren(knopen, "rapportcijfer_leven"); d <- x$post - x$pre
s_diff <- sqrt(2) * sd(x$pre) * sqrt(1 - 0.8)
rci <- d / s_diff
ref$categorieen <- list(
  n_totaal = length(d),
  toegenomen = sum(d > 0.5 + tol), gelijk = sum(abs(d) <= 0.5 + tol),
  afgenomen = sum(d < -0.5 - tol), klinisch_relevant_verbeterd = sum(d >= 1 - tol),
  s_diff = s_diff,
  betrouwbaar_verbeterd = sum(rci > 1.96 + tol), betrouwbaar_verslechterd = sum(rci < -1.96 - tol),
  geen_betrouwbare_verandering = sum(abs(rci) <= 1.96 + tol)
)
# Idem voor bmi_z T0 -> T1 (lager is beter): band 0.1, klinisch relevant: daling >= 0.25, r_xx 0.9
x <- paren(long, "bmi_z", "T0", "T1"); d <- x$post - x$pre
s_diff <- sqrt(2) * sd(x$pre) * sqrt(1 - 0.9)
rci <- d / s_diff
ref$categorieen_bmi <- list(
  n_totaal = length(d),
  toegenomen = sum(d > 0.1 + tol), gelijk = sum(abs(d) <= 0.1 + tol),
  afgenomen = sum(d < -0.1 - tol), klinisch_relevant_verbeterd = sum(-d >= 0.25 - tol),
  s_diff = s_diff,
  betrouwbaar_verbeterd = sum(rci < -1.96 - tol), betrouwbaar_verslechterd = sum(rci > 1.96 + tol),
  geen_betrouwbare_verandering = sum(abs(rci) <= 1.96 + tol)
)

# Gemengd model (REML, lmerTest voor Satterthwaite-vrijheidsgraden)
lmer_ref <- function(formule) {
  m <- lmer(formule, data = long, REML = TRUE)
  co <- summary(m)$coefficients  # lmerTest: Satterthwaite df
  rijen <- c("meetmomentT1", "meetmomentT2")
  lapply(setNames(rijen, rijen), function(r) list(
    schatting = co[r, "Estimate"], se = co[r, "Std. Error"], df = co[r, "df"],
    t = co[r, "t value"], p = co[r, "Pr(>|t|)"],
    ci95_onder = co[r, "Estimate"] - qt(0.975, co[r, "df"]) * co[r, "Std. Error"],
    ci95_boven = co[r, "Estimate"] + qt(0.975, co[r, "df"]) * co[r, "Std. Error"],
    p_wald_z = 2 * pnorm(-abs(co[r, "t value"]))
  ))
}
long$meetmoment <- factor(long$meetmoment, levels = c("T0", "T1", "T2"))
ref$lmer <- lmer_ref(bmi_z ~ meetmoment + (1 | pseudo_id))
ref$lmer$n_waarnemingen <- nrow(long)
ref$lmer$n_deelnemers <- length(unique(long$pseudo_id))
ref$lmer_covariaten <- lmer_ref(bmi_z ~ meetmoment + leeftijd_start + geslacht + (1 | pseudo_id))
m <- suppressMessages(lmer(pg_totaal ~ meetmoment + (1 | pseudo_id), data = rand, REML = TRUE))
co <- summary(m)$coefficients
ref$lmer_rand <- list(singulier = isSingular(m), schatting = co["meetmomentT1", "Estimate"],
                      se = co["meetmomentT1", "Std. Error"], df = co["meetmomentT1", "df"],
                      p = co["meetmomentT1", "Pr(>|t|)"],
                      sigma2_residu = as.data.frame(VarCorr(m))$vcov[2])
m <- lmer(bmi_z ~ meetmoment + (1 | pseudo_id), data = long, REML = TRUE)
ref$lmer$sigma2_deelnemer <- as.data.frame(VarCorr(m))$vcov[1]
ref$lmer$sigma2_residu <- as.data.frame(VarCorr(m))$vcov[2]

# Subgroepen: gepaarde verschillen per ses_groep (T0 -> T1) en interactietoets
# lm(verschil ~ ses_groep): F-toets van ses_groep = toets van meetmoment x subgroep op
# verschilscores van completers.
a <- long[long$meetmoment == "T0", c("pseudo_id", "bmi_z", "ses_groep")]
b <- long[long$meetmoment == "T1", c("pseudo_id", "bmi_z")]
mm <- merge(a, b, by = "pseudo_id", suffixes = c("_pre", "_post"))
mm$verschil <- mm$bmi_z_post - mm$bmi_z_pre
ref$subgroep <- lapply(setNames(c("laag", "midden", "hoog"), c("laag", "midden", "hoog")),
  function(g) {
    s <- mm[mm$ses_groep == g, ]
    tt <- t.test(s$bmi_z_post, s$bmi_z_pre, paired = TRUE)
    list(n_paren = nrow(s), verschil = unname(tt$estimate), ci95_onder = tt$conf.int[1],
         ci95_boven = tt$conf.int[2], p = tt$p.value)
  })
av <- anova(lm(verschil ~ ses_groep, data = mm))
ref$interactie <- list(f = av["ses_groep", "F value"], df_teller = av["ses_groep", "Df"],
                       df_noemer = av["Residuals", "Df"], p = av["ses_groep", "Pr(>F)"],
                       n_paren = nrow(mm))

# Multipliciteit
ref$padjust <- list(
  uitkomst = c(pw$uitkomst[pw$primair], pw$uitkomst[!pw$primair]),
  p_gecorrigeerd = c(p.adjust(pw$p[pw$primair], "holm"), p.adjust(pw$p[!pw$primair], "BH"))
)

# Gemiddelden per meetmoment (voor het verloopfiguur)
ref$gemiddelden <- lapply(setNames(c("T0", "T1", "T2"), c("T0", "T1", "T2")), function(t) {
  v <- long$bmi_z[long$meetmoment == t]
  tt <- t.test(v)
  list(n = length(v), gemiddelde = mean(v), sd = sd(v),
       ci95_onder = tt$conf.int[1], ci95_boven = tt$conf.int[2])
})

write_json(ref, "tests/r/prepost_reference.json", auto_unbox = TRUE, digits = NA, pretty = TRUE)
cat("geschreven: tests/r/prepost_reference.json\n")
