"""Live preview: the bulletin served on 127.0.0.1, rebuilt when a template, the config or
the data changes, and the open page reloaded.

Figures and charts are cached by a fingerprint of the data files and the config keys that
shape them, so a template edit only re-renders the HTML (well under a second); when only an
editor's section changes, just its query runs again. A failed
build shows in the page as well as in the terminal.
"""

from __future__ import annotations

import html
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Optional
from urllib.parse import parse_qs

from .build import Prepared, prepare, render_html, rerun_extra_sections
from .config import Config, DatabaseSource
from .data.sources import find_files
from .errors import ConfigError, ReportgenError
from .notices import collecting
from .render import builtin_templates
from .turkish import number

POLL_SECONDS = 0.1
WAIT_SECONDS = 20
"""how long the page's request for a newer version is held open before it is asked again"""
# The page carries the version it was built as and asks for any other: the answer comes
# as soon as a rebuild ends (an edit made before the page loaded is answered at once).
RELOAD_SCRIPT = """<script>
(function () {
  var built = "%s";
  function wait() {
    fetch("/__version?other_than=" + built, {cache: "no-store"}).then(function (r) { return r.text(); }).then(function (v) {
      if (v !== built) { location.reload(); } else { wait(); }
    }).catch(function () { setTimeout(wait, 1000); });
  }
  wait();
})();
</script>"""
ERROR_PAGE = """<!DOCTYPE html><html lang="tr"><head><meta charset="utf-8"><title>Bülten oluşturulamadı</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem;color:#222}}h1{{color:#a4262c}}
pre{{white-space:pre-wrap;background:#fdf3f3;border-left:4px solid #a4262c;padding:1rem}}</style></head>
<body><h1>Bülten oluşturulamadı</h1><pre>{message}</pre>
<p>Dosyayı düzelttiğinizde sayfa kendiliğinden yenilenir.</p></body></html>"""


@dataclass
class Preview:
    """The latest page and what it was built from."""

    load_config: Callable[[], Config]
    config_file: Optional[Path]
    console: object
    page: str = ""
    version: int = 0
    prepared: Optional[Prepared] = None
    fingerprint: Optional[str] = None
    queries: dict[str, str] = field(default_factory=dict)
    """each editor's section as the figures were made with it, query text included"""
    watched: dict[Path, float] = field(default_factory=dict)
    lock: threading.Condition = field(default_factory=threading.Condition)
    """guards the page and its version; notified when a new version is ready"""

    def rebuild(self) -> None:
        """Build the page; any failure, even a bug, shows in the page and the terminal
        and leaves the preview running for the next change."""
        started = time.perf_counter()
        config = None
        try:
            config = self.load_config()
            fingerprint = _fingerprint(config)
            queries = _query_fingerprints(config)
            with collecting() as notices:
                if fingerprint != self.fingerprint or self.prepared is None:
                    self.prepared, self.fingerprint = prepare(config), fingerprint
                elif queries != self.queries:
                    changed = [name for name, text in queries.items() if self.queries.get(name) != text]
                    self.prepared = rerun_extra_sections(config, self.prepared, changed)
                    if changed:
                        self.console.print(f"Yeniden çalıştırılan sorgular: {', '.join(changed)}")
                self.queries = queries
                page = render_html(config, self.prepared)
            for notice in notices:
                self.console.print(f"Uyarı: {notice.text}")
            self.console.print(f"Yeniden oluşturuldu ({number(time.perf_counter() - started, 2)} sn)")
        except ReportgenError as error:
            page = self._error_page(str(error))
        except Exception as error:  # noqa: BLE001 - a bug must not stop the preview
            page = self._error_page(f"İç hata ({type(error).__name__}: {error})")
        with self.lock:
            self.version += 1
            self.page = _with_reload(page, self.version)
            self.watched = _mtimes(self._watch_list(config))
            self.lock.notify_all()

    def version_other_than(self, seen: str) -> int:
        """The current version once it differs from the one the page has, or after
        ``WAIT_SECONDS`` (the page then asks again)."""
        with self.lock:
            self.lock.wait_for(lambda: str(self.version) != seen, timeout=WAIT_SECONDS)
            return self.version

    def _error_page(self, message: str) -> str:
        self.console.print(f"Hata: {message}")
        return ERROR_PAGE.format(message=html.escape(message))

    def _watch_list(self, config: Optional[Config]) -> list[Path]:
        paths = [p for p in builtin_templates().rglob("*") if p.is_file()]
        if self.config_file:
            paths.append(self.config_file)
        if config is not None:
            overrides = config.templates_path()
            if overrides and overrides.is_dir():
                paths += [p for p in overrides.rglob("*") if p.is_file()]
            try:
                if not isinstance(config.data, DatabaseSource):
                    paths += find_files(config.data, config.resolve)
            except ReportgenError:
                pass
        else:
            paths += list(self.watched)
        return paths

    def changed(self) -> bool:
        with self.lock:
            watched = dict(self.watched)
        current = _mtimes(watched)
        folders_grew = any(p not in watched for p in self._new_files(watched))
        return current != watched or folders_grew

    def _new_files(self, watched: dict[Path, float]) -> list[Path]:
        """Files added to a watched template folder since the last build."""
        folders = {p.parent for p in watched if p.suffix in (".html", ".css")}
        return [p for folder in folders if folder.is_dir() for p in folder.iterdir() if p.is_file()]


