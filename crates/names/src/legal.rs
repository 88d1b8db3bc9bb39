//! Legal forms of organisations as equivalence classes.
//!
//! Each class has one canonical tag. The rule for what joins a class: a
//! foreign form joins the English class when sanctions lists routinely
//! translate it into that English form (ООО and ТОВ are given as LLC, АО/ЗАО/
//! ОАО as JSC, ПАО as PJSC); forms that lists leave untranslated keep a class
//! of their own (GmbH, d.o.o., SRL, AG, SA): "X GmbH" and "X LLC" are then
//! rarely the same registered company, and the matcher may weigh the
//! difference. Forms are matched on [`tokens`](crate::tokens) output, so
//! Cyrillic forms appear here transliterated (ООО → ooo) and dotted
//! abbreviations as single letters (L.L.C. → l l c).

/// Canonical tags.
pub mod tag {
    pub const LLC: &str = "LLC";
    pub const JSC: &str = "JSC";
    pub const PJSC: &str = "PJSC";
    pub const LTD: &str = "LTD";
    pub const INC: &str = "INC";
    pub const GMBH: &str = "GMBH";
    pub const DOO: &str = "DOO";
    pub const SA: &str = "SA";
    pub const SRL: &str = "SRL";
    pub const AG: &str = "AG";
    pub const PLC: &str = "PLC";
    pub const LLP: &str = "LLP";
    pub const FZE: &str = "FZE";
    // Forms of other legal systems that lists leave untranslated (ISO 20275's commonest in
    // the lists' jurisdictions): each a class of its own.
    pub const SPZOO: &str = "SPZOO";
    pub const SRO: &str = "SRO";
    pub const AS: &str = "AS";
    pub const SAS: &str = "SAS";
    pub const SARL: &str = "SARL";
    pub const SPA: &str = "SPA";
    pub const BHD: &str = "BHD";
    pub const KK: &str = "KK";
    pub const LTDA: &str = "LTDA";
    pub const KFT: &str = "KFT";
    pub const OY: &str = "OY";
    pub const WLL: &str = "WLL";
}

