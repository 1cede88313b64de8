"""动态评价: compare two screening runs (last year's and this year's).

:func:`compare_runs` matches plots by 宗地代码 and, for splits, merges and renumbered plots, by
geometry overlap (:class:`Match`), and enterprises by 统一社会信用代码; it reports per plot the
grade, path and 亩均税收 before and after and whether it joined or left the 治理清单, per
enterprise the grade change, and per 镇街 and district the 规上亩均税收 and 亩均增加值 against
the profile's targets and the 治理 area done against the 盘活 target. Two runs under different
profiles are compared with a warning naming the rules that changed. :func:`write_comparison`
writes ``changes.gpkg`` (layer ``changes``) and ``动态评价.xlsx``.
"""

from landgov.evaluation._compare import Comparison, compare_runs
from landgov.evaluation._match import OVERLAP_SHARE, Match, match_plots
from landgov.evaluation._write import GPKG_NAME, XLSX_NAME, write_comparison

__all__ = [
    "GPKG_NAME",
    "OVERLAP_SHARE",
    "XLSX_NAME",
    "Comparison",
    "Match",
    "compare_runs",
    "match_plots",
    "write_comparison",
]
