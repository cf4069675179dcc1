"""Command line: parses arguments, runs a command, turns every failure into one Turkish
line and a documented exit code. Heavy imports happen inside the commands, so ``--help``
is quick.

Exit codes: 0 built; 1 internal error (a bug: the traceback goes to a log file); 2 wrong
usage; 3 bad data; 4 bad configuration; 5 a template that does not render; 6 an output
folder that cannot or may not be written; 130 interrupted.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

import click

from .cli_messages import install as _turkish_click_messages

_turkish_click_messages()

DEFAULT_CONFIG = Path("config.yaml")
STAGES = {
    "load": "Veri dosyaları açılıyor",
    "aggregate": "Veriler okunuyor ve toplanıyor",
    "validate": "Veriler doğrulanıyor",
    "compute": "Sıralamalar ve tablolar hesaplanıyor",
    "charts": "Grafikler çiziliyor",
    "render": "HTML oluşturuluyor",
    "bulletins": "Bültenler oluşturuluyor (HTML, PDF, tablolar)",
    "pdf": "PDF oluşturuluyor",
    "tables": "Tablolar yazılıyor",
    "profiles": "İl profilleri oluşturuluyor",
    "publish": "Dosyalar yerine taşınıyor",
}


def run() -> None:
    """The ``reportgen`` command: every way it can end is one line and a documented code."""
    from .errors import ReportgenError, one_line

    try:
        code = main.main(prog_name="reportgen", standalone_mode=False)
    except click.ClickException as error:
        error.show()
        code = error.exit_code
    except ReportgenError as error:
        click.echo(f"Hata: {one_line(str(error))}", err=True)
        code = error.exit_code
    except (click.Abort, KeyboardInterrupt):
        click.echo("Hata: İşlem kesildi; çıktı klasörü değiştirilmedi.", err=True)
        code = 130
    except BrokenPipeError:
        code = 0
    except Exception as error:  # noqa: BLE001 - the last line of defence: no traceback for users
        log = _write_traceback(error)
        click.echo(f"Hata: İç hata ({type(error).__name__}): bu bir reportgen hatasıdır; lütfen bildirin. "
                   f"Ayrıntılar: {log}", err=True)
        code = 1
    sys.exit(code if isinstance(code, int) else 0)


def command() -> None:
    """The installed ``reportgen`` and ``python -m reportgen``: ``run``, ended without the
    interpreter's teardown (``processes.exit_now``)."""
    from .processes import exit_now

    try:
        run()
    except SystemExit as stop:
        exit_now(stop.code if isinstance(stop.code, int) else 0)


def _write_traceback(error: BaseException) -> str:
    """The traceback, for the developer, in the user's cache folder (or the temp folder)."""
    import datetime as dt
    import os
    import tempfile
    import traceback

    text = "".join(traceback.format_exception(error))
    name = f"hata-{dt.datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}.log"
    from .cache import cache_folder

    for folder in (cache_folder(), Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text, encoding="utf-8")
            return str(folder / name)
        except OSError:
            continue
    return "yazılamadı"


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
                     help="Dönem: 2023 (yıllık bülten), 2024-06 (aylık bülten) ya da latest (verideki son ay); "
                          "birden çok bülten için 2024-01..2024-06, 2022..2023, all (verinin yettiği her bülten) "
                          "ya da virgülle ayrılmış bir liste."),
        click.option("--templates", type=click.Path(file_okay=False, exists=True, path_type=Path),
                     help="Şablon klasörü: buradaki dosyalar yerleşik şablonların yerine geçer."),
        click.option("--engine", type=click.Choice(["duckdb", "spark"]),
                     help="Verileri okuyup toplayan motor: duckdb (varsayılan, bu bilgisayarda) ya da spark "
                          "(Apache Spark; config.yaml'daki spark.master ile bir kümede de çalışır)."),
    ]):
        function = option(function)
    return function


def _load(config_path: Optional[Path], data: tuple[str, ...], period: Optional[str],
          templates: Optional[Path], engine: Optional[str], **more):
    """The config file with the command line on top; paths given on the command line are
    relative to the current folder."""
    from .config import load_config

    overrides = {
        "period": period,
        "data": [str(Path(d).absolute()) for d in data] or None,
        "templates_dir": str(templates.absolute()) if templates else None,
        "engine": engine,
        **more,
    }
    return load_config(_config_file(config_path), overrides)


