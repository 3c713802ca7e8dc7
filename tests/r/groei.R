# Onafhankelijke referentiewaarden voor src/evaluatie/groei.py (BMI-z-score, LMS-methode).
#
# Gebruik (vanuit de projectmap):  Rscript tests/r/groei.R
# Leest de testkopieën van de groeireferenties uit ../shared/references (naast de projectmap)
# en schrijft tests/r/groei_reference.json. Alleen base R + jsonlite.
#
# Werkwijze, los van de Python-code:
#   - tabellen zelf ingelezen (TNO-formaat: kop tot "[data]"; WHO/IOTF: tab-gescheiden);
#   - L, M, S lineair geïnterpoleerd met approx(..., rule = 1): buiten de tabel NA;
#   - Cole (1990): z = ((y/M)^L - 1)/(L*S), of log(y/M)/S als L == 0;
#   - WHO 2007: leeftijd in maanden, bereik 61-228 maanden (anthroplus), staartregel voorbij ±3 SD;
#   - IOTF-afkappunten: approx() tussen de halve jaren.

suppressPackageStartupMessages(library(jsonlite))

args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
project <- if (length(script)) normalizePath(file.path(dirname(script), "..", "..")) else getwd()
refmap <- file.path(project, "..", "shared", "references")
stopifnot(dir.exists(refmap))

lees_tno <- function(bestand) {
  regels <- readLines(file.path(refmap, bestand))
  start <- which(trimws(regels) == "[data]")
  read.table(text = regels[(start + 1):length(regels)], header = TRUE)
}

cole_z <- function(y, L, M, S) {
  ifelse(abs(L) < 1e-7, log(y / M) / S, ((y / M)^L - 1) / (L * S))
}

sd_k <- function(k, L, M, S) M * (1 + L * S * k)^(1 / L)

who_z <- function(y, L, M, S) {
  z <- cole_z(y, L, M, S)
  sd3 <- sd_k(3, L, M, S); sd2 <- sd_k(2, L, M, S)
  sdm3 <- sd_k(-3, L, M, S); sdm2 <- sd_k(-2, L, M, S)
  z <- ifelse(!is.na(z) & z > 3, 3 + (y - sd3) / (sd3 - sd2), z)
  z <- ifelse(!is.na(z) & z < -3, -3 + (y - sdm3) / (sdm2 - sdm3), z)
  z
}

lms_op <- function(tabel, leeftijd, xkol = "x") {
  list(
    L = approx(tabel[[xkol]], tabel$L, xout = leeftijd, rule = 1, ties = "ordered")$y,
    M = approx(tabel[[xkol]], tabel$M, xout = leeftijd, rule = 1, ties = "ordered")$y,
    S = approx(tabel[[xkol]], tabel$S, xout = leeftijd, rule = 1, ties = "ordered")$y
  )
}

# ---- Nederlandse referenties: 24 leeftijden x 2 geslachten x 2 tabellen ----
leeftijden <- c(0, 0.1, 0.5, 1.0, 1.37, 2.0, 2.25, 3.1, 4.75, 5.0, 6.3, 7.77, 8.25, 9.5,
                10.1, 11.49, 12.8, 13.33, 14.6, 15.9, 17.01, 18.6, 19.99, 21.0)
bmis <- c(14, 16.5, 18, 21, 25, 30, 13, 19.2, 15.1, 22.7, 27.3, 17.4)
tabellen <- list(
  nl1997 = c(man = "nl_1997_bmi_male_nl.txt", vrouw = "nl_1997_bmi_female_nl.txt"),
  nl2009 = c(man = "nl_2009_bmi_male_nl.txt", vrouw = "nl_2009_bmi_female_nl.txt")
)
nl <- list()
for (ref in names(tabellen)) {
  for (g in c("man", "vrouw")) {
    tab <- lees_tno(tabellen[[ref]][[g]])
    # extra leeftijden buiten het bereik (NA verwacht)
    lft <- c(leeftijden, 21.01, -0.5)
    bmi <- rep_len(bmis, length(lft))
    p <- lms_op(tab, lft)
    nl[[length(nl) + 1]] <- data.frame(
      referentie = ref, geslacht = g, leeftijd_jaren = lft, bmi = bmi,
      L = p$L, M = p$M, S = p$S, z = cole_z(bmi, p$L, p$M, p$S)
    )
  }
}
nl <- do.call(rbind, nl)

