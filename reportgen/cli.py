"""Command line: parses arguments, runs a command, turns errors into one Turkish line
and a non-zero exit code. Heavy imports happen inside the commands, so ``--help`` is quick."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

import click

from .cli_messages import install as _turkish_click_messages
from .errors import ReportgenError

_turkish_click_messages()

DEFAULT_CONFIG = Path("config.yaml")
STAGES = {
    "load": "Veri dosyaları açılıyor",
    "validate": "Veriler doğrulanıyor",
    "aggregate": "Veriler toplanıyor",
    "compute": "Sıralamalar ve tablolar hesaplanıyor",
    "charts": "Grafikler çiziliyor",
    "render": "HTML oluşturuluyor",
    "pdf": "PDF oluşturuluyor",
    "tables": "Tablolar yazılıyor",
    "profiles": "İl profilleri oluşturuluyor",
    "publish": "Dosyalar yerine taşınıyor",
}


def _console(quiet: bool):
    from rich.console import Console

    return Console(stderr=True, quiet=quiet, highlight=False, soft_wrap=True)


@contextmanager
def _progress(console):
    """A bar per stage on a terminal; on a log (CI, a pipe) one plain line per stage, with
    no control characters; nothing under --quiet."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    if console.quiet or not console.is_terminal:
        started: set[str] = set()

        def log(stage: str, done: int = 0, total: int = 1) -> None:
            if stage not in started:
                started.add(stage)
                console.print(STAGES[stage] + " …")

        yield log
        return
    bars = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console, transient=False)
    tasks: dict[str, int] = {}

    def show(stage: str, done: int = 0, total: int = 1) -> None:
        for other, task in tasks.items():
            if other != stage:
                bars.update(task, completed=bars.tasks[task].total)
        if stage not in tasks:
            tasks[stage] = bars.add_task(STAGES[stage], total=total)
        bars.update(tasks[stage], completed=done, total=total)

    with bars:
        yield show
        for task in tasks.values():
            bars.update(task, completed=bars.tasks[task].total)


def _fail(error: ReportgenError) -> None:
    click.echo(f"Hata: {error}", err=True)
    sys.exit(error.exit_code)


CONTEXT = {"help_option_names": ["-h", "--help"]}
OPTIONS = "[SEÇENEKLER]"


@click.group(context_settings=CONTEXT, options_metavar=OPTIONS, subcommand_metavar="KOMUT [ARGÜMANLAR]...",
             help="Faaliyet illerine göre ihracat bülteni (PDF, HTML, tablolar).")
@click.version_option(package_name="reportgen", message="%(prog)s %(version)s")
def main() -> None:
    pass


def _options(function):
    """Options shared by every command that builds from data."""
    for option in reversed([
        click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
                     help="Ayar dosyası (varsayılan: bulunduğunuz klasördeki config.yaml)."),
        click.option("--data", multiple=True, metavar="DOSYA",
                     help="Veri dosyası ya da kalıbı (CSV, XLSX, Parquet); birden çok verilebilir. "
                          "Verilirse config.yaml'daki 'data' yerine kullanılır."),
        click.option("--period", metavar="DÖNEM",
                     help="Dönem: 2023 (yıllık bülten), 2024-06 (aylık bülten) ya da latest (verideki son ay)."),
        click.option("--templates", type=click.Path(file_okay=False, exists=True, path_type=Path),
                     help="Şablon klasörü: buradaki dosyalar yerleşik şablonların yerine geçer."),
    ]):
        function = option(function)
    return function


def _load(config_path: Optional[Path], data: tuple[str, ...], period: Optional[str],
          templates: Optional[Path], **more):
    """The config file with the command line on top; paths given on the command line are
    relative to the current folder."""
    from .config import load_config

    overrides = {
        "period": period,
        "data": [str(Path(d).absolute()) for d in data] or None,
        "templates_dir": str(templates.absolute()) if templates else None,
        **more,
    }
    return load_config(_config_file(config_path), overrides)


@main.command(options_metavar=OPTIONS, help="Bülteni veriden oluşturur: HTML, PDF, grafikler, XLSX ve CSV tablolar.")
@_options
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Çıktı klasörü (varsayılan: output/<dönem>/).")
@click.option("--strict", is_flag=True, default=None,
              help="Uyarıları hata say (CI için): verisiz il, %1.000'i aşan değişim, kullanılmayan fasıl, "
                   "desteklenmeyen CSS.")
@click.option("--profiles", is_flag=True, default=None, help="81 ilin her biri için il profili (HTML ve PDF) de yazar.")
@click.option("--province", "provinces", multiple=True, metavar="İL",
              help="Yalnızca bu ilin profilini yazar (ad ya da plaka; birden çok verilebilir).")
@click.option("-q", "--quiet", is_flag=True, help="İlerleme ve özet yazdırılmaz.")
def build(config_path: Optional[Path], data: tuple[str, ...], period: Optional[str],
          templates: Optional[Path], out: Optional[Path], strict: Optional[bool], profiles: Optional[bool],
          provinces: tuple[str, ...], quiet: bool) -> None:
    from .build import build as run_build

    console = _console(quiet)
    try:
        config = _load(config_path, data, period, templates, strict=strict, profiles=profiles,
                       provinces=list(provinces) or None)
        with _progress(console) as progress:
            result = run_build(config, out=out.absolute() if out else None, progress=progress)
    except ReportgenError as error:
        _fail(error)
    _summary(console, result)


