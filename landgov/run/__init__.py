"""Whole runs, without click: read every input, run the stages, write one run folder.

- :mod:`landgov.run.files` — :class:`~landgov.run.files.RunInputs` (the files of a run), reading
  them with the plausibility step, writing a GeoPackage layer; shared by both runs;
- :mod:`landgov.run.screening` — :func:`~landgov.run.screening.run_screening` (read → link →
  grade → screen → write: 底数清单, 治理清单, 连片, 镇街汇总);
- :mod:`landgov.run.far` — :func:`~landgov.run.far.run_far` (容积率, 增容 screening and
  application checks, 初审表, the meeting packet);
- :mod:`landgov.run.demo` — :func:`~landgov.run.demo.run_demo` (both runs and the maps on the
  bundled sample).

The run folder itself (atomic writes, manifest, lock) is :mod:`landgov.core.runfolder`. The click
commands that call these are in :mod:`landgov.cli`. Nothing is imported here, so that a command
loads only the run it needs.
"""
