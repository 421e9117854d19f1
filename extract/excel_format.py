"""A spreadsheet cell's text as it is shown: its stored value through its number format.

openpyxl gives the stored value (75000000) and the format (`_(* #,##0_);_(* \\(#,##0\\);_(* "-"??_)`);
what prints is `75,000,000`, `(211,025,000)` or `-`. This renders the common formats: sections for
positive, negative, zero and text; digit placeholders `0 # ?`, thousands commas, scaling commas, `%`,
quoted and escaped literals, fill and padding (as nothing and a space), colours and conditions (ignored),
and dates. Separators are those of the format's locale tag (`[$-421]`: Indonesian `1.234,5`), else
`SEPARATORS`. It does not do scientific or fraction formats (those fall back to General).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

# A format without a locale tag shows the separators of the machine that opens the file. LibreOffice in
# the C locale (how ../shared's renders are made, and the PDF export a portal would publish from a
# server) shows 1,234.5; an Excel set to Indonesian shows 1.234,5. The file does not say which.
SEPARATORS = (",", ".")  # (thousands, decimal)
LOCALE_SEPARATORS = {"421": (".", ","), "409": (",", "."), "809": (",", ".")}

GENERAL_DIGITS = 10  # General shows at most this many significant digits (a cell 11 characters wide)

_SECTION_SPLIT = re.compile(r'("[^"]*"|\\.|\[[^\]]*\]|;)')
_LOCALE_TAG = re.compile(r"\[\$([^\]-]*)-([0-9A-Fa-f]+)\]")
_DATE_TOKEN = re.compile(r"(yyyy|yy|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|AM/PM|am/pm)", re.I)
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def shown(value, number_format: str | None, width: float | None = None) -> str:
    """The text a cell holding `value` shows under `number_format`, in a column `width` characters wide
    (General shows as many decimals as fit)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return value
    fmt = (number_format or "General").strip()
    if isinstance(value, (datetime, date, time)):
        return _date(value, fmt)
    if isinstance(value, timedelta):
        return str(value)
    if not isinstance(value, (int, float, Decimal)):
        return str(value)
    sections = _sections(fmt)
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if number < 0 and len(sections) >= 2:
        section, number, sign = sections[1], -number, ""
    elif number == 0 and len(sections) >= 3:
        section, sign = sections[2], ""
    else:
        section, sign = sections[0], "-" if number < 0 else ""
        number = abs(number)
    if _is_date_section(section):
        return _date(_serial_date(float(value)), section)
    text = _number(number, section)
    if text is None:
        return sign + general(abs(number), width)
    return sign + text if sign and any(ch.isdigit() and ch != "0" for ch in text) else text


def general(number: Decimal | float | int, width: float | None = None) -> str:
    """The General format: an integer as is, a fraction with at most `GENERAL_DIGITS` significant digits
    and no more characters than the column is wide (`width`, in characters)."""
    d = Decimal(repr(number)) if isinstance(number, float) else Decimal(number)
    if d == d.to_integral_value() and abs(d) < Decimal(10) ** 11:
        return str(int(d))
    digits = len(str(int(abs(d)))) if abs(d) >= 1 else 1
    places = max(0, GENERAL_DIGITS - digits)
    if width:
        places = max(0, min(places, int(width) - digits - 1))
    text = str(d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))
    return text.rstrip("0").rstrip(".") if "." in text else text


def _sections(fmt: str) -> list[str]:
    parts, cur = [], ""
    for piece in _SECTION_SPLIT.split(fmt):
        if piece == ";":
            parts.append(cur)
            cur = ""
        else:
            cur += piece
    parts.append(cur)
    return parts


