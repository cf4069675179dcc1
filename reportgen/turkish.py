"""Turkish number, money, percent, case and ordinal formatting.

Every function here is pure and is registered as a Jinja filter (see ``FILTERS``), so
editors format figures in templates and Python holds no bulletin wording. Rounding is
always half up on the exact value (Babel alone would round half to even).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext
from functools import lru_cache
from typing import Optional, Union

from babel import Locale
from babel.dates import format_date, get_month_names
from babel.numbers import NumberPattern, parse_pattern

Number = Union[Decimal, int, float]
MISSING = "–"
"""what a figure that does not exist (a share of nothing, a change from zero) is shown as"""

LOCALE = "tr_TR"
_TURKISH = Locale.parse(LOCALE)
MILLION = Decimal(1_000_000)
_UPPER = str.maketrans({"i": "İ", "ı": "I"})
_LOWER = str.maketrans({"İ": "i", "I": "ı"})


def to_decimal(value: Number) -> Decimal:
    """Floats go through ``repr`` so 0.15 stays 0.15 and does not become 0.1499…"""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def round_half_up(value: Number, places: int = 0) -> Decimal:
    exponent = Decimal(1).scaleb(-places)
    with localcontext() as ctx:
        ctx.prec = 50
        return to_decimal(value).quantize(exponent, rounding=ROUND_HALF_UP)


def number(value: Optional[Number], places: int = 0) -> str:
    """``55229`` → ``55.229``; ``21.73, 1`` → ``21,7``; ``-4.94, 1`` → ``-4,9``; ``None`` → ``–``."""
    if value is None:
        return MISSING
    rounded = round_half_up(value, places)
    if rounded == 0:
        rounded = abs(rounded)
    return _pattern(places).apply(rounded, _TURKISH, group_separator=True, numbering_system="latn")


@lru_cache(maxsize=None)
def _pattern(places: int) -> NumberPattern:
    """Babel's ``format_decimal`` with the locale and pattern parsed once: a bulletin and
    its profiles format tens of thousands of numbers."""
    return parse_pattern("#,##0" + ("." + "0" * places if places else ""))


def millions(value: Optional[Number], places: int = 0) -> str:
    """Dollars shown in million dollars: ``55_229_400_000`` → ``55.229``; ``None`` → ``–``."""
    return MISSING if value is None else number(to_decimal(value) / MILLION, places)


def percent(value: Optional[Number], places: int = 1) -> str:
    """Turkish puts the sign first: ``7.46`` → ``%7,5``; ``None`` → ``–``."""
    return MISSING if value is None else "%" + number(value, places)


def change_words(value: Number, places: int = 1) -> str:
    """``7.46`` → ``%7,5 artış``; ``-4.9`` → ``%4,9 azalış``; a change that rounds to
    zero is ``%0,0 değişim``, since neither word would be true of it."""
    rounded = round_half_up(value, places)
    if rounded == 0:
        return percent(0, places) + " değişim"
    word = "artış" if rounded > 0 else "azalış"
    return percent(abs(rounded), places) + " " + word


def usd_words(value: Number) -> str:
    """Dollars in words, rounded to the million: ``59_381_000_000`` → ``59 milyar 381 milyon dolar``;
    ``4_005_000_000`` → ``4 milyar 5 milyon dolar``; ``3_000_000_000`` → ``3 milyar dolar``;
    ``934_000_000`` → ``934 milyon dolar``.

    Amounts under half a million are written in thousands (``512 bin dolar``) and
    under five hundred dollars in dollars, so that no amount reads as zero millions.
    """
    amount = to_decimal(value)
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    in_millions = int(round_half_up(amount / MILLION))
    if in_millions == 0:
        in_thousands = int(round_half_up(amount / 1000))
        if in_thousands == 0:
            return f"{sign}{number(amount)} dolar"
        return f"{sign}{number(in_thousands)} bin dolar"
    billions, rest = divmod(in_millions, 1000)
    parts = []
    if billions:
        parts.append(f"{number(billions)} milyar")
    if rest:
        parts.append(f"{rest} milyon")
    return sign + " ".join(parts) + " dolar"


_ONES = ["", "bir", "iki", "üç", "dört", "beş", "altı", "yedi", "sekiz", "dokuz"]
_TENS = ["", "on", "yirmi", "otuz", "kırk", "elli", "altmış", "yetmiş", "seksen", "doksan"]
_ORDINAL_OF_LAST_WORD = {
    "bir": "birinci", "iki": "ikinci", "üç": "üçüncü", "dört": "dördüncü",
    "beş": "beşinci", "altı": "altıncı", "yedi": "yedinci", "sekiz": "sekizinci",
    "dokuz": "dokuzuncu", "on": "onuncu", "yirmi": "yirminci", "otuz": "otuzuncu",
    "kırk": "kırkıncı", "elli": "ellinci", "altmış": "altmışıncı", "yetmiş": "yetmişinci",
    "seksen": "sekseninci", "doksan": "doksanıncı", "yüz": "yüzüncü",
}


def cardinal_words(n: int) -> str:
    """Whole numbers 1–999 in words: ``81`` → ``seksen bir``."""
    if not 1 <= n <= 999:
        raise ValueError(f"cardinal_words handles 1–999, got {n}")
    hundreds, rest = divmod(n, 100)
    words = []
    if hundreds:
        words += ([] if hundreds == 1 else [_ONES[hundreds]]) + ["yüz"]
    words += [w for w in (_TENS[rest // 10], _ONES[rest % 10]) if w]
    return " ".join(words)


def ordinal(n: int) -> str:
    """``1`` → ``birinci``; ``3`` → ``üçüncü``; ``11`` → ``on birinci``."""
    words = cardinal_words(int(n)).split(" ")
    return " ".join(words[:-1] + [_ORDINAL_OF_LAST_WORD[words[-1]]])


def upper_tr(text: str) -> str:
    """Turkish upper case: ``'diyarbakır'`` → ``DİYARBAKIR`` (``str.upper`` gives DIYARBAKIR)."""
    return text.translate(_UPPER).upper()


def lower_tr(text: str) -> str:
    """Turkish lower case: ``'IĞDIR'`` → ``ığdır``; ``'İZMİR'`` → ``izmir``."""
    return text.translate(_LOWER).lower()


def chapter_code(code: Union[str, int]) -> str:
    """HS chapters are always two digits: ``8`` → ``08``."""
    return f"{int(code):02d}"


_BACK_VOWELS = set("aıou")
_FRONT_VOWELS = set("eiöü")
_ROUNDED = set("ouöü")
_VOICELESS = set("fstkçşhp")


def _last_vowel(word: str) -> str:
    for letter in reversed(lower_tr(word)):
        if letter in _BACK_VOWELS | _FRONT_VOWELS | {"â", "î", "û"}:
            return {"â": "a", "î": "i", "û": "u"}.get(letter, letter)
    return "e"


def copula(name: str) -> str:
    """A proper name with the copula suffix after an apostrophe, by vowel harmony and
    consonant assimilation: ``'İzmir'`` → ``İzmir'dir``; ``'Ankara'`` → ``Ankara'dır``;
    ``'İstanbul'`` → ``İstanbul'dur``; ``'Muş'`` → ``Muş'tur``."""
    if not name:
        return name
    vowel = _last_vowel(name)
    if vowel in _BACK_VOWELS:
        harmonic = "u" if vowel in _ROUNDED else "ı"
    else:
        harmonic = "ü" if vowel in _ROUNDED else "i"
    consonant = "t" if lower_tr(name)[-1] in _VOICELESS else "d"
    return f"{name}'{consonant}{harmonic}r"


_ALPHABET = "abcçdefgğhıijklmnoöprsştuüvyz"
_ORDER = {letter: index for index, letter in enumerate(_ALPHABET)}
_ACCENTED = {"â": "a", "î": "i", "û": "u", "Â": "a", "Î": "ı", "Û": "u"}
"""a circumflexed letter's base: Î is a dotless I with a circumflex, so it sorts with ı"""


