"""``python -m landgov.province --out DIR --parcels N``: write a simulated province (模拟数据)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from landgov.errors import LandgovError
from landgov.province.generate import generate_province


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the options, generate the province and print one line per county."""
    parser = argparse.ArgumentParser(
        prog="python -m landgov.province",
        description="生成浙江省模拟数据（各县真实行政区划代码，各在自己的位置与 3° 带）",
    )
    parser.add_argument("--out", required=True, help="输出目录（省级文件夹）")
    parser.add_argument("--parcels", type=int, default=30_000, help="全省宗地数（默认 30000）")
    parser.add_argument(
        "--counties", default="", help="只生成这些县，逗号分隔的 6 位代码（默认全省 90 个）"
    )
    parser.add_argument("--seed", type=int, default=20231231, help="随机种子（默认 20231231）")
    parser.add_argument("--as-of", default="2026-06-30", help="基准日 YYYY-MM-DD")
    parser.add_argument("--quiet", "-q", action="store_true", help="不逐县输出")
    args = parser.parse_args(argv)
    codes = [c for c in args.counties.split(",") if c.strip()] or None
    try:
        index = generate_province(
            args.out,
            n_parcels=args.parcels,
            counties=codes,
            seed=args.seed,
            as_of=args.as_of,
            progress=None if args.quiet else print,
        )
    except LandgovError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    n = len(index["counties"])
    print(f"已生成：{args.out}（{n} 个县，{args.parcels} 宗，用时 {index['seconds']} 秒）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