# ---- WHO 2007: leeftijd in maanden, bereik 61-228, staartregel ----
who <- read.table(file.path(refmap, "bfawho2007.txt"), header = TRUE)
maanden <- c(61, 61.5, 70.25, 99, 100, 123.4, 150.7, 180, 200.5, 227.9, 228, 60.5, 228.5)
who_bmis <- c(14, 12, 35, 16, 40, 10.5, 21, 45, 11, 24, 19, 15, 20)
whores <- list()
for (sex in 1:2) {
  tab <- who[who$sex == sex, ]
  names(tab) <- c("sex", "x", "L", "M", "S")
  p <- lms_op(tab, maanden)
  z <- who_z(who_bmis, p$L, p$M, p$S)
  z_cole <- cole_z(who_bmis, p$L, p$M, p$S)
  buiten <- maanden < 61 | maanden > 228
  z[buiten] <- NA; z_cole[buiten] <- NA
  whores[[sex]] <- data.frame(
    geslacht = c("man", "vrouw")[sex], leeftijd_maanden = maanden, bmi = who_bmis,
    L = p$L, M = p$M, S = p$S, z_zonder_staartregel = z_cole, z = z
  )
}
whores <- do.call(rbind, whores)

# ---- IOTF: geïnterpoleerde afkappunten ----
iotf_leeftijden <- c(2, 2.25, 5, 7.3, 8.25, 10.5, 12.75, 15.1, 17.5, 17.99, 18)
iotf <- list()
for (g in c("man", "vrouw")) {
  bestand <- c(man = "IOTF_male.txt", vrouw = "IOTF_female.txt")[[g]]
  tab <- read.table(file.path(refmap, bestand), header = TRUE, check.names = FALSE)
  kol <- c("thinness.grade.3", "thinness.grade.2", "thinness.grade.1", "overweight", "obesity.I")
  af <- sapply(kol, function(k) approx(tab$lft, tab[[k]], xout = iotf_leeftijden, rule = 1)$y)
  af <- as.data.frame(af)
  names(af) <- c("ondergewicht_graad3", "ondergewicht_graad2", "ondergewicht_graad1",
                 "overgewicht", "obesitas")
  iotf[[g]] <- cbind(data.frame(geslacht = g, leeftijd_jaren = iotf_leeftijden), af)
}
iotf <- do.call(rbind, iotf)

# ---- Voorbeeld uit shared/references/README.md: jongen 8,25 jaar, BMI 21 ----
voorbeeld <- do.call(rbind, lapply(names(tabellen), function(ref) {
  p <- lms_op(lees_tno(tabellen[[ref]][["man"]]), 8.25)
  data.frame(referentie = ref, geslacht = "man", leeftijd_jaren = 8.25, bmi = 21,
             z = cole_z(21, p$L, p$M, p$S))
}))
print(voorbeeld)

uit <- list(
  gemaakt_met = paste(R.version.string, "| jsonlite", as.character(packageVersion("jsonlite"))),
  script = "tests/r/groei.R",
  nl = nl,
  who = whores,
  iotf = iotf,
  voorbeeld = voorbeeld
)
doel <- file.path(project, "tests", "r", "groei_reference.json")
write_json(uit, doel, digits = NA, na = "null", auto_unbox = TRUE, pretty = TRUE,
           dataframe = "rows")
cat("geschreven:", doel, "\n")
cat(sprintf("NL: %d rijen, WHO: %d rijen, IOTF: %d rijen\n", nrow(nl), nrow(whores), nrow(iotf)))
