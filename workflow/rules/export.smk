# XLSX export of releasable tables; see issue 7.
