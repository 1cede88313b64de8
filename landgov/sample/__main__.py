"""``python -m landgov.sample --out DIR --parcels N --seed S``: write the simulated sample."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from landgov.errors import LandgovError, os_error_message

from .generate import FORMATS, generate

EXIT_INPUT = 2  # as ``landgov``: a problem with the options or the output folder


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the options, generate the sample and print a short summary in Chinese.

    A bad option (``--parcels 60``) or an output folder that cannot be written is one
    「错误：」 line on stderr and exit code 2, as with ``landgov``, never a traceback.
    """
    parser = argparse.ArgumentParser(
        prog="python -m landgov.sample", description="生成越城区/滨海新区模拟示例数据（模拟数据）"
    )
    parser.add_argument("--out", required=True, help="输出目录")
    parser.add_argument(
        "--parcels", type=int, default=2500, help="宗地数，100–2,000,000（默认 2500）"
    )
    parser.add_argument("--seed", type=int, default=20221231, help="随机种子（默认 20221231）")
    parser.add_argument("--as-of", default="2026-06-30", help="基准日 YYYY-MM-DD")
    parser.add_argument(
        "--formats",
        choices=FORMATS,
        default="county",
        help="county：Shapefile/xlsx（默认）；bench：GeoParquet/GPKG/CSV（大规模基准测试）",
    )
    args = parser.parse_args(argv)
    try:
        summary = generate(
            args.out, n_parcels=args.parcels, seed=args.seed, as_of=args.as_of, formats=args.formats
        )
    except LandgovError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_INPUT
    except OSError as exc:
        print(f"错误：{os_error_message(exc)}", file=sys.stderr)
        return EXIT_INPUT
    counts = "，".join(f"{k} {v}" for k, v in summary["counts"].items())
    sec = summary["seconds"]
    print(f"已生成模拟数据：{args.out}（{counts}）")
    print(f"故意设置的问题行 {len(summary['bad_rows'])} 处，详见 README.md")
    print(f"用时：生成 {sec['build']} 秒，写出 {sec['write']} 秒")
    return 0


if __name__ == "__main__":
    sys.exit(main())
