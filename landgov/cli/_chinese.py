"""click in Chinese, in one place: its own strings, metavars and usage line for every command.

click looks up each message it prints through the module-level names ``_`` and ``ngettext``
(:mod:`gettext`). :func:`install` points them, in every click module, at a catalogue of Chinese
texts (:data:`MESSAGES`, :data:`PLURALS`), so that ``Usage:``, ``Options``, ``Show this message and
exit.``, ``Missing option``, ``No such option``, ``Invalid value`` … read in Chinese whatever the
user's locale. A message not in the catalogue passes unchanged.

:class:`ChineseGroup` is the ``landgov`` group: every command added to it (with
``cli.add_command`` or ``@cli.command``), and every subcommand of an added group, gets a Chinese
``[选项]`` usage placeholder and Chinese metavars (``文本``, ``路径``, ``整数`` …) instead of
click's ``[OPTIONS]``, ``TEXT``, ``PATH``, ``INTEGER``. :data:`ENGLISH` lists the English words
the tests look for in every command's ``--help``.
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from typing import Any

import click

__all__ = ["ENGLISH", "MESSAGES", "PLURALS", "ChineseGroup", "install", "localize", "translate"]

MESSAGES: dict[str, str] = {
    # help pages
    "Usage:": "用法：",
    "Options": "选项",
    "Positional arguments": "位置参数",
    "Commands": "命令",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本号并退出。",
    "%(prog)s, version %(version)s": "%(prog)s 版本 %(version)s",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "env var: {var}": "环境变量：{var}",
    "(dynamic)": "（运行时确定）",
    "deprecated": "已弃用",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "Do you want to continue?": "是否继续？",
    "Confirm the action without prompting.": "不询问，直接确认。",
    "Press any key to continue...": "按任意键继续……",
    "Repeat for confirmation": "请再输入一次以确认",
    # errors
    "Aborted!": "已中止。",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行「{command} {option}」查看用法。",
    "Missing command.": "缺少命令。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少必填选项",
    "Missing parameter": "缺少参数",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing {param_type}": "缺少{param_type}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "No such option {name!r}.": "没有选项「{name}」。",
    "No such command {name!r}.": "没有命令「{name}」。",
    "unknown error": "未知错误",
    "Could not open file {filename!r}: {message}": "无法打开文件「{filename}」：{message}",
    "Option {name!r} does not take a value.": "选项「{name}」不接受取值。",
    "Argument {name!r} takes {nargs} values.": "参数「{name}」需要 {nargs} 个值。",
    "Invalid start character for option ({option})": "选项开头的字符无效（{option}）",
    "Value must be an iterable.": "取值须为多个值。",
    "Error: The two entered values do not match.": "错误：两次输入的值不一致。",
    "Error: invalid input": "错误：输入无效",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "{name} {filename!r} does not exist.": "找不到{name}「{filename}」。",
    "{name} {filename!r} is a file.": "{name}「{filename}」是文件，这里需要一个文件夹。",
    "{name} {filename!r} is a directory.": "{name}「{filename}」是文件夹，这里需要一个文件。",
    "{name} {filename!r} is not readable.": "没有读取{name}「{filename}」的权限。",
    "{name} {filename!r} is not writable.": "没有写入{name}「{filename}」的权限。",
    "{name} {filename!r} is not executable.": "{name}「{filename}」不可执行。",
    "{value!r} is not a valid {number_type}.": "「{value}」不是有效的{number_type}。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} is not a valid boolean. Recognized values: {states}": (
        "「{value}」不是是/否值。可用的值：{states}"
    ),
    "{value!r} is not a valid UUID.": "「{value}」不是有效的 UUID。",
}
"""click's English message → the Chinese users read (singular and plain messages)."""

PLURALS: dict[str, str] = {
    "Got unexpected extra argument ({args})": "多余的参数：{args}",
    "Takes {nargs} values but 1 was given.": "需要 {nargs} 个值，实际给出 {len} 个。",
    "Did you mean {possibility}?": "是否想输入 {possibility}？",
    "Option {name!r} requires an argument.": "选项「{name}」后面缺少取值。",
    "{value!r} is not {choice}.": "「{value}」不是可选值（可选：{choice}）。",
    "{value!r} does not match the format {format}.": "「{value}」不符合格式 {format}。",
    "{len_type} values are required, but {len_value} was given.": (
        "需要 {len_type} 个值，实际给出 {len_value} 个。"
    ),
}
"""click's ``ngettext`` messages, keyed by the singular (Chinese has one form)."""

_PLURAL_ONLY: dict[str, str] = {  # the plural forms, where the wording differs
    "(Did you mean one of: {possibilities}?)": "（是否想输入以下之一：{possibilities}？）",
    "{value!r} is not one of {choices}.": "「{value}」不是可选值之一（可选：{choices}）。",
    "{value!r} does not match the formats {formats}.": (
        "「{value}」不符合 {formats} 中任何一种格式。"
    ),
}

