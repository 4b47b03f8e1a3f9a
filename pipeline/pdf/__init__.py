"""Stage 5 — pdf: filled documents → PDF pages.

`compose` joins the documents of many packets into one Word file (one LibreOffice call per chunk,
not per document), marking where each document and each numbered set starts; `libreoffice` and its
two converters turn it into a PDF; `assemble` splits that PDF back into each case's files by set
name, with their outline and metadata, and inserts the evidence scans; `print_file` makes the
batch's print-ready PDF.
"""