def _number(number: Decimal, section: str) -> str | None:
    """`number` (not negative) through one section; None when the section is General or unsupported."""
    thousands, decimal = SEPARATORS
    m = _LOCALE_TAG.search(section)
    if m:
        thousands, decimal = LOCALE_SEPARATORS.get(m.group(2).upper()[-3:], SEPARATORS)
    prefix, digits, suffix, seen_digit = [], "", [], False
    i = 0
    while i < len(section):
        ch = section[i]
        out = suffix if seen_digit else prefix
        if ch == '"':
            end = section.find('"', i + 1)
            end = len(section) if end < 0 else end
            out.append(section[i + 1:end])
            i = end + 1
            continue
        if ch == "\\" and i + 1 < len(section):
            out.append(section[i + 1])
            i += 2
            continue
        if ch == "[":
            end = section.find("]", i)
            tag = section[i + 1:end if end > 0 else len(section)]
            if tag.startswith("$"):
                out.append(tag[1:].split("-")[0])  # a currency symbol: [$Rp-421]
            i = (end if end > 0 else len(section)) + 1
            continue
        if ch == "_":
            out.append(" ")
            i += 2
            continue
        if ch == "*":  # fill the cell's width with the next character: one of it shows where it stands
            out.append(" " if section[i + 1:i + 2] == " " else "")
            i += 2
            continue
        if ch in "0#?":
            if suffix and seen_digit:  # placeholders after a literal: '000-000' is not rendered
                digits += "".join(suffix)
                suffix.clear()
            digits += ch
            seen_digit = True
        elif ch in ".," and seen_digit and not suffix:
            digits += ch
        elif ch in "eE" and seen_digit or ch == "/":
            return None
        elif section[i:i + 7].lower() == "general":
            return None
        else:
            out.append(ch)
        i += 1
    if not seen_digit:
        return "".join(prefix).strip() if prefix else None
    if "%" in "".join(prefix + suffix):
        number *= 100
    whole, _, frac = digits.partition(".")
    while whole.endswith(","):  # a comma after the last digit scales by a thousand
        number /= 1000
        whole = whole[:-1]
    grouped = "," in whole
    whole = whole.replace(",", "")
    frac = frac.replace(",", "")
    rounded = number.quantize(Decimal(1).scaleb(-len(frac)), rounding=ROUND_HALF_UP)
    int_part, _, frac_part = f"{rounded:f}".partition(".")
    int_part = int_part.lstrip("0")
    int_part = int_part.rjust(whole.count("0"), "0")
    if grouped and int_part:
        int_part = f"{int(int_part):,}".replace(",", thousands)
    frac_part = frac_part.ljust(len(frac), "0")
    keep = len(frac)
    while keep > 0 and frac[keep - 1] in "#?" and frac_part[keep - 1] == "0":
        keep -= 1
    frac_text = frac_part[:keep]
    body = int_part + (decimal + frac_text if frac_text else "")
    return ("".join(prefix) + body + "".join(suffix)).strip()


def _is_date_section(section: str) -> bool:
    bare = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", section)
    return bool(re.search(r"[dmyhs]", bare, re.I)) and not re.search(r"[0#?]", bare)


def _serial_date(serial: float) -> datetime:
    return datetime(1899, 12, 30) + timedelta(days=serial)


def _date(value, fmt: str) -> str:
    if fmt.lower() == "general" or not _is_date_section(_sections(fmt)[0]):
        fmt = "dd/mm/yyyy" if not isinstance(value, time) else "hh:mm:ss"
    section = re.sub(r"\[[^\]]*\]", "", _sections(fmt)[0])
    if isinstance(value, time):
        value = datetime.combine(date(1900, 1, 1), value)
    elif not isinstance(value, datetime):
        value = datetime.combine(value, time())
    out = []
    tokens = _DATE_TOKEN.split(section.replace('"', "").replace("\\", ""))
    for k, tok in enumerate(tokens):
        low = tok.lower()
        # 'm' after an hour or before seconds is minutes
        minutes = low in ("m", "mm") and (any(t.lower().startswith("h") for t in tokens[:k] if t.strip(":"))
                                          and "s" not in "".join(tokens[:k]).lower()[-3:])
        out.append(_date_token(value, low, tok, minutes))
    return "".join(out)


def _date_token(value: datetime, low: str, tok: str, minutes: bool) -> str:
    table = {
        "yyyy": f"{value.year:04d}", "yy": f"{value.year % 100:02d}", "mmmm": _MONTHS[value.month - 1],
        "mmm": _MONTHS[value.month - 1][:3], "dddd": _DAYS[value.weekday()], "ddd": _DAYS[value.weekday()][:3],
        "dd": f"{value.day:02d}", "d": str(value.day), "hh": f"{value.hour:02d}", "h": str(value.hour),
        "ss": f"{value.second:02d}", "s": str(value.second), "am/pm": "AM" if value.hour < 12 else "PM",
    }
    if low in ("mm", "m"):
        n = value.minute if minutes else value.month
        return f"{n:02d}" if low == "mm" else str(n)
    return table.get(low, tok)