_METAVARS: dict[str, str] = {
    "text": "文本",
    "integer": "整数",
    "integer range": "整数",
    "float": "数字",
    "float range": "数字",
    "path": "路径",
    "filename": "文件",
    "file": "文件",
    "directory": "文件夹",
    "boolean": "是/否",
    "datetime": "日期时间",
    "uuid": "UUID",
}

ENGLISH = (
    "Usage",
    "Options",
    "Commands",
    "Show this message",
    "Show the version",
    "[OPTIONS]",
    "COMMAND",
    "[ARGS]",
    "TEXT",
    "PATH",
    "INTEGER",
    "FLOAT",
    "FILENAME",
    "BOOLEAN",
    "default:",
    "required",
    "Error:",
)
"""Words of click's own English that must not appear in any ``--help`` or error message."""

_CLICK_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.shell_completion",
    "click.termui",
    "click.types",
    "click.utils",
    "click._termui_impl",
)


def translate(message: str) -> str:
    """The Chinese text of one of click's messages (unchanged when not in the catalogue)."""
    return MESSAGES.get(message, message)


def translate_plural(singular: str, plural: str, n: int) -> str:
    """click's ``ngettext(singular, plural, n)`` in Chinese."""
    if n != 1 and plural in _PLURAL_ONLY:
        return _PLURAL_ONLY[plural]
    if singular in PLURALS:
        return PLURALS[singular]
    return singular if n == 1 else plural


def _is_chinese(text: str) -> bool:
    return any(ord(c) > 0x2E7F for c in text)


def display_width(text: str) -> int:
    """Terminal columns of ``text``: CJK characters take two (click counts one)."""
    from click._compat import strip_ansi

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in strip_ansi(text))


_CJK_CHUNK = re.compile(r"[\u2e80-\uffff][，。、；：）」』！？]*|[^\u2e80-\uffff]+")


def _cjk_wrapper(base: type) -> type:
    """click's TextWrapper, able to break a line between two Chinese characters."""

    class CJKTextWrapper(base):  # type: ignore[misc, valid-type]
        _landgov = True

        def _split(self, text: str) -> list[str]:
            out: list[str] = []
            for chunk in super()._split(text):
                out.extend(_CJK_CHUNK.findall(chunk) if _is_chinese(chunk) else [chunk])
            return out

    return CJKTextWrapper


def install() -> None:
    """Make every click module look its messages up in the Chinese catalogue (idempotent)."""
    for name in _CLICK_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:  # a click version without this module
            continue
        if hasattr(module, "_"):
            module._ = translate  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = translate_plural  # type: ignore[attr-defined]
    for type_, name in (
        (click.types.StringParamType, "文本"),
        (click.types.IntParamType, "整数"),
        (click.types.IntRange, "整数"),
        (click.types.FloatParamType, "数字"),
        (click.types.FloatRange, "数字"),
        (click.types.BoolParamType, "是/否"),
        (click.types.DateTime, "日期时间"),
    ):
        type_.name = name  # in metavars and in 「x」不是有效的整数
    formatting = importlib.import_module("click.formatting")
    formatting.term_len = display_width  # type: ignore[attr-defined]  # aligned help columns
    wrapping = importlib.import_module("click._textwrap")
    wrapping.term_len = display_width  # type: ignore[attr-defined]  # lines fit the terminal
    if not getattr(wrapping.TextWrapper, "_landgov", False):
        wrapping.TextWrapper = _cjk_wrapper(wrapping.TextWrapper)  # type: ignore[attr-defined]


def localize(command: click.Command) -> click.Command:
    """Chinese usage placeholders and metavars for ``command`` and all its subcommands."""
    if command.options_metavar == "[OPTIONS]":
        command.options_metavar = "[选项]"
    if isinstance(command, click.Group):
        if command.subcommand_metavar in (None, "COMMAND [ARGS]...", "[COMMAND] [ARGS]..."):
            command.subcommand_metavar = (
                "[命令] [参数]..." if command.invoke_without_command else "命令 [参数]..."
            )
        for sub in command.commands.values():
            localize(sub)
    for param in command.params:
        if isinstance(param.type, click.Path) and param.type.name in MESSAGES:
            param.type.name = MESSAGES[param.type.name]  # built before install(): 'file' → 文件
        if not isinstance(param, click.Option) or param.is_flag or param.count:
            continue  # arguments name themselves (FILE, DIR), as the docstrings do
        if param.metavar is None and not isinstance(param.type, click.Choice):
            chinese = _METAVARS.get(
                param.type.name, param.type.name if _is_chinese(param.type.name) else None
            )
            if chinese is not None:
                param.metavar = chinese
    return command


class ChineseGroup(click.Group):
    """A click group whose commands, and their help and errors, read in Chinese."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        install()
        kwargs.setdefault("options_metavar", "[选项]")
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        """Add ``cmd`` (and its subcommands) with Chinese usage and metavars."""
        super().add_command(localize(cmd), name)


install()
