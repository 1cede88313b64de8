"""Shared core: each policy-independent concept once, used by every stage.

Modules (one concept each): ``problems`` (the problem log every stage writes, ``ReadResult``),
``dates`` (the one ``as_of`` / date parser), ``missing`` (what counts as a missing value, yes/no
parsing), ``textkey`` (``folded``: the one key two texts are compared by, NFKC without
blanks), ``vocab`` (grades, severities, paths, verdicts as enums), ``landuse`` (the
profile-driven land-use matcher), ``overlay`` (area share of each parcel inside a layer),
``plausible`` (sanity bounds from the profile), ``runfolder`` (atomic run folders, manifests,
locks), ``safe_text`` (text that never becomes a spreadsheet formula), ``columns`` (the
column registry: Chinese label, unit and Excel number format of every column), ``compare``
(how a threshold compares: 以上/以下 include the number, 大于/低于 do not), ``records`` (a
violation record and whether it counts at ``as_of``: category, severity, window, 整改),
``editable`` (a workbook staff fill in and landgov reads back: locked computed columns,
validated editable columns, a hidden marker, edits keyed and flagged, atomic save),
``counts`` (the run's headline counts, once, with their units: 宗 for plots, 家 for enterprises,
件 for applications — what the map, the workbook, the manifest and the CLI summary report).
Stages import from here; nothing here imports a stage.
"""
