//! `to_latin`: transliteration of any script into lower-case Latin ASCII.
//!
//! Each word is cut into runs of one script and each run goes to its own
//! romaniser. any_ascii is the fallback for every script without one here
//! (Georgian, Armenian, Devanagari, Thai, …) and for single odd characters.
//! Hand-written romanisers exist only where the list convention needs context
//! that a per-character table cannot see (Russian vs Ukrainian, Greek digraphs,
//! Arabic and Hebrew vowel letters, Korean as lists write DPRK names, Chinese
//! surname/given-name split, Japanese long vowels).

mod arabic;
mod cyrillic;
mod greek;
mod han;
mod hangul;
mod hebrew;
mod kana;

use crate::script::{Script, letter_script};

/// Transliterates `text` into lower-case Latin ASCII words separated by single
/// spaces.
///
/// Works on raw text but is meant to run on [`normalize`](crate::normalize)d
/// text. Conventions:
/// - Cyrillic: Russian (BGN/PCGN-like: й→y, ы→y, х→kh, ц→ts, щ→shch, ю→yu,
///   я→ya, ё→e, ь ъ dropped, е→e) or Ukrainian (KMU 2010: г→h, ґ→g, и→y, і→i,
///   ї→yi/i, є→ye/ie, й→y/i, ю→yu/iu, я→ya/ia). A word is Ukrainian when it
///   has і ї є ґ, Russian when it has ы э ъ ё, and otherwise follows the rest
///   of the name (so the surname in "Віктор Янукович" is read as Ukrainian:
///   yanukovych). Serbian and Macedonian letters: ђ→dj, љ→lj, њ→nj, ћ→c,
///   џ→dz, ѓ→gj, ќ→kj.
/// - Greek: ELOT 743-like (ου→ou, αυ/ευ→av/ev or af/ef, μπ→b/mp, ντ→d/nt,
///   γγ→ng, η→i, χ→ch, θ→th, ψ→ps).
/// - Arabic and Persian: a table of common name words with their usual
///   romanisation (محمد→muhammad, بن→bin …); otherwise consonants plus the
///   long vowels that the script writes (ا→a, و→w/u, ي→y/i); the article ال
///   becomes a separate word `al`. Short vowels are not written in Arabic, so
///   other words come out as skeletons ("zwahri"): match them with
///   [`skeleton`](crate::skeleton).
/// - Hebrew: consonants with position rules (ב→b/v, כ→k/kh, פ→p/f) and
///   vowel letters (ו→v/o/u, י→y/i).
/// - Hangul: one word per syllable, McCune–Reischauer without breves as the
///   sanctions lists write DPRK names (김정은 → kim jong un, 최룡해 → choe
///   ryong hae); surname 이 → lee.
/// - Chinese Han: pinyin without tones; a name of 2–4 characters becomes
///   surname + given name (习近平 → xi jinping), with the common two-character
///   surnames (欧阳, 司马 …) kept together; longer runs give one word per
///   syllable.
/// - Japanese kana: Hepburn (wana_kana), long vowels written as on passports:
///   ou/oo → o and uu → u unless a vowel follows (サトウ → sato, イノウエ →
///   inoue). Kanji in a Japanese name get Chinese readings here: Japanese
///   readings need a reading table (e.g. IPADIC's name entries), out of scope.
pub fn to_latin(text: &str) -> String {
    if text.is_ascii() {
        return clean(text);
    }
    let mut raw = String::with_capacity(text.len() + 16);
    romanise_words(text, |latin| {
        raw.push_str(latin);
        raw.push(' ');
    });
    clean(&raw)
}

/// [`to_latin`] word by word: each whitespace-separated word of `text` with its
/// romanisation (read in the context of the whole name, as [`to_latin`] reads it).
pub(crate) fn to_latin_words(text: &str) -> Vec<(&str, String)> {
    let mut out = Vec::new();
    let mut words = text.split(char::is_whitespace);
    romanise_words(text, |latin| {
        if let Some(word) = words.next() {
            out.push((word, clean(latin)));
        }
    });
    out
}

/// Romanises each whitespace-separated word of `text` into raw Latin (not yet
/// [`clean`]ed), in the context of the whole text, calling `each` with each word's
/// romanisation in order.
fn romanise_words(text: &str, mut each: impl FnMut(&str)) {
    let cyrillic_language = cyrillic::name_language(text);
    let japanese = text.chars().any(|c| letter_script(c) == Script::Kana);
    let mut raw = String::with_capacity(32);
    let mut run: Vec<char> = Vec::with_capacity(16);
    for word in text.split(char::is_whitespace) {
        raw.clear();
        // A Cyrillic letter alone is an initial (Ю. КОВАЛЬЧУК): its romanisation's first
        // letter, as Yuriy's initial is Y, not the two letters YU.
        let mut letters = word.chars();
        if let (Some(c), None) = (letters.next(), letters.next())
            && letter_script(c) == Script::Cyrillic
        {
            let mut latin = String::new();
            cyrillic::transliterate(&[c], cyrillic_language, &mut latin);
            if let Some(first) = latin.chars().next() {
                raw.push(first);
                each(&raw);
                continue;
            }
        }
        let mut run_script = Script::Other;
        for c in word.chars() {
            let script = char_run_script(c, run_script);
            if script != run_script && !run.is_empty() {
                transliterate_run(&run, run_script, cyrillic_language, japanese, &mut raw);
                run.clear();
            }
            run_script = script;
            run.push(c);
        }
        if !run.is_empty() {
            transliterate_run(&run, run_script, cyrillic_language, japanese, &mut raw);
            run.clear();
        }
        each(&raw);
    }
}

