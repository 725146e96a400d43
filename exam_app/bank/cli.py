"""flask content import / export: move the bank in and out (import: Excel, Word, text, GIFT,
Aiken, through the one importer registry the bank's import page uses; export: Excel, GIFT)."""

from __future__ import annotations

from pathlib import Path

import click

from exam_app.content.importers import IMPORTERS, old_word
from exam_app.grading import KIND_LABELS
from exam_app.services import ServiceError
from exam_app.services.bank_transfer import export_bank, guess_format, import_file


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(list(IMPORTERS)), default=None,
              help="文件格式；不写时按扩展名判断（.xlsx、.docx、.gift）；"
                   "text 为与 Word 题库写法相同的纯文本")  # fmt: skip
@click.option("--reviewed", is_flag=True, help="导入的题目直接标为已审核（默认为草稿）")
@click.option("--topic", default="", help="文件中没有写知识点的题目归入此知识点")
@click.option("--difficulty", type=click.IntRange(1, 5), default=3, show_default=True,
              help="Word、文本、GIFT、Aiken 题目的难度（Excel 按其“难度”列）")  # fmt: skip
def import_command(
    file: Path, fmt: str | None, reviewed: bool, topic: str, difficulty: int
) -> None:
    """Import a bank file; all or nothing, every problem listed with its row or line."""
    if old := old_word(file.name, file.read_bytes()[:4]):
        raise click.ClickException(old)
    fmt = fmt or guess_format(file.name)
    if fmt is None:
        raise click.ClickException(
            f"无法从扩展名判断格式，请用 --format 指定 {'、'.join(IMPORTERS)}。"
        )
    try:
        plan = import_file(
            file.read_bytes(), file.name, fmt, user=None, reviewed=reviewed, default_topic=topic,
            difficulty=difficulty,
        )  # fmt: skip
    except ServiceError as e:
        raise click.ClickException(e.message) from None

    def where(error) -> str:
        if error.line in plan.bank.places:  # a Word file: its paragraph or table cell
            return f"{error.file}:{error.line}:（{plan.bank.place(error.line)}）{error.message}"
        return str(error)

    for skipped in plan.bank.skipped:
        click.echo(f"跳过 {where(skipped)}", err=True)
    for warning in plan.bank.warnings:
        click.echo(f"提示 {where(warning)}", err=True)
    if not plan.ok:
        for error in plan.errors:
            click.echo(where(error), err=True)
        raise click.ClickException(f"共 {len(plan.errors)} 处错误，未导入任何内容。")
    state = "已审核" if reviewed else "草稿"
    click.echo(f"导入完成（新题为{state}）：{plan.summary()}")


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(["excel", "gift"]), required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--topic", default="", help="只导出这个知识点")
@click.option("--kind", type=click.Choice(list(KIND_LABELS)), default=None, help="只导出这种题型")
@click.option("--status", type=click.Choice(["draft", "reviewed"]), default=None)
def export_command(
    fmt: str, output: Path, topic: str, kind: str | None, status: str | None
) -> None:
    """Export the bank (or part of it) as Excel or GIFT."""
    data, count = export_bank(fmt, topic=topic, kind=kind or "", status=status or "")
    output.write_bytes(data)
    click.echo(f"已导出 {count} 道题到 {output}。")