@main.command(options_metavar=OPTIONS, help="Şablonlara verilen bağlamın tamamını JSON olarak yazdırır.")
@_options
def context(config_path: Optional[Path], data: tuple[str, ...], period: Optional[str],
            templates: Optional[Path]) -> None:
    from .build import prepare
    from .render import context_json

    try:
        config = _load(config_path, data, period, templates)
        click.echo(context_json(config, prepare(config)))
    except ReportgenError as error:
        _fail(error)


@main.command(options_metavar=OPTIONS, help="Bülteni 127.0.0.1 üzerinde canlı önizler: şablon, ayar ya da veri değişince "
                    "yeniden oluşturur ve açık sayfayı yeniler.")
@_options
@click.option("--port", type=int, default=8000, show_default=True, metavar="SAYI", help="Dinlenecek bağlantı noktası.")
def serve(config_path: Optional[Path], data: tuple[str, ...], period: Optional[str],
          templates: Optional[Path], port: int) -> None:
    from .serve import serve as run_server

    try:
        run_server(lambda: _load(config_path, data, period, templates), host="127.0.0.1", port=port,
                   console=_console(False), config_file=_config_file(config_path))
    except ReportgenError as error:
        _fail(error)


@main.group(options_metavar=OPTIONS, subcommand_metavar="KOMUT [ARGÜMANLAR]...", help="Şablonlar: dışa aktarma ve başvuru sayfası.")
def templates() -> None:
    pass


@templates.command("export", options_metavar=OPTIONS, help="Yerleşik şablonları ve düzenleme rehberini KLASÖR'e kopyalar.")
@click.argument("folder", metavar="KLASÖR", type=click.Path(file_okay=False, path_type=Path))
def templates_export(folder: Path) -> None:
    import shutil

    from .render import builtin_templates

    if folder.exists() and any(folder.iterdir()):
        click.echo(f"Hata: {folder} boş değil; şablonlar boş ya da yeni bir klasöre aktarılır.", err=True)
        sys.exit(1)
    shutil.copytree(builtin_templates(), folder, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))
    click.echo(f"Şablonlar {folder} klasörüne aktarıldı; rehber: {folder / 'OKUBENI.md'}")
    click.echo(f"Kullanmak için: reportgen build --templates {folder}")


@templates.command("reference", options_metavar=OPTIONS, help="Şablon değişkenlerini ve süzgeçlerini örnekleriyle Markdown olarak yazar.")
@_options
def templates_reference(config_path: Optional[Path], data: tuple[str, ...], period: Optional[str],
                        templates: Optional[Path]) -> None:
    from .build import prepare
    from .period import creation_date
    from .render import Context
    from .template_docs import reference_markdown

    try:
        config = _load(config_path, data, period, templates)
        prepared = prepare(config)
    except ReportgenError as error:
        _fail(error)
    context = Context(prepared.figures, prepared.charts, config, creation_date(prepared.period).date(), "html")
    click.echo(reference_markdown(context.as_dict()), nl=False)


def _config_file(path: Optional[Path]) -> Optional[Path]:
    """An explicit --config must exist; otherwise ./config.yaml is used when present."""
    if path is not None:
        return path
    return DEFAULT_CONFIG if DEFAULT_CONFIG.is_file() else None


def _summary(console, result) -> None:
    from rich.table import Table

    for warning in result.warnings:
        console.print(f"Uyarı: {warning}")
    table = Table(title=f"{result.period.slug} bülteni hazır: {result.target}", title_justify="left",
                  show_edge=False, box=None)
    table.add_column("Dosya")
    table.add_column("Boyut", justify="right")
    folders: dict[str, list[Path]] = {}
    for path in result.files:
        relative = path.relative_to(result.target)
        folders.setdefault(relative.parts[0] if len(relative.parts) > 1 else "", []).append(path)
    rows = [(p.name, p.stat().st_size) for p in folders.pop("", [])]
    rows += [(f"{folder}/ ({len(paths)} dosya)", sum(p.stat().st_size for p in paths)) for folder, paths in folders.items()]
    for label, size in rows:
        table.add_row(label, f"{size / 1024:,.0f} KB".replace(",", "."))
    console.print(table)
    console.print(f"{result.rows:,} kayıt okundu, {len(result.files)} dosya yazıldı.".replace(",", "."))


@main.command("sample-data", options_metavar=OPTIONS, help="Örnek veri setini yazar (Ocak 2022 – Haziran 2024, aylık, 81 il); "
                                  "toplamları yayımlanmış 2023 bülteninin rakamlarını verir.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("data/ornek"),
              show_default=True, help="Örnek verinin yazılacağı klasör.")
@click.option("--format", "file_format", type=click.Choice(["parquet", "csv"]), default="parquet",
              show_default=True, help="Dosya biçimi.")
@click.option("-q", "--quiet", is_flag=True, help="Özet yazdırılmaz.")
def sample_data(out: Path, file_format: str, quiet: bool) -> None:
    from .sample import write_sample

    console = _console(quiet)
    with console.status("Örnek veri üretiliyor …"):
        path, rows = write_sample(out, file_format)
    console.print(f"{rows:,} kayıt yazıldı: {path}".replace(",", "."))


if __name__ == "__main__":
    main()