_PUNCTUATION = {mark: index for index, mark in enumerate("_-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$")}
"""ASCII punctuation in CLDR's root order"""


def _primary(letter: str) -> int:
    """Spaces, then punctuation, then digits, then the Turkish alphabet (CLDR's order)."""
    if letter in _ORDER:
        return 100_000 + _ORDER[letter]
    if letter.isdigit():
        return 90_000 + int(letter)
    if letter.isspace():
        return 0
    return 1 + _PUNCTUATION.get(letter, 100 + ord(letter))


def sort_key_tr(text: str) -> tuple:
    """Turkish alphabetical order as CLDR collates it: letters first (Ç after C, Ğ after G,
    I before İ, Ö after O, Ş after S), then accents (``Hakkari`` before ``Hakkâri``), then
    case (lower before upper); a space sorts before any letter (``Doğu Marmara`` before
    ``Doğubayazıt``)."""
    bases = [_ACCENTED.get(ch) or lower_tr(ch) for ch in text]
    return (tuple(_primary(base) for base in bases), tuple(ch in _ACCENTED for ch in text),
            tuple(ch != lower_tr(ch) for ch in text))


def sort_tr(items: list[str]) -> list[str]:
    """Names in Turkish alphabetical order: ``['Şanlıurfa', 'Sivas', 'Çorum', 'Ceyhan']`` →
    ``['Ceyhan', 'Çorum', 'Sivas', 'Şanlıurfa']``."""
    return sorted(items, key=sort_key_tr)


