//! Script of a character by code-point range.
//!
// Hand-written: only a dozen scripts matter here and a range match is a few
// comparisons, where a general script table is a binary search per character.

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Script {
    Latin,
    Cyrillic,
    Greek,
    Arabic,
    Hebrew,
    Hangul,
    Han,
    Kana,
    Other,
}

pub(crate) fn letter_script(c: char) -> Script {
    match c {
        'a'..='z' | 'A'..='Z' => Script::Latin,
        '\u{00C0}'..='\u{024F}' | '\u{0250}'..='\u{02AF}' | '\u{1E00}'..='\u{1EFF}' => {
            Script::Latin
        }
        '\u{2C60}'..='\u{2C7F}' | '\u{A720}'..='\u{A7FF}' | '\u{AB30}'..='\u{AB6F}' => {
            Script::Latin
        }
        '\u{0370}'..='\u{03FF}' | '\u{1F00}'..='\u{1FFF}' => Script::Greek,
        '\u{0400}'..='\u{052F}'
        | '\u{1C80}'..='\u{1C8F}'
        | '\u{2DE0}'..='\u{2DFF}'
        | '\u{A640}'..='\u{A69F}' => Script::Cyrillic,
        '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08FF}' => {
            Script::Arabic
        }
        '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}' => Script::Arabic,
        '\u{0590}'..='\u{05FF}' | '\u{FB1D}'..='\u{FB4F}' => Script::Hebrew,
        '\u{AC00}'..='\u{D7AF}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}' => {
            Script::Hangul
        }
        '\u{3040}'..='\u{30FF}' | '\u{31F0}'..='\u{31FF}' | '\u{FF66}'..='\u{FF9F}' => Script::Kana,
        '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3134F}' => Script::Han,
        _ => Script::Other,
    }
}

/// Whether combining marks after this character are accents or vowel points
/// that lists never write (Latin, Greek, Cyrillic, Armenian, Hebrew, Arabic,
/// Syriac, Georgian) rather than parts of the letter (kana voicing, Indic vowel
/// signs, Thai, Thaana …).
pub(crate) fn strips_marks(c: char) -> bool {
    matches!(c,
        '\u{0000}'..='\u{077F}' // up to Syriac; Thaana (0780..) keeps its vowel marks
        | '\u{08A0}'..='\u{08FF}'
        | '\u{10A0}'..='\u{10FF}'
        | '\u{1C90}'..='\u{1CBF}'
        | '\u{1E00}'..='\u{1FFF}'
        | '\u{2C60}'..='\u{2C7F}'
        | '\u{A720}'..='\u{A7FF}'
        | '\u{AB30}'..='\u{AB6F}'
        | '\u{FB00}'..='\u{FDFF}'
        | '\u{FE70}'..='\u{FEFF}'
    )
}

/// Letters of the common alphabets, by range: the standard library's
/// `is_alphabetic` searches a table, which is slow on the hot path.
fn in_letter_ranges(c: char) -> bool {
    matches!(c,
        'a'..='z' | 'A'..='Z'
        | '\u{00C0}'..='\u{00D6}' | '\u{00D8}'..='\u{00F6}' | '\u{00F8}'..='\u{024F}'
        | '\u{0388}'..='\u{038A}' | '\u{038C}' | '\u{038E}'..='\u{03A1}' | '\u{03A3}'..='\u{03F5}'
        | '\u{0400}'..='\u{0481}' | '\u{048A}'..='\u{052F}'
        | '\u{05D0}'..='\u{05EA}' | '\u{0621}'..='\u{064A}' | '\u{066E}' | '\u{066F}' | '\u{0671}'..='\u{06D3}'
        | '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}' | '\u{4E00}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7A3}'
    )
}

/// `c.is_alphabetic()`, fast for the common alphabets.
pub(crate) fn is_alphabetic(c: char) -> bool {
    in_letter_ranges(c) || (!c.is_ascii() && c.is_alphabetic())
}

/// `c.is_alphanumeric()`, fast for ASCII and the common alphabets.
pub(crate) fn is_alphanumeric(c: char) -> bool {
    c.is_ascii_digit() || in_letter_ranges(c) || (!c.is_ascii() && c.is_alphanumeric())
}

/// The first character of `c.to_lowercase()`, with fast paths for caseless
/// scripts and the basic Cyrillic and Greek alphabets. The second value tells
/// whether the slow general path was taken.
pub(crate) fn to_lower(c: char) -> (char, bool) {
    let shifted = |offset: u32| char::from_u32(c as u32 + offset).unwrap_or(c);
    match c {
        'A'..='Z' => (c.to_ascii_lowercase(), false),
        '\u{0410}'..='\u{042F}' => (shifted(0x20), false),
        '\u{0400}'..='\u{040F}' => (shifted(0x50), false),
        '\u{0391}'..='\u{03A1}' | '\u{03A3}'..='\u{03AB}' => (shifted(0x20), false),
        '\u{0430}'..='\u{045F}' | '\u{03AC}'..='\u{03CE}' | 'a'..='z' => (c, false),
        _ if matches!(
            letter_script(c),
            Script::Arabic | Script::Hebrew | Script::Hangul | Script::Han | Script::Kana
        ) =>
        {
            (c, false)
        }
        _ => (c.to_lowercase().next().unwrap_or(c), true),
    }
}

/// `is_combining_mark`, skipping the table for the letters above (none of
/// which is a mark).
pub(crate) fn is_mark(c: char) -> bool {
    !c.is_ascii() && !in_letter_ranges(c) && unicode_normalization::char::is_combining_mark(c)
}

/// Characters that are certainly in NFKC whatever surrounds them: starters
/// with no compatibility mapping that nothing composes onto.
pub(crate) fn is_nfkc_stable(c: char) -> bool {
    matches!(c,
        '\u{0000}'..='\u{007F}'
        | '\u{00C0}'..='\u{00D6}' | '\u{00D8}'..='\u{00F6}' | '\u{00F8}'..='\u{00FF}'
        | '\u{0386}' | '\u{0388}'..='\u{038A}' | '\u{038C}' | '\u{038E}'..='\u{03A1}' | '\u{03A3}'..='\u{03CE}'
        | '\u{0400}'..='\u{045F}'
        | '\u{05D0}'..='\u{05EA}' | '\u{0621}'..='\u{064A}'
        | '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}' | '\u{30FC}' | '\u{4E00}'..='\u{9FFF}'
    )
}

/// Letters with no canonical decomposition, to skip the table.
pub(crate) fn has_no_decomposition(c: char) -> bool {
    matches!(c, '\u{0000}'..='\u{00BF}' | '\u{0410}'..='\u{044F}' | '\u{0391}'..='\u{03A9}' | '\u{03B1}'..='\u{03C9}')
}
