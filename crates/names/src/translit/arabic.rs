//! Arabic and Persian script → Latin.
// Hand-written: Arabic writes no short vowels, so every transliterator gives a
// consonant skeleton ("mhmd"); a table of frequent name words restores the
// usual spelling, and the article ال is split off as lists write it (al-…).

/// Frequent name words, keyed by their spelling with hamza forms of alif
/// folded to ا, ى to ي, ة to ه and Persian ی ک to ي ك (see [`key_char`]).
const NAME_WORDS: &[(&str, &str)] = &[
    ("ابن", "ibn"),
    ("ابو", "abu"),
    ("ابي", "abi"),
    ("احمد", "ahmad"),
    ("اسامه", "usama"),
    ("الله", "allah"),
    ("ايمن", "ayman"),
    ("ابراهيم", "ibrahim"),
    ("بغدادي", "baghdadi"),
    ("بن", "bin"),
    ("بنت", "bint"),
    ("جعفر", "jafar"),
    ("جمال", "jamal"),
    ("حامد", "hamid"),
    ("حسن", "hasan"),
    ("حسين", "husayn"),
    ("حمد", "hamad"),
    ("حمزه", "hamza"),
    ("خالد", "khalid"),
    ("دين", "din"),
    ("رحمن", "rahman"),
    ("زين", "zayn"),
    ("سعد", "saad"),
    ("سعيد", "said"),
    ("سلمان", "salman"),
    ("سليمان", "sulayman"),
    ("صالح", "salih"),
    ("طالب", "talib"),
    ("ظواهري", "zawahiri"),
    ("عايشه", "aisha"),
    ("عائشه", "aisha"),
    ("عبد", "abd"),
    ("عبدالله", "abdullah"),
    ("عثمان", "uthman"),
    ("عزيز", "aziz"),
    ("علي", "ali"),
    ("عمر", "umar"),
    ("فاطمه", "fatima"),
    ("فيصل", "faisal"),
    ("قاسم", "qasim"),
    ("قاعده", "qaida"),
    ("كريم", "karim"),
    ("لادن", "ladin"),
    ("محمد", "muhammad"),
    ("محمود", "mahmud"),
    ("مريم", "maryam"),
    ("مصطفي", "mustafa"),
    ("ناصر", "nasir"),
    ("نصر", "nasr"),
    ("نور", "nur"),
    ("يوسف", "yusuf"),
];

fn key_char(c: char) -> char {
    match c {
        'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
        'ى' | 'ی' => 'ي',
        'ة' => 'ه',
        'ک' => 'ك',
        other => other,
    }
}

fn is_tatweel(c: char) -> bool {
    c == '\u{0640}'
}

pub(crate) fn transliterate(run: &[char], out: &mut String) {
    let letters: Vec<char> = run
        .iter()
        .copied()
        .filter(|&c| !is_tatweel(c) && !unicode_normalization::char::is_combining_mark(c))
        .collect();
    word(&letters, out);
}

fn word(letters: &[char], out: &mut String) {
    let key: String = letters.iter().map(|&c| key_char(c)).collect();
    if let Some((_, latin)) = NAME_WORDS.iter().find(|(arabic, _)| *arabic == key) {
        out.push_str(latin);
        return;
    }
    let key_letters: Vec<char> = key.chars().collect();
    // The article, written joined to its word: الظواهري → al zawahiri. Its alef carries no
    // hamza (the article's vowel is elided); a word that starts with أل or إل writes its own
    // first vowel (أليكسي Aleksey, إلينا Elena) and has no article.
    if key_letters.len() >= 4
        && matches!(letters.first(), Some('ا' | 'ٱ'))
        && key_letters.starts_with(&['ا', 'ل'])
    {
        out.push_str("al ");
        word(&letters[2..], out);
        return;
    }
    // عبد glued to the next name: عبدالعزيز → abd al aziz.
    if key_letters.len() >= 6 && key_letters.starts_with(&['ع', 'ب', 'د', 'ا', 'ل']) {
        out.push_str("abd ");
        word(&letters[3..], out);
        return;
    }
    spell(letters, out);
}

fn is_long_vowel_letter(c: Option<char>) -> bool {
    matches!(c, Some('ا' | 'و' | 'ي' | 'ی' | 'ى' | 'آ'))
}

/// Consonants plus written long vowels.
fn spell(letters: &[char], out: &mut String) {
    for (index, &c) in letters.iter().enumerate() {
        let previous = if index == 0 {
            None
        } else {
            letters.get(index - 1).copied()
        };
        let next = letters.get(index + 1).copied();
        let at_start = index == 0;
        let latin: &str = match c {
            'ا' | 'آ' | 'ٱ' | 'ى' | 'ة' | 'ۀ' => "a",
            'أ' => "a",
            'إ' => "i",
            'ء' => "",
            'ؤ' => "u",
            'ئ' => "i",
            'ب' => "b",
            'ت' => "t",
            'ث' => "th",
            'ج' => "j",
            'ح' => "h",
            'خ' => "kh",
            'د' => "d",
            'ذ' => "dh",
            'ر' => "r",
            'ز' => "z",
            'س' => "s",
            'ش' => "sh",
            'ص' => "s",
            'ض' => "d",
            'ط' => "t",
            'ظ' => "z",
            // ayn: its vowel comes from a following alif
            'ع' => {
                if next == Some('ا') {
                    ""
                } else {
                    "a"
                }
            }
            'غ' => "gh",
            'ف' => "f",
            'ق' => "q",
            'ك' | 'ک' => "k",
            'ل' => "l",
            'م' => "m",
            'ن' => "n",
            'ه' => "h",
            'و' => {
                if at_start || previous == Some('ا') || is_long_vowel_letter(next) {
                    "w"
                } else {
                    "u"
                }
            }
            'ي' | 'ی' => {
                if at_start || previous == Some('ا') || is_long_vowel_letter(next) {
                    "y"
                } else {
                    "i"
                }
            }
            'پ' => "p",
            'چ' => "ch",
            'ژ' => "zh",
            'گ' => "g",
            _ => {
                out.push_str(any_ascii::any_ascii_char(c));
                continue;
            }
        };
        out.push_str(latin);
    }
}