def month_name(month: int) -> str:
    """``6`` → ``Haziran`` (CLDR month names, capitalised as Turkish writes them)."""
    return _month_names("wide")[int(month)]


def month_abbreviation(month: int) -> str:
    """``6`` → ``Haz`` (CLDR's abbreviated month names)."""
    return _month_names("abbreviated")[int(month)]


@lru_cache(maxsize=None)
def _month_names(width: str) -> dict[int, str]:
    """Babel's month names looked up once per width: every table and chart asks for them."""
    return dict(get_month_names(width, locale=_TURKISH))


def long_date(day) -> str:
    """``date(2024, 7, 1)`` → ``1 Temmuz 2024`` (CLDR's long Turkish date)."""
    return format_date(day, format="long", locale=LOCALE)


def span_label(span) -> str:
    """A run of months as a column head: ``Span(2023)`` → ``2023``;
    ``Span(2024, 6, 6)`` → ``Haziran 2024``; ``Span(2024, 1, 6)`` → ``Ocak-Haziran 2024``."""
    if (span.first, span.last) == (1, 12):
        return str(span.year)
    if span.first == span.last:
        return f"{month_name(span.first)} {span.year}"
    return f"{month_name(span.first)}-{month_name(span.last)} {span.year}"


def join_words(items: list[str], conjunction: str = "ve") -> str:
    """The Turkish list: ``['İstanbul', 'Kocaeli', 'İzmir']`` → ``İstanbul, Kocaeli ve İzmir``."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


def paragraphs(text: str) -> list[str]:
    r"""Paragraphs of a config text, split at blank lines: ``'Bir.\n\nİki.'`` → ``['Bir.', 'İki.']``."""
    return [p.strip() for p in text.split("\n\n") if p.strip()]


_FORMATTERS = {
    "number": number,
    "number1": lambda value: number(value, 1),
    "number2": lambda value: number(value, 2),
    "percent": percent,
    "money_million": millions,
    "money_words": usd_words,
}


def default_format(value: object) -> str:
    """How a query cell is shown when its column has no format: whole numbers as
    ``number``, other numbers with two decimals, anything else as text."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return "text"
    return "number" if isinstance(value, int) else "number2"


def formatted(value: object, format_name: Optional[str] = None) -> str:
    """A cell of an editor's query in a format named in config (``money_million``,
    ``percent``…; see ``config.EXTRA_FORMATS``): ``1234567890, 'money_million'`` → ``1.235``."""
    if value is None:
        return MISSING
    name = format_name or default_format(value)
    if name == "text" or isinstance(value, (str, bool)):
        return str(value)
    return _FORMATTERS[name](value)


FILTERS = {
    "formatted": formatted,
    "number": number,
    "millions": millions,
    "percent": percent,
    "change_words": change_words,
    "usd_words": usd_words,
    "ordinal": ordinal,
    "upper_tr": upper_tr,
    "lower_tr": lower_tr,
    "chapter_code": chapter_code,
    "copula": copula,
    "month_name": month_name,
    "month_abbreviation": month_abbreviation,
    "join_words": join_words,
    "cardinal": cardinal_words,
    "paragraphs": paragraphs,
    "sort_tr": sort_tr,
    "span_label": span_label,
    "long_date": long_date,
}
