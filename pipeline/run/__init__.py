"""Stage 6 — run: where the work happens. `chunk` is the unit of work (the contexts of a few cases
+ the templates → their documents and packet PDFs, as bytes), a pure function that runs the same in
this process, in a local worker (`local_pool`) or on a Dask cluster (`dask_pool`)."""