/// (words, tag), longest phrases first so that "public joint stock company"
/// wins over "joint stock company" and "fz llc" over "llc".
const FORMS: &[(&[&str], &str)] = &[
    (
        &["obshchestvo", "s", "ogranichennoy", "otvetstvennostyu"],
        tag::LLC,
    ),
    (
        &["obshchestvo", "s", "ogranichennoi", "otvetstvennostyu"],
        tag::LLC,
    ),
    (
        &["tovarystvo", "z", "obmezhenoiu", "vidpovidalnistiu"],
        tag::LLC,
    ),
    (&["sociedad", "de", "responsabilidad", "limitada"], tag::SRL),
    (&["societa", "a", "responsabilita", "limitata"], tag::SRL),
    (&["societate", "cu", "raspundere", "limitata"], tag::SRL),
    (
        &["gesellschaft", "mit", "beschrankter", "haftung"],
        tag::GMBH,
    ),
    (
        &["spolka", "z", "ograniczona", "odpowiedzialnoscia"],
        tag::SPZOO,
    ),
    (&["spolecnost", "s", "rucenim", "omezenym"], tag::SRO),
    (&["spolocnost", "s", "rucenim", "obmedzenym"], tag::SRO),
    (&["gufen", "youxian", "gongsi"], tag::LTD),
    (&["you", "xian", "gong", "si"], tag::LTD),
    (&["sendirian", "berhad"], tag::BHD),
    (&["kabushiki", "kaisha"], tag::KK),
    (&["kabushiki", "gaisha"], tag::KK),
    (&["youxian", "gongsi"], tag::LTD),
    (&["sp", "z", "o", "o"], tag::SPZOO),
    (&["spol", "s", "r", "o"], tag::SRO),
    (&["s", "a", "r", "l"], tag::SARL),
    (&["s", "a", "s"], tag::SAS),
    // Société anonyme égyptienne.
    (&["s", "a", "e"], tag::SA),
    (&["s", "p", "a"], tag::SPA),
    (&["s", "r", "o"], tag::SRO),
    (&["w", "l", "l"], tag::WLL),
    (&["sdn", "bhd"], tag::BHD),
    (&["ltd", "sti"], tag::LTD),
    (&["sp", "zoo"], tag::SPZOO),
    (&["a", "s"], tag::AS),
    (&["k", "k"], tag::KK),
    (&["spzoo"], tag::SPZOO),
    (&["sro"], tag::SRO),
    (&["sarl"], tag::SARL),
    (&["bhd"], tag::BHD),
    (&["berhad"], tag::BHD),
    (&["ltda"], tag::LTDA),
    (&["kft"], tag::KFT),
    (&["zrt"], tag::KFT),
    (&["nyrt"], tag::KFT),
    (&["oyj"], tag::OY),
    (&["wll"], tag::WLL),
    (&["aktiebolag"], tag::AS),
    (&["aktieselskab"], tag::AS),
    (&["aksjeselskap"], tag::AS),
    (&["public", "joint", "stock", "company"], tag::PJSC),
    (&["closed", "joint", "stock", "company"], tag::JSC),
    (&["open", "joint", "stock", "company"], tag::JSC),
    (&["publichnoe", "aktsionernoe", "obshchestvo"], tag::PJSC),
    (&["zakrytoe", "aktsionernoe", "obshchestvo"], tag::JSC),
    (&["otkrytoe", "aktsionernoe", "obshchestvo"], tag::JSC),
    (&["limited", "liability", "company"], tag::LLC),
    (&["limited", "liability", "partnership"], tag::LLP),
    (&["public", "limited", "company"], tag::PLC),
    (&["joint", "stock", "company"], tag::JSC),
    (&["free", "zone", "establishment"], tag::FZE),
    (&["free", "zone", "company"], tag::FZE),
    (&["s", "a", "de", "c", "v"], tag::SA),
    (&["aktsionernoe", "obshchestvo"], tag::JSC),
    (&["sociedad", "anonima"], tag::SA),
    (&["sociedade", "anonima"], tag::SA),
    (&["societe", "anonyme"], tag::SA),
    (&["sa", "de", "cv"], tag::SA),
    (&["company", "limited"], tag::LTD),
    (&["co", "limited"], tag::LTD),
    (&["co", "ltd"], tag::LTD),
    (&["pvt", "ltd"], tag::LTD),
    (&["pte", "ltd"], tag::LTD),
    (&["pty", "ltd"], tag::LTD),
    (&["private", "limited"], tag::LTD),
    (&["fz", "llc"], tag::FZE),
    (&["fz", "co"], tag::FZE),
    (&["l", "l", "c"], tag::LLC),
    (&["l", "l", "p"], tag::LLP),
    (&["p", "l", "c"], tag::PLC),
    (&["d", "o", "o"], tag::DOO),
    (&["s", "r", "l"], tag::SRL),
    (&["o", "o", "o"], tag::LLC),
    (&["s", "a"], tag::SA),
    (&["llc"], tag::LLC),
    (&["ooo"], tag::LLC),
    (&["tov"], tag::LLC),
    (&["jsc"], tag::JSC),
    (&["ao"], tag::JSC),
    (&["zao"], tag::JSC),
    (&["oao"], tag::JSC),
    (&["cjsc"], tag::JSC),
    (&["ojsc"], tag::JSC),
    (&["pjsc"], tag::PJSC),
    (&["pao"], tag::PJSC),
    (&["ltd"], tag::LTD),
    (&["limited"], tag::LTD),
    (&["inc"], tag::INC),
    (&["incorporated"], tag::INC),
    (&["corp"], tag::INC),
    (&["corporation"], tag::INC),
    (&["gmbh"], tag::GMBH),
    (&["doo"], tag::DOO),
    (&["sa"], tag::SA),
    (&["srl"], tag::SRL),
    (&["ag"], tag::AG),
    (&["aktiengesellschaft"], tag::AG),
    (&["plc"], tag::PLC),
    (&["llp"], tag::LLP),
    (&["too"], tag::LLP),
    (&["fze"], tag::FZE),
    (&["fzco"], tag::FZE),
    (&["fzc"], tag::FZE),
    (&["fzllc"], tag::FZE),
];

