#!/usr/bin/env Rscript
# Referentiewaarden voor evaluatie.prepost.gemengd_model_did (verschil-in-verschillen met het
# gemengde model: uitkomst ~ meetmoment * groep + covariaten + (1 | pseudo_id), REML,
# Satterthwaite-df).
#
# Draaien vanuit de projectmap:  Rscript tests/r/did_gemengd.R
# Schrijft tests/r/did_data/did.csv (deterministisch: set.seed) en tests/r/did_reference.json.
# Gebruikt: R 4.2.2, lme4, lmerTest, jsonlite (Debian r-cran-*).

suppressPackageStartupMessages({
  library(lmerTest)
  library(jsonlite)
})

uit <- "tests/r/did_data"
dir.create(uit, showWarnings = FALSE, recursive = TRUE)

set.seed(20261201)
n_int <- 70
n_verg <- 55
id <- c(sprintf("I%03d", 1:n_int), sprintf("V%03d", 1:n_verg))
groep <- c(rep("interventie", n_int), rep("vergelijking", n_verg))
leeftijd <- round(runif(length(id), 20, 70), 1)
geslacht <- sample(c("man", "vrouw"), length(id), replace = TRUE)
u <- rnorm(length(id), 0, 0.9)           # random intercept
effect <- c(T0 = 0, T1 = 0.45, T2 = 0.7)  # extra change in the intervention group
trend <- c(T0 = 0, T1 = 0.15, T2 = 0.2)   # common change
rijen <- list()
for (i in seq_along(id)) {
  for (m in c("T0", "T1", "T2")) {
    # about 20 % missing after T0, 5 % at T0
    if (runif(1) < ifelse(m == "T0", 0.05, 0.2)) next
    y <- 6 + 0.01 * (leeftijd[i] - 45) + 0.2 * (geslacht[i] == "vrouw") + u[i] + trend[[m]] +
      (groep[i] == "interventie") * (0.1 + effect[[m]]) + rnorm(1, 0, 0.7)
    rijen[[length(rijen) + 1]] <- data.frame(pseudo_id = id[i], meetmoment = m,
                                             onderzoeksgroep = groep[i], leeftijd_start = leeftijd[i],
                                             geslacht = geslacht[i], pg_totaal = round(y, 3))
  }
}
d <- do.call(rbind, rijen)
write.csv(d, file.path(uit, "did.csv"), row.names = FALSE)

d$meetmoment <- factor(d$meetmoment, levels = c("T0", "T1", "T2"))
d$onderzoeksgroep <- factor(d$onderzoeksgroep, levels = c("vergelijking", "interventie"))

fit <- function(formule) {
  m <- lmer(formule, data = d, REML = TRUE)
  s <- summary(m)$coefficients
  uit <- list()
  for (t in c("T1", "T2")) {
    rij <- paste0("meetmoment", t, ":onderzoeksgroepinterventie")
    est <- s[rij, "Estimate"]; se <- s[rij, "Std. Error"]; df <- s[rij, "df"]
    q <- qt(0.975, df)
    uit[[t]] <- list(schatting = est, se = se, df = df, p = s[rij, "Pr(>|t|)"],
                     ci95_onder = est - q * se, ci95_boven = est + q * se)
  }
  vc <- as.data.frame(VarCorr(m))
  list(meetmomenten = uit, sigma2_deelnemer = vc$vcov[1], sigma2_residu = vc$vcov[2],
       n_interventie = length(unique(d$pseudo_id[d$onderzoeksgroep == "interventie"])),
       n_vergelijking = length(unique(d$pseudo_id[d$onderzoeksgroep == "vergelijking"])))
}

ref <- list(
  # lmerTest::lmer(pg_totaal ~ meetmoment * onderzoeksgroep + (1 | pseudo_id), REML = TRUE)
  zonder_covariaten = fit(pg_totaal ~ meetmoment * onderzoeksgroep + (1 | pseudo_id)),
  # lmerTest::lmer(pg_totaal ~ meetmoment * onderzoeksgroep + leeftijd_start + geslacht + (1 | pseudo_id))
  met_covariaten = fit(pg_totaal ~ meetmoment * onderzoeksgroep + leeftijd_start + geslacht +
                         (1 | pseudo_id)),
  versies = list(R = R.version.string, lme4 = as.character(packageVersion("lme4")),
                 lmerTest = as.character(packageVersion("lmerTest")))
)
write_json(ref, "tests/r/did_reference.json", auto_unbox = TRUE, digits = NA, pretty = TRUE)
