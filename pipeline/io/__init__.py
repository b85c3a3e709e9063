"""Batch input and output, around the stages.

    readers.py     a folder of .txt, JSONL, MediaWiki XML -> Documents (or ReadFailures)
    runner.py      run_batch: stream the documents through an engine into checkpointed parts
    engines.py     the worker side (one document -> its rendered rows) and the engines that
                   run it: serial, a process pool, a Dask cluster
    checkpoint.py  the run's .run/ folder: parts, manifest, resume, the final assembly
    tables.py      an Analysis -> its rows of every table
    writers.py     rows -> CSV, JSONL, Parquet, written atomically
    export.py      a finished run's tables -> other formats, or brat
"""
