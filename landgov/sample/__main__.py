"""``python -m landgov.sample --out DIR --parcels N --seed S``: write the simulated sample."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .generate import FORMATS, generate


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the options, generate the sample and print a short summary in Chinese."""
    parser = argparse.ArgumentParser(
        prog="python -m landgov.sample", description="生成越城区/滨海新区模拟示例数据（模拟数据）"
    )
    parser.add_argument("--out", required=True, help="输出目录")
    parser.add_argument("--parcels", type=int, default=2500, help="宗地数（默认 2500）")
    parser.add_argument("--seed", type=int, default=20221231, help="随机种子（默认 20221231）")
    parser.add_argument("--as-of", default="2026-06-30", help="基准日 YYYY-MM-DD")
    parser.add_argument(
        "--formats",
        choices=FORMATS,
        default="county",
        help="county：Shapefile/xlsx（默认）；bench：GeoParquet/GPKG/CSV（大规模基准测试）",
    )
    args = parser.parse_args(argv)
    summary = generate(
        args.out, n_parcels=args.parcels, seed=args.seed, as_of=args.as_of, formats=args.formats
    )
    counts = "，".join(f"{k} {v}" for k, v in summary["counts"].items())
    sec = summary["seconds"]
    print(f"已生成模拟数据：{args.out}（{counts}）")
    print(f"故意设置的问题行 {len(summary['bad_rows'])} 处，详见 README.md")
    print(f"用时：生成 {sec['build']} 秒，写出 {sec['write']} 秒")
    return 0


if __name__ == "__main__":
    sys.exit(main())
