"""Processes, workers and the renderer process: the one place that knows about them.

The stage modules (load, infer, clean, model, interpret, figures, render) never import this package; the engine
and the command line hand it what may run side by side. `workers` forks or starts the worker processes of the
parallel stages, `backends` picks where the searches run (this machine's workers, loky's, or a Dask cluster),
`renderer` draws the figures and lays out the PDF in processes of its own, and `clock` times the stages.
"""