@main.command(options_metavar=OPTIONS, help="Bülteni veriden oluşturur: HTML, PDF, grafikler, XLSX ve CSV tablolar.")
@_options
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Çıktı klasörü (varsayılan: output/<dönem>/). Boş olmalı ya da reportgen'in önceki bir "
                   "derlemesi olmalı; başka dosyalar içeren bir klasöre yazılmaz.")
@click.option("--strict", is_flag=True, default=None,
              help="Uyarıları hata say (CI için): verisiz il, %1.000'i aşan değişim, kullanılmayan fasıl, "
                   "tekrarlanan kayıt, desteklenmeyen CSS.")
@click.option("--profiles", is_flag=True, default=None, help="81 ilin her biri için il profili (HTML ve PDF) de yazar.")
@click.option("--province", "provinces", multiple=True, metavar="İL",
              help="Yalnızca bu ilin profilini yazar (ad ya da plaka; birden çok verilebilir).")
@click.option("--release", is_flag=True,
              help="Bülteni yayımlar: yayın deposuna (release_store/<dönem>/, varsayılan yayinlar/) yazar; "
                   "sonraki bültenlerin revizyonları bununla karşılaştırılır.")
@click.option("-q", "--quiet", is_flag=True, help="İlerleme ve özet yazdırılmaz (uyarılar her zaman yazdırılır).")
def build(config_path: Optional[Path], data: tuple[str, ...], period: Optional[str],
          templates: Optional[Path], engine: Optional[str], out: Optional[Path], strict: Optional[bool],
          profiles: Optional[bool], provinces: tuple[str, ...], release: bool, quiet: bool) -> None:
    from .build import build_all
    from .errors import ConfigError, one_line

    if release and out is not None:
        raise ConfigError("--release ile --out birlikte verilemez: yayımlanan bülten yayın deposuna yazılır "
                          "(release_store)", key="--out")

    config = _load(config_path, data, period, templates, engine, strict=strict, profiles=profiles,
                   provinces=list(provinces) or None)
    console = _console(quiet)
    with _progress(console) as progress:
        results = build_all(config, out=out.absolute() if out else None, release=release, progress=progress)
    for notice in results[0].warnings:
        click.echo(f"Uyarı: {one_line(notice.text)}", err=True)
    if len(results) == 1:
        _summary(console, results[0])
    else:
        _summaries(console, results)


@main.command(options_metavar=OPTIONS, help="Şablonlara verilen bağlamın tamamını JSON olarak yazdırır.")
@_options
def context(config_path: Optional[Path], data: tuple[str, ...], period: Optional[str],
            templates: Optional[Path], engine: Optional[str]) -> None:
    from .render import context_json

    click.echo(context_json(*_template_context(_load(config_path, data, period, templates, engine))))


def _template_context(config):
    """The context a build's templates get, its warnings left to the build, and the
    columns of the view editors' queries read."""
    from .build import prepare, template_context, view_columns
    from .notices import collecting

    with collecting():
        prepared = prepare(config)
        return template_context(config, prepared), view_columns(config, prepared)


@main.command(options_metavar=OPTIONS, help="Bülteni 127.0.0.1 üzerinde canlı önizler: şablon, ayar ya da veri değişince "
                    "yeniden oluşturur ve açık sayfayı yeniler.")
@_options
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, metavar="SAYI",
              help="Dinlenecek bağlantı noktası (1-65535).")
def serve(config_path: Optional[Path], data: tuple[str, ...], period: Optional[str],
          templates: Optional[Path], engine: Optional[str], port: int) -> None:
    from .serve import serve as run_server

    run_server(lambda: _load(config_path, data, period, templates, engine), host="127.0.0.1", port=port,
               console=_console(False), config_file=_config_file(config_path))


@main.command(options_metavar=OPTIONS, help="Yayın deposundaki bültenlerden statik bir yayın sitesi yazar: tüm "
                                        "yayınların dizini, 81 il sayfası, yayım takvimi ve Atom beslemesi.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Ayar dosyası (varsayılan: bulunduğunuz klasördeki config.yaml).")
@click.option("--templates", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="Şablon klasörü: buradaki dosyalar yerleşik şablonların yerine geçer.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Site klasörü (varsayılan: output/site/). Boş olmalı ya da reportgen'in önceki bir sitesi olmalı.")
@click.option("-q", "--quiet", is_flag=True, help="Özet yazdırılmaz.")
def site(config_path: Optional[Path], templates: Optional[Path], out: Optional[Path], quiet: bool) -> None:
    from .site import build_site
    from .turkish import number

    config = _load(config_path, (), None, templates, None)
    target, written, made = build_site(config, out.absolute() if out else None)
    if not quiet:
        _console(False).print(f"Yayın sitesi hazır: {target}\n{number(len(made.releases))} yayın, "
                              f"{number(len(made.provinces))} il sayfası, {number(len(written))} dosya "
                              f"({_size(sum(p.stat().st_size for p in written))}).")