/// The run a character belongs to: letters by their script; marks and digits
/// stay with the run they follow; other characters go to the fallback.
fn char_run_script(c: char, current: Script) -> Script {
    let script = letter_script(c);
    if script != Script::Other {
        return script;
    }
    if unicode_normalization::char::is_combining_mark(c) {
        current
    } else {
        Script::Other
    }
}

fn transliterate_run(
    run: &[char],
    script: Script,
    cyrillic_language: cyrillic::Language,
    japanese: bool,
    out: &mut String,
) {
    match script {
        Script::Cyrillic => cyrillic::transliterate(run, cyrillic_language, out),
        Script::Greek => greek::transliterate(run, out),
        Script::Arabic => arabic::transliterate(run, out),
        Script::Hebrew => hebrew::transliterate(run, out),
        Script::Hangul => hangul::transliterate(run, out),
        Script::Han => han::transliterate(run, japanese, out),
        Script::Kana => kana::transliterate(run, out),
        Script::Latin | Script::Other => fallback(run, out),
    }
}

/// any_ascii, character by character; Armenian ու is one letter, u (any_ascii: "ow").
fn fallback(run: &[char], out: &mut String) {
    let mut chars = run.iter().copied().peekable();
    while let Some(c) = chars.next() {
        if matches!(c, '\u{0578}' | '\u{0548}')
            && chars
                .next_if(|n| matches!(n, '\u{0582}' | '\u{0552}'))
                .is_some()
        {
            out.push('u');
        } else if c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(any_ascii::any_ascii_char(c));
        }
    }
}

/// Lower-case ASCII letters and digits; apostrophes (which romanisers use for
/// ayn, ejectives, soft signs) dropped; anything else a single space.
fn clean(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut pending_space = false;
    for c in raw.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(c.to_ascii_lowercase());
        } else if !crate::normalize::is_apostrophe(c) && c != '"' {
            pending_space = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::to_latin;
    use crate::normalize;

    fn latin(text: &str) -> String {
        to_latin(&normalize(text))
    }

    #[test]
    fn transliterates_table() {
        let cases = [
            // Russian
            (
                "Владимир Владимирович Путин",
                "vladimir vladimirovich putin",
            ),
            ("Аркадий Ротенберг", "arkadiy rotenberg"),
            ("Сергей Шойгу", "sergey shoygu"),
            ("Евгений Пригожин", "evgeniy prigozhin"),
            ("Михаил Ходорковский", "mikhail khodorkovskiy"),
            ("Юрий Ковальчук", "yuriy kovalchuk"),
            ("Алексей Щукин", "aleksey shchukin"),
            ("Артём Объедков", "artem obedkov"),
            ("Цой", "tsoy"),
            // Ukrainian
            ("Віктор Янукович", "viktor yanukovych"),
            // no і ї є ґ anywhere: read as Russian (fold_variant still meets "Volodymyr Zelenskyy")
            ("Володимир Зеленський", "volodimir zelenskiy"),
            (
                "Володимир Олексійович Зеленський",
                "volodymyr oleksiiovych zelenskyi",
            ),
            ("Григорій Гончаренко", "hryhorii honcharenko"),
            ("Юлія Тимошенко", "yuliia tymoshenko"),
            ("Ївга Єрмак", "yivha yermak"),
            ("Ігор Згурський", "ihor zghurskyi"),
            ("Ґалаґан", "galagan"),
            // Serbian
            ("Ђорђе Љубичић Његош", "djordje ljubicic njegos"),
            // Greek
            ("Αλέξης Τσίπρας", "alexis tsipras"),
            ("Κυριάκος Μητσοτάκης", "kyriakos mitsotakis"),
            ("Γιώργος Παπαδόπουλος", "giorgos papadopoulos"),
            ("Ευάγγελος Μπακογιάννης", "evangelos bakogiannis"),
            ("Ευθύμιος Ντόρας", "efthymios doras"),
            // Arabic
            ("محمد بن سلمان", "muhammad bin salman"),
            ("أيمن الظواهري", "ayman al zawahiri"),
            ("أسامة بن لادن", "usama bin ladin"),
            ("عبد العزيز", "abd al aziz"),
            ("عبدالله", "abdullah"),
            ("حسن نصر الله", "hasan nasr allah"),
            // Persian
            ("علی خامنه‌ای", "ali khamnhay"),
            // Hebrew
            ("בנימין נתניהו", "bnimin ntnihu"),
            // Georgian, Armenian
            ("მიხეილ სააკაშვილი", "mikheil saakashvili"),
            ("Սերժ Սարգսյան", "serzh sargsyan"),
            ("Վլադիմիր Պուտին", "vladimir putin"),
            // Korean
            ("김정은", "kim jong un"),
            ("최룡해", "choe ryong hae"),
            ("김여정", "kim yo jong"),
            ("박봉주", "pak pong ju"),
            ("이명박", "lee myong pak"),
            // Chinese
            ("习近平", "xi jinping"),
            ("欧阳修", "ouyang xiu"),
            ("李", "li"),
            // Japanese
            ("ハヤシ ヨシマサ", "hayashi yoshimasa"),
            ("サトウ", "sato"),
            ("サトー", "sato"),
            ("イノウエ", "inoue"),
            ("ゆうこ", "yuko"),
            // fallback and mixtures
            ("Müller-Lüdenscheidt", "muller ludenscheidt"),
            ("Putin Путин", "putin putin"),
        ];
        for (input, expected) in cases {
            assert_eq!(latin(input), expected, "input {input:?}");
        }
    }

    #[test]
    fn raw_text_is_accepted() {
        assert_eq!(to_latin("ВЛАДИМИР Putin!"), "vladimir putin");
        assert_eq!(to_latin("Ευάγγελος"), "evangelos");
        assert_eq!(to_latin("O'Brien"), "obrien");
    }
}
