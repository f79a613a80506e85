"""The scheduled pipeline: run the numbered notebooks with papermill into a run folder.

One module, one job:

* :mod:`~rotlib.pipeline.parameters` - read each notebook's typed ``parameters`` cell and
  reject unknown names and wrong types before any kernel starts;
* :mod:`~rotlib.pipeline.steps` - the ordered notebooks of a run;
* :mod:`~rotlib.pipeline.workspace` - where a step finds its inputs and writes its
  artifacts inside a run folder (used by the notebooks themselves);
* :mod:`~rotlib.pipeline.runner` - execute the steps, verify every cell really ran, time
  them, render them;
* :mod:`~rotlib.pipeline.publish` - build a run in a temporary folder and publish it
  atomically (``reports/<run-id>/`` and the ``reports/latest`` link);
* :mod:`~rotlib.pipeline.manifest` - what went into a run and how two runs differ;
* :mod:`~rotlib.pipeline.render` - offline, inert HTML (and PDF) from executed notebooks;
* :mod:`~rotlib.pipeline.exports` - the scorecard as CSV and XLSX, formula-safe;
* :mod:`~rotlib.pipeline.safety` - escaping helpers, a safe Styler, pseudonyms.

Submodules are imported on demand: a notebook kernel that only needs
:mod:`~rotlib.pipeline.workspace` must not pay for papermill and nbconvert.
"""
