"""Click's own help and error texts in Turkish. Click ships no Turkish catalogue; its
modules look every text up through a module-level ``_`` / ``ngettext`` (gettext), which
``install`` points at this table. Texts not listed stay as Click writes them."""

from __future__ import annotations

import importlib

TURKISH = {
    "Usage:": "Kullanım:",
    "Options": "Seçenekler",
    "Commands": "Komutlar",
    "Positional arguments": "Konumsal argümanlar",
    "Show this message and exit.": "Bu yardımı gösterir ve çıkar.",
    "Show the version and exit.": "Sürümü gösterir ve çıkar.",
    "Error: {message}": "Hata: {message}",
    "Try '{command} {option}' for help.": "Yardım için: '{command} {option}'",
    "No such option {name!r}.": "Böyle bir seçenek yok: {name!r}.",
    "No such command {name!r}.": "Böyle bir komut yok: {name!r}.",
    "Missing command.": "Komut eksik.",
    "Missing argument": "Argüman eksik",
    "Missing option": "Seçenek eksik",
    "Missing parameter": "Parametre eksik",
    "Missing {param_type}": "Eksik: {param_type}",
    "Option {name!r} does not take a value.": "{name!r} seçeneği değer almaz.",
    "Invalid value for {param_hint}: {message}": "{param_hint} için geçersiz değer: {message}",
    "Invalid value: {message}": "Geçersiz değer: {message}",
    "{value!r} is not a valid {number_type}.": "{value!r} geçerli bir sayı değil.",
    "{value} is not in the range {range}.": "{value}, {range} aralığında değil.",
    "{name} {filename!r} does not exist.": "{name} {filename!r} yok.",
    "{name} {filename!r} is a file.": "{name} {filename!r} bir dosya.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} bir klasör.",
    "directory": "Klasör",
    "file": "Dosya",
    "path": "Yol",
    "default: {default}": "varsayılan: {default}",
    "Aborted!": "İptal edildi.",
    "%(prog)s, version %(version)s": "%(prog)s, sürüm %(version)s",
    "Got unexpected extra argument ({args})": "Beklenmeyen fazla argüman ({args})",
    "Got unexpected extra arguments ({args})": "Beklenmeyen fazla argümanlar ({args})",
    "Option {name!r} requires an argument.": "{name!r} seçeneği bir değer ister.",
    "Option {name!r} requires {nargs} arguments.": "{name!r} seçeneği {nargs} değer ister.",
    "{value!r} is not {choice}.": "{value!r} geçerli değil; olabilecek: {choice}.",
    "{value!r} is not one of {choices}.": "{value!r} geçerli değil; olabilecekler: {choices}.",
    "Did you mean {possibility}?": "Bunu mu demek istediniz: {possibility}?",
    "(Did you mean one of: {possibilities}?)": "(Bunlardan biri mi: {possibilities}?)",
}
MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "types", "utils", "termui")


def gettext(message: str) -> str:
    return TURKISH.get(message, message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return gettext(singular if count == 1 else plural)


def install() -> None:
    for name in MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext
