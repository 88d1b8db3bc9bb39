//! Greek → Latin, ELOT 743-like.
// Hand-written: the digraphs (ου, αυ/ευ, μπ, ντ, γγ) need the next letter,
// which any_ascii's per-character table does not look at.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// Lower case without tonos or dialytika, final sigma as σ.
fn base(c: char) -> char {
    let lower = c.to_lowercase().next().unwrap_or(c);
    let mut base = lower;
    let mut found = false;
    decompose_canonical(lower, |part| {
        if !found && !is_combining_mark(part) {
            base = part;
            found = true;
        }
    });
    if base == 'ς' { 'σ' } else { base }
}

fn is_voiceless(c: Option<char>) -> bool {
    match c {
        None => true,
        Some(c) => matches!(c, 'θ' | 'κ' | 'ξ' | 'π' | 'σ' | 'τ' | 'φ' | 'χ' | 'ψ'),
    }
}

pub(crate) fn transliterate(run: &[char], out: &mut String) {
    let letters: Vec<char> = run
        .iter()
        .copied()
        .filter(|&c| !is_combining_mark(c))
        .map(base)
        .collect();
    let mut index = 0;
    while let Some(&c) = letters.get(index) {
        let next = letters.get(index + 1).copied();
        let at_start = index == 0;
        let (latin, used): (&str, usize) = match (c, next) {
            ('ο', Some('υ')) => ("ou", 2),
            ('α' | 'ε' | 'η', Some('υ')) => {
                let vowel = match c {
                    'α' => "a",
                    'ε' => "e",
                    _ => "i",
                };
                out.push_str(vowel);
                let after = letters.get(index + 2).copied();
                (if is_voiceless(after) { "f" } else { "v" }, 2)
            }
            ('μ', Some('π')) => (if at_start { "b" } else { "mp" }, 2),
            ('ν', Some('τ')) => (if at_start { "d" } else { "nt" }, 2),
            ('γ', Some('γ')) => ("ng", 2),
            ('γ', Some('κ')) => (if at_start { "g" } else { "ng" }, 2),
            ('γ', Some('ξ')) => ("nx", 2),
            ('γ', Some('χ')) => ("nch", 2),
            _ => (single(c), 1),
        };
        if latin.is_empty() {
            out.push_str(any_ascii::any_ascii_char(c));
        } else {
            out.push_str(latin);
        }
        index += used;
    }
}

fn single(c: char) -> &'static str {
    match c {
        'α' => "a",
        'β' => "v",
        'γ' => "g",
        'δ' => "d",
        'ε' => "e",
        'ζ' => "z",
        'η' => "i",
        'θ' => "th",
        'ι' => "i",
        'κ' => "k",
        'λ' => "l",
        'μ' => "m",
        'ν' => "n",
        'ξ' => "x",
        'ο' => "o",
        'π' => "p",
        'ρ' => "r",
        'σ' => "s",
        'τ' => "t",
        'υ' => "y",
        'φ' => "f",
        'χ' => "ch",
        'ψ' => "ps",
        'ω' => "o",
        _ => "",
    }
}
