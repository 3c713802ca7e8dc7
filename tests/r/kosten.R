# Referentiewaarden voor tests/test_kosten.py (zorgkosten en verschil-in-verschillen).
#
# Draaien vanuit de projectmap:   Rscript tests/r/kosten.R
# Schrijft de synthetische invoer naar tests/r/kosten_data/*.csv en de referentiewaarden naar
# tests/r/kosten_reference.json. Beide worden gecommit; CI heeft geen R nodig.
#
# Pakketten: boot (BCa-interval), sandwich (vcovCL), lmtest (coeftest), jsonlite.
suppressPackageStartupMessages({
  library(boot)
  library(sandwich)
  library(lmtest)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
hier <- if (length(script) == 1) dirname(normalizePath(script)) else "tests/r"
datamap <- file.path(hier, "kosten_data")
dir.create(datamap, showWarnings = FALSE)

ref <- list(
  r_versie = R.version.string,
  boot_versie = as.character(packageVersion("boot")),
  sandwich_versie = as.character(packageVersion("sandwich")),
  lmtest_versie = as.character(packageVersion("lmtest"))
)

# ---------------------------------------------------------------------------------------------
# 1. BCa-bootstrapinterval van het gemiddelde verschil (na - voor), scheve kosten met nullen.
#    Het verschil is rechtsscheef (zware staart na), zodat BCa duidelijk afwijkt van het
#    percentielinterval en de test dus kan falen als Python percentiel i.p.v. BCa gebruikt.
# ---------------------------------------------------------------------------------------------
set.seed(20240601)
n <- 250
kosten <- function(n, p, meanlog, sdlog) ifelse(runif(n) < p, rlnorm(n, meanlog, sdlog), 0)
voor <- round(kosten(n, 0.70, 6.5, 1.0), 2)
na <- round(kosten(n, 0.55, 6.0, 1.8), 2)
ids <- sprintf("P%04d", seq_len(n))
bca_lang <- data.frame(
  pseudo_id = rep(ids, 2),
  periode = rep(c("voor", "na"), each = n),
  kostendomein = "totaal",
  bedrag_eur = c(voor, na)
)
write.csv(bca_lang, file.path(datamap, "bca.csv"), row.names = FALSE)

d <- na - voor
R_BOOT <- 20000
set.seed(1)
b <- boot(d, function(x, i) mean(x[i]), R = R_BOOT)
ci <- boot.ci(b, conf = 0.95, type = c("bca", "perc"))
ref$bca <- list(
  R = R_BOOT,
  n = n,
  gemiddeld_verschil = mean(d),
  bca_onder = ci$bca[4], bca_boven = ci$bca[5],
  perc_onder = ci$percent[4], perc_boven = ci$percent[5],
  totaal_voor = sum(voor), totaal_na = sum(na),
  mediaan_voor = median(voor), mediaan_na = median(na),
  n_met_kosten_voor = sum(voor > 0), n_met_kosten_na = sum(na > 0)
)

# ---------------------------------------------------------------------------------------------
# 2. Tweedelig model: logit(kans op kosten na) en Gamma(log) voor positieve kosten na
# ---------------------------------------------------------------------------------------------
set.seed(20240602)
n <- 400
breed <- data.frame(
  pseudo_id = sprintf("G%04d", seq_len(n)),
  leeftijd_start = round(runif(n, 18, 80), 1),
  geslacht = sample(c("man", "vrouw"), n, replace = TRUE),
  ses_score = round(rnorm(n), 3)
)
breed$kosten_voor <- round(kosten(n, 0.75, 6.5, 1.2), 2)
lp <- 5.5 + 0.15 * log1p(breed$kosten_voor) + 0.01 * breed$leeftijd_start +
  0.2 * (breed$geslacht == "vrouw") - 0.15 * breed$ses_score
kans <- plogis(-0.5 + 0.2 * log1p(breed$kosten_voor) + 0.01 * breed$leeftijd_start)
positief <- runif(n) < kans
breed$kosten_na <- round(ifelse(positief, rgamma(n, shape = 1.5, rate = 1.5 / exp(lp)), 0), 2)
write.csv(breed, file.path(datamap, "glm.csv"), row.names = FALSE)

breed$log1p_kosten_voor <- log1p(breed$kosten_voor)
formule <- ~ log1p_kosten_voor + leeftijd_start + geslacht + ses_score
pos <- subset(breed, kosten_na > 0)
# Strengere convergentie dan R's standaard (epsilon = 1e-8 stopt hier na 6 iteraties, ~1e-5
# relatief van het optimum); statsmodels convergeert wel tot het optimum.
strak <- glm.control(epsilon = 1e-12, maxit = 100)
fit_g <- glm(update(formule, kosten_na ~ .), data = pos, family = Gamma(link = "log"),
             control = strak)
sg <- summary(fit_g)  # dispersie = Pearson chi^2 / df.residual; t-toets met df.residual
cg <- coef(sg)
q_t <- qt(0.975, fit_g$df.residual)
ref$glm_gamma <- list(
  term = rownames(cg),
  coef = unname(cg[, 1]), se = unname(cg[, 2]), t = unname(cg[, 3]), p = unname(cg[, 4]),
  ratio = unname(exp(cg[, 1])),
  ci95_onder = unname(exp(cg[, 1] - q_t * cg[, 2])),
  ci95_boven = unname(exp(cg[, 1] + q_t * cg[, 2])),
  dispersie = sg$dispersion, df_residueel = fit_g$df.residual, n = nrow(pos)
)

breed$any <- as.integer(breed$kosten_na > 0)
fit_b <- glm(update(formule, any ~ .), data = breed, family = binomial(), control = strak)
cb <- coef(summary(fit_b))
ci_b <- confint.default(fit_b)  # Wald, normale verdeling
ref$glm_logit <- list(
  term = rownames(cb),
  coef = unname(cb[, 1]), se = unname(cb[, 2]), z = unname(cb[, 3]), p = unname(cb[, 4]),
  ratio = unname(exp(cb[, 1])),
  ci95_onder = unname(exp(ci_b[, 1])), ci95_boven = unname(exp(ci_b[, 2])),
  n = nrow(breed)
)

# ---------------------------------------------------------------------------------------------
# 3. Verschil-in-verschillen: lm + sandwich::vcovCL (HC1, cadjust = TRUE)
# ---------------------------------------------------------------------------------------------
set.seed(20240603)
n_i <- 160
n_v <- 140
n <- n_i + n_v
wijken <- sprintf("W%02d", 1:12)
dln <- data.frame(
  pseudo_id = sprintf("D%04d", seq_len(n)),
  onderzoeksgroep = rep(c("interventie", "vergelijking"), c(n_i, n_v)),
  wijk = sample(wijken, n, replace = TRUE)
)
wijk_eff <- setNames(rnorm(length(wijken), 0, 300), wijken)
pers_eff <- rexp(n, 1 / 1500)
basis <- 1800 + wijk_eff[dln$wijk] + pers_eff + 200 * (dln$onderzoeksgroep == "interventie")
k_voor <- pmax(0, basis + rnorm(n, 0, 900))
k_na <- pmax(0, basis + 150 - 400 * (dln$onderzoeksgroep == "interventie") + rnorm(n, 0, 900))
did <- rbind(
  cbind(dln, periode = "voor", kostendomein = "totaal", bedrag_eur = round(k_voor, 2)),
  cbind(dln, periode = "na", kostendomein = "totaal", bedrag_eur = round(k_na, 2))
)
write.csv(did, file.path(datamap, "did.csv"), row.names = FALSE)

did$interventie <- as.integer(did$onderzoeksgroep == "interventie")
did$na <- as.integer(did$periode == "na")
fit <- lm(bedrag_eur ~ interventie * na, data = did)
did_ref <- function(cluster_formule, G) {
  V <- vcovCL(fit, cluster = cluster_formule)  # type = "HC1", cadjust = TRUE (standaard)
  ct <- coeftest(fit, vcov. = V, df = G - 1)  # t-verdeling met G - 1 vrijheidsgraden
  ct_std <- coeftest(fit, vcov. = V)  # standaard van coeftest: df = n - k
  q <- qt(0.975, G - 1)
  list(
    term = rownames(ct), coef = unname(ct[, 1]), se = unname(ct[, 2]),
    t = unname(ct[, 3]), p = unname(ct[, 4]),
    ci95_onder = unname(ct[, 1] - q * ct[, 2]), ci95_boven = unname(ct[, 1] + q * ct[, 2]),
    p_df_n_min_k = unname(ct_std[, 4]),
    n_clusters = G, n_waarnemingen = nobs(fit)
  )
}
ref$did_pseudo_id <- did_ref(~pseudo_id, length(unique(did$pseudo_id)))
ref$did_wijk <- did_ref(~wijk, length(unique(did$wijk)))

write_json(ref, file.path(hier, "kosten_reference.json"), auto_unbox = TRUE, digits = NA,
           pretty = TRUE)
cat("geschreven:", file.path(hier, "kosten_reference.json"), "\n")
