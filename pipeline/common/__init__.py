"""Stage 0 — common: the vocabulary every stage shares and nothing else — the typed records that
flow between stages (`model`), what users are told (`errors`), how amounts and dates are written
(`formats`), the message language (`i18n`), masking of personal numbers (`mask`), and the shipped
data (`resources`)."""