/// The one-word entries of [`FORMS`], sorted for binary search (tests check both).
pub(crate) const FORM_WORDS: &[&str] = &[
    "ag",
    "aksjeselskap",
    "aktiebolag",
    "aktiengesellschaft",
    "aktieselskab",
    "ao",
    "berhad",
    "bhd",
    "cjsc",
    "corp",
    "corporation",
    "doo",
    "fzc",
    "fzco",
    "fze",
    "fzllc",
    "gmbh",
    "inc",
    "incorporated",
    "jsc",
    "kft",
    "limited",
    "llc",
    "llp",
    "ltd",
    "ltda",
    "nyrt",
    "oao",
    "ojsc",
    "ooo",
    "oyj",
    "pao",
    "pjsc",
    "plc",
    "sa",
    "sarl",
    "spzoo",
    "srl",
    "sro",
    "too",
    "tov",
    "wll",
    "zao",
    "zrt",
];

/// Finds a legal form at the end of the name (else at its start), removes it
/// and returns the remaining tokens and the form's canonical tag ("LLC",
/// "JSC", "PJSC", "LTD", "INC", "GMBH", "DOO", "SA", "SRL", "AG", "PLC",
/// "LLP", "FZE"). A form is only taken if some token remains, so a company
/// called "Limited" keeps its name. Only forms at the edges count: "Inc" in
/// the middle of a name is a word of the name.
/// Whether words spell a legal form with one slip (S.A.R.LL., LTDDA, CORRP): a doubled,
/// dropped, changed or swapped letter in the form's letters run together, four or more.
/// Where the other name has a legal form, the matcher takes such words for it.
pub fn misspells_legal_form<S: AsRef<str>>(words: &[S]) -> bool {
    let joined: String = words.iter().map(AsRef::as_ref).collect();
    let near = near_forms();
    if joined.len() < MISSPELT_FORM_MIN_LETTERS
        || joined.len() > near.longest + 1
        || !joined.is_ascii()
        || near.exact.contains(joined.as_str())
    {
        return false;
    }
    // One slip leaves the form and the words a deletion apart, or sharing one (SymSpell's
    // deletion neighbourhoods): a hash look-up each, then the edit distance to be sure.
    let confirm = |form: &str| strsim::osa_distance(&joined, form) == 1;
    if let Some(forms) = near.by_deletion.get(joined.as_str())
        && forms.iter().any(|f| confirm(f))
    {
        return true;
    }
    (0..joined.len()).any(|k| {
        let deleted = format!("{}{}", &joined[..k], &joined[k + 1..]);
        near.by_deletion
            .get(deleted.as_str())
            .is_some_and(|forms| forms.iter().any(|f| confirm(f)))
    })
}

/// The legal forms' letters run together, and each one-letter deletion of them (with the
/// form itself) mapped to the forms it comes from.
struct NearForms {
    exact: std::collections::HashSet<String>,
    by_deletion: std::collections::HashMap<String, Vec<String>>,
    longest: usize,
}