@main.group(options_metavar=OPTIONS, subcommand_metavar="KOMUT [ARGÜMANLAR]...", help="Şablonlar: dışa aktarma ve başvuru sayfası.")
def templates() -> None:
    pass


@templates.command("export", options_metavar=OPTIONS, help="Yerleşik şablonları ve düzenleme rehberini KLASÖR'e kopyalar.")
@click.argument("folder", metavar="KLASÖR", type=click.Path(file_okay=False, path_type=Path))
def templates_export(folder: Path) -> None:
    import shutil

    from .errors import OutputError
    from .render import builtin_templates

    if folder.exists() and any(folder.iterdir()):
        raise OutputError("klasör boş değil; şablonlar boş ya da yeni bir klasöre aktarılır", folder=folder)
    try:
        shutil.copytree(builtin_templates(), folder, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))
    except OSError as exc:
        raise OutputError(f"şablonlar yazılamadı ({exc.strerror or exc})", folder=folder) from None
    click.echo(f"Şablonlar {folder} klasörüne aktarıldı; rehber: {folder / 'OKUBENI.md'}")
    click.echo(f"Kullanmak için: reportgen build --templates {folder}")


@templates.command("reference", options_metavar=OPTIONS, help="Şablon değişkenlerini ve süzgeçlerini örnekleriyle Markdown olarak yazar.")
@_options
def templates_reference(config_path: Optional[Path], data: tuple[str, ...], period: Optional[str],
                        templates: Optional[Path], engine: Optional[str]) -> None:
    from .template_docs import reference_markdown

    context, view = _template_context(_load(config_path, data, period, templates, engine))
    click.echo(reference_markdown(context.as_dict(), view), nl=False)


def _config_file(path: Optional[Path]) -> Optional[Path]:
    """An explicit --config must exist; otherwise ./config.yaml is used when present."""
    if path is not None:
        return path
    return DEFAULT_CONFIG if DEFAULT_CONFIG.is_file() else None


def _size(size: int) -> str:
    """``391`` → ``391 B``; ``52_300`` → ``51 KB``; ``2_400_000`` → ``2,3 MB``."""
    from .turkish import number

    if size < 1024:
        return f"{number(size)} B"
    if size < 1024 * 1024:
        return f"{number(size / 1024)} KB"
    return f"{number(size / 1024 / 1024, 1)} MB"


def _summaries(console, results) -> None:
    """One line per bulletin of a run that built several."""
    from rich.table import Table

    from .turkish import number

    table = Table(title=f"{len(results)} bülten hazır", title_justify="left", show_edge=False, box=None)
    for head, justify in (("Dönem", "left"), ("Klasör", "left"), ("Dosya", "right"), ("Boyut", "right")):
        table.add_column(head, justify=justify)
    for result in results:
        table.add_row(result.period.slug, str(result.target), number(len(result.files)),
                      _size(sum(p.stat().st_size for p in result.files)))
    console.print(table)
    console.print(f"{number(results[0].rows)} kayıt bir kez okundu, "
                  f"{number(sum(len(r.files) for r in results))} dosya yazıldı.")


def _summary(console, result) -> None:
    from rich.table import Table

    from .turkish import number

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
        table.add_row(label, _size(size))
    console.print(table)
    console.print(f"{number(result.rows)} kayıt okundu, {number(len(result.files))} dosya yazıldı.")


@main.command("sample-data", options_metavar=OPTIONS, help="Örnek veri setini yazar (Ocak 2022 – Haziran 2024, aylık, 81 il); "
                                  "toplamları yayımlanmış 2023 bülteninin rakamlarını verir.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("data/ornek"),
              show_default=True, help="Örnek verinin yazılacağı klasör.")
@click.option("--format", "file_format", type=click.Choice(["parquet", "csv"]), default="parquet",
              show_default=True, help="Dosya biçimi.")
@click.option("-q", "--quiet", is_flag=True, help="Özet yazdırılmaz.")
def sample_data(out: Path, file_format: str, quiet: bool) -> None:
    from .sample import write_sample
    from .turkish import number

    console = _console(quiet)
    with console.status("Örnek veri üretiliyor …"):
        path, rows = write_sample(out, file_format)
    console.print(f"{number(rows)} kayıt yazıldı: {path}")


if __name__ == "__main__":
    command()