def _mtimes(paths) -> dict[Path, float]:
    result = {}
    for path in paths:
        try:
            result[path] = path.stat().st_mtime_ns
        except OSError:
            result[path] = -1
    return result


def _fingerprint(config: Config) -> str:
    """The data files (name, size, time) and the config keys that shape the figures."""
    paths = [] if isinstance(config.data, DatabaseSource) else find_files(config.data, config.resolve)
    files = [(str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in paths]
    keys = config.model_dump(mode="json", include=Config.keys_of("input", "figures"))
    return json.dumps([files, keys], sort_keys=True, default=str)


def _query_fingerprints(config: Config) -> dict[str, str]:
    """Each editor's section with its query text (from the config or its .sql file) and
    the limits: what decides whether its query must run again."""
    from .data.extra import query_text

    limits = config.query_limits.model_dump_json()
    return {s.name: json.dumps([s.model_dump(mode="json"), query_text(s, config), limits], sort_keys=True)
            for s in config.extra_sections}


def _with_reload(page: str, version: int) -> str:
    script, marker = RELOAD_SCRIPT % version, "</body>"
    return page.replace(marker, script + marker) if marker in page else page + script


def _handler(preview: Preview, port: int):
    hosts = {f"127.0.0.1:{port}", f"localhost:{port}"}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            if self.headers.get("Host", "").lower() not in hosts:
                self._send("Önizlemeye yalnızca 127.0.0.1 ya da localhost adresiyle erişilebilir.\n".encode("utf-8"),
                           "text/plain; charset=utf-8", status=403)
                return
            path, _, query = self.path.partition("?")
            if path in ("/", "/index.html"):
                with preview.lock:
                    page = preview.page
                self._send(page.encode("utf-8"), "text/html; charset=utf-8")
            elif path == "/__version":
                seen = parse_qs(query).get("other_than", [""])[0]
                self._send(str(preview.version_other_than(seen)).encode("ascii"), "text/plain")
            else:
                self.send_error(404)

        def _send(self, body: bytes, content_type: str, status: int = 200) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    return Handler


def serve(load_config: Callable[[], Config], *, host: str, port: int, console,
          config_file: Optional[Path] = None) -> None:
    """Answers only requests addressed to ``127.0.0.1:PORT`` or ``localhost:PORT`` (no DNS
    rebinding); a watcher thread rebuilds on every change until Ctrl+C."""
    preview = Preview(load_config=load_config, config_file=config_file.resolve() if config_file else None,
                      console=console)
    try:
        server = ThreadingHTTPServer((host, port), _handler(preview, port))
    except OSError as exc:
        raise ConfigError(f"{host}:{port} dinlenemiyor ({exc.strerror or exc}); başka bir --port seçin",
                          key="--port") from None
    preview.rebuild()
    stop = threading.Event()

    def watch() -> None:
        while not stop.wait(POLL_SECONDS):
            try:
                if preview.changed():
                    preview.rebuild()
            except OSError as error:
                console.print(f"Hata: değişiklikler izlenemedi ({error}); yeniden denenecek.")

    threading.Thread(target=watch, daemon=True).start()
    console.print(f"Önizleme: http://{host}:{port}/  (durdurmak için Ctrl+C)")
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        console.print("Önizleme durduruldu.")
    finally:
        stop.set()
        server.server_close()