fn near_forms() -> &'static NearForms {
    static NEAR: std::sync::OnceLock<NearForms> = std::sync::OnceLock::new();
    NEAR.get_or_init(|| {
        let exact: std::collections::HashSet<String> = FORMS
            .iter()
            .map(|(form, _)| form.concat())
            .filter(|f| f.len() >= MISSPELT_FORM_MIN_LETTERS)
            .collect();
        let mut by_deletion: std::collections::HashMap<String, Vec<String>> =
            std::collections::HashMap::new();
        for form in &exact {
            let mut add = |key: String| {
                let forms = by_deletion.entry(key).or_default();
                if !forms.contains(form) {
                    forms.push(form.clone());
                }
            };
            add(form.clone());
            for k in 0..form.len() {
                add(format!("{}{}", &form[..k], &form[k + 1..]));
            }
        }
        let longest = exact.iter().map(String::len).max().unwrap_or(0);
        NearForms {
            exact,
            by_deletion,
            longest,
        }
    })
}

/// The fewest letters a legal form has for a slip in it to be read as that form: in two
/// letters (SA, AG) one slip makes another word.
const MISSPELT_FORM_MIN_LETTERS: usize = 4;

pub fn legal_form<S: AsRef<str>>(tokens: &[S]) -> (Vec<String>, Option<&'static str>) {
    let words: Vec<&str> = tokens.iter().map(AsRef::as_ref).collect();
    for (form, tag) in FORMS {
        if words.len() > form.len() && words.ends_with(form) {
            let kept = words.len() - form.len();
            return (owned(words.get(..kept)), Some(tag));
        }
    }
    for (form, tag) in FORMS {
        if words.len() > form.len() && words.starts_with(form) {
            return (owned(words.get(form.len()..)), Some(tag));
        }
    }
    // Written without its vowels (LMTD LBLTY CMPNY, JNT STCK CMPNY): a form of words, each
    // stripped as names are (the first letter kept), where the name's words are so written.
    for (form, tag) in FORMS {
        let n = form.len();
        if n < 2 || form.iter().any(|w| w.len() < 3) || words.len() <= n {
            continue;
        }
        let stripped_alike = |written: &[&str]| {
            written
                .iter()
                .zip(form.iter())
                .all(|(w, f)| is_stripped(w) && *w == strip_vowels(f))
        };
        if stripped_alike(&words[words.len() - n..]) {
            return (owned(words.get(..words.len() - n)), Some(tag));
        }
        if stripped_alike(&words[..n]) {
            return (owned(words.get(n..)), Some(tag));
        }
    }
    (owned(Some(&words)), None)
}

/// A word without the vowels after its first letter, as names are written stripped
/// (LIABILITY → LBLTY: Y stays, as it does in MHMD-style writing).
fn strip_vowels(word: &str) -> String {
    let mut letters = word.chars();
    letters
        .next()
        .into_iter()
        .chain(letters.filter(|c| !"aeiou".contains(*c)))
        .collect()
}

/// Whether a word has no vowel after its first letter, and something to strip from.
fn is_stripped(word: &str) -> bool {
    word.len() >= 2 && !word.chars().skip(1).any(|c| "aeiou".contains(c))
}

fn owned(words: Option<&[&str]>) -> Vec<String> {
    words
        .unwrap_or_default()
        .iter()
        .map(|word| word.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::legal_form;
    use crate::tokens;

    fn form(text: &str) -> (String, Option<&'static str>) {
        let (rest, tag) = legal_form(&tokens(text));
        (rest.join(" "), tag)
    }

    #[test]
    fn one_word_forms_agree_with_the_table() {
        for (words, _) in super::FORMS {
            if let [word] = words {
                assert!(super::FORM_WORDS.binary_search(word).is_ok(), "{word}");
            }
        }
        assert!(super::FORM_WORDS.binary_search(&"company").is_err());
        assert!(
            super::FORM_WORDS
                .windows(2)
                .all(|pair| pair.first() < pair.get(1))
        );
    }

    #[test]
    fn legal_forms_table() {
        let cases = [
            ("ООО \"Ромашка\"", "romashka", Some("LLC")),
            ("OOO ROMASHKA", "romashka", Some("LLC")),
            ("Romashka LLC", "romashka", Some("LLC")),
            ("Romashka L.L.C.", "romashka", Some("LLC")),
            (
                "Romashka, Limited Liability Company",
                "romashka",
                Some("LLC"),
            ),
            (
                "Limited Liability Company Romashka",
                "romashka",
                Some("LLC"),
            ),
            (
                "Общество с ограниченной ответственностью «Ромашка»",
                "romashka",
                Some("LLC"),
            ),
            ("ТОВ «Ромашка»", "romashka", Some("LLC")),
            (
                "Товариство з обмеженою відповідальністю Ромашка",
                "romashka",
                Some("LLC"),
            ),
            ("АО Ромашка", "romashka", Some("JSC")),
            ("ЗАО Ромашка", "romashka", Some("JSC")),
            ("Romashka OJSC", "romashka", Some("JSC")),
            ("Joint Stock Company Romashka", "romashka", Some("JSC")),
            ("Акционерное общество Ромашка", "romashka", Some("JSC")),
            ("ПАО Сбербанк", "sberbank", Some("PJSC")),
            ("Sberbank PJSC", "sberbank", Some("PJSC")),
            (
                "Public Joint Stock Company Sberbank",
                "sberbank",
                Some("PJSC"),
            ),
            ("Acme Co., Ltd.", "acme", Some("LTD")),
            ("Acme Limited", "acme", Some("LTD")),
            ("Acme Corp.", "acme", Some("INC")),
            ("Acme Incorporated", "acme", Some("INC")),
            ("SIS DOO", "sis", Some("DOO")),
            ("SIS d.o.o.", "sis", Some("DOO")),
            ("SIS d o o", "sis", Some("DOO")),
            ("Acme S.A.", "acme", Some("SA")),
            ("Acme Sociedad Anónima", "acme", Some("SA")),
            ("Acme Société Anonyme", "acme", Some("SA")),
            ("Acme S.R.L.", "acme", Some("SRL")),
            ("Acme AG", "acme", Some("AG")),
            ("Acme GmbH", "acme", Some("GMBH")),
            ("Acme PLC", "acme", Some("PLC")),
            (
                "FABERLIC EUROPE Sp. z o.o.",
                "faberlic europe",
                Some("SPZOO"),
            ),
            (
                "Acme spółka z ograniczoną odpowiedzialnością",
                "acme",
                Some("SPZOO"),
            ),
            ("Acme s.r.o.", "acme", Some("SRO")),
            ("Acme spol. s r.o.", "acme", Some("SRO")),
            ("Acme a.s.", "acme", Some("AS")),
            ("Acme Ltd. Şti.", "acme", Some("LTD")),
            ("Acme S.à r.l.", "acme", Some("SARL")),
            ("Acme S.p.A.", "acme", Some("SPA")),
            ("Acme Sdn. Bhd.", "acme", Some("BHD")),
            ("Acme Kabushiki Kaisha", "acme", Some("KK")),
            ("Acme Ltda.", "acme", Some("LTDA")),
            ("Acme Kft.", "acme", Some("KFT")),
            ("Acme W.L.L.", "acme", Some("WLL")),
            ("Acme S.A.E.", "acme", Some("SA")),
            ("LMTD LBLTY CMPNY LGN", "lgn", Some("LLC")),
            ("JNT STCK CMPNY KRD", "krd", Some("JSC")),
            ("Kredo Joint Stck Company", "kredo joint stck company", None),
            ("YILDIZ A.Ş.", "yildiz", Some("AS")),
            ("Acme LLP", "acme", Some("LLP")),
            ("Acme FZE", "acme", Some("FZE")),
            ("Acme FZCO", "acme", Some("FZE")),
            ("Acme FZ-LLC", "acme", Some("FZE")),
            ("Bank of Syria", "bank of syria", None),
            ("Limited", "limited", None),
        ];
        for (input, rest, tag) in cases {
            assert_eq!(form(input), (rest.to_string(), tag), "input {input:?}");
        }
    }
}
