//! How names are spelt and misspelt: the words legal forms are made of, patronymics, long
//! vowels written double, OCR look-alikes, keyboard slips and sound-alikes, and the edit
//! distance the matcher tolerates for a word of a given length.

use sanctum_names::NameToken;

/// Words legal forms are made of, in the languages lists use. Outside a recognised legal
/// form (misspelt, or in the middle of a name) they still say little about who it is.
pub(crate) const ORG_WORDS: &[&str] = &[
    "limited",
    "liability",
    "company",
    "companies",
    "corporation",
    "incorporated",
    "joint",
    "stock",
    "public",
    "private",
    "closed",
    "open",
    "society",
    "partnership",
    "enterprise",
    "unitary",
    "cooperative",
    "holding",
    "holdings",
    "group",
    "international",
    "trading",
    "obshchestvo",
    "ogranichennoi",
    "ogranichennoy",
    "otvetstvennostyu",
    "aktsionernoe",
    "zakrytoe",
    "otkrytoe",
    "publichnoe",
    "sociedad",
    "anonima",
    "limitada",
    "responsabilidad",
    "gesellschaft",
    "beschraenkter",
    "haftung",
    "societe",
    "anonyme",
];

/// Org words that describe a company rather than its legal form (GROUP, HOLDING,
/// TRADING…): EVEREST is not EVEREST GROUP, so left over they weigh
/// [`DESCRIPTOR_LEFTOVER_WEIGHT`], not as a legal form's word.
pub(crate) const DESCRIPTORS: &[&str] = &[
    "group",
    "holding",
    "holdings",
    "kholding",
    "international",
    "trading",
];

/// Whether an org word is a descriptor (see [`DESCRIPTORS`]), as written or with the same
/// consonants (GRUPPA, GRUP, GROUPE).
pub(crate) fn is_descriptor(text: &str) -> bool {
    let skeleton = consonants(text);
    DESCRIPTORS
        .iter()
        .any(|d| *d == text || (skeleton.len() >= 3 && consonants(d) == skeleton))
}

/// An org word as written, or misspelt: one edit away (words of five letters or more:
/// "WTOCK", "JPINT"), or the same consonants ("CMPNY", "LIABILEETY"). Runs for every token
/// prepared, so it stays cheap: the vocabulary's
/// consonants are computed once, and edit distances only for words of a near length.
pub(crate) fn is_org_word(text: &str) -> bool {
    /// The words, their consonant skeletons, and the words long enough for a misspelling.
    type Vocabulary = (
        std::collections::HashSet<&'static str>,
        std::collections::HashSet<String>,
        Vec<&'static str>,
    );
    static VOCABULARY: std::sync::OnceLock<Vocabulary> = std::sync::OnceLock::new();
    if text.len() < 3 {
        return false;
    }
    let (words, skeletons, long) = VOCABULARY.get_or_init(|| {
        (
            ORG_WORDS.iter().copied().collect(),
            ORG_WORDS.iter().map(|w| consonants(w)).collect(),
            ORG_WORDS.iter().copied().filter(|w| w.len() >= 5).collect(),
        )
    });
    if words.contains(text) {
        return true;
    }
    let skeleton = consonants(text);
    (skeleton.len() >= 3 && skeletons.contains(&skeleton))
        || long.iter().any(|w| within_one_edit(w, text))
}

/// Whether two words are at most one edit apart (optimal string alignment). One edit leaves
/// all but two letters in a common start and end: most pairs fail that count before any
/// distance is computed.
pub(crate) fn within_one_edit(a: &str, b: &str) -> bool {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    if x.len().abs_diff(y.len()) > 1 {
        return false;
    }
    let start = x.iter().zip(y).take_while(|(p, q)| p == q).count();
    let end = x
        .iter()
        .rev()
        .zip(y.iter().rev())
        .take_while(|(p, q)| p == q)
        .count();
    start + end + 2 >= x.len().max(y.len()) && bounded_osa(a, b, 1) <= 1
}

/// Edits tolerated for a token of this length: none for short tokens, where one edit makes
/// another name (Li/Lu, Ali/Eli), growing with length.
pub fn allowed_edits(len: usize) -> usize {
    match len {
        0..=3 => 0,
        4..=7 => 1,
        8..=10 => 2,
        _ => 3,
    }
}

/// Endings of East Slavic patronymics (Vladimirovich, Alekseevna, Ivanovych, Petrivna).
pub(crate) const PATRONYMIC_ENDINGS: [&str; 10] = [
    "ovich", "evich", "ovitch", "evitch", "ovych", "evych", "ovna", "evna", "ivna", "ichna",
];

/// A word with the ending of a patronymic, long enough to have a name before it.
pub(crate) fn is_patronymic(t: &NameToken) -> bool {
    t.text.chars().count() >= 7 && PATRONYMIC_ENDINGS.iter().any(|e| t.text.ends_with(e))
}

/// Whether `word` (no patronymic) is the stem `patronymic` was made of, its ending missing
/// (three letters or more: a misspelt patronymic keeps most of its ending). A query cut at a
/// field limit may still end in such a stem: the cut rule (`cut_short`) does not ask this.
pub(crate) fn is_stem_of(word: &NameToken, patronymic: &NameToken) -> bool {
    let length = word.text.chars().count();
    let stem: String = word.text.chars().take(length.saturating_sub(1)).collect();
    length >= 4
        && patronymic.text.chars().count() >= length + 3
        && patronymic.text.starts_with(&stem)
}

/// A word's long vowels written single (DEEN → din, ABOO → abu, BARRIE → barry), `None`
/// when it has none. The variant key folds them only in words of two syllables or more,
/// to keep pinyin's ZHOU apart from ZHU; a one-syllable DEEN or MEEN is DIN or MIN in
/// another romanisation all the same.
pub(crate) fn single_vowels(text: &str) -> Option<Box<str>> {
    let folded = text.replace("ee", "i").replace("oo", "u");
    let folded = match folded.strip_suffix("ie") {
        Some(stem) if stem.len() >= 2 => format!("{stem}y"),
        _ => folded,
    };
    (folded != text).then(|| folded.into_boxed_str())
}

/// OCR look-alikes folded to one spelling: 1/I/l, 0/O, 5/S, 8/B, rn/m, cl/d, vv/w.
pub fn ocr_fold(s: &str) -> String {
    let folded: String = s
        .chars()
        .map(|c| match c {
            '1' | 'i' => 'l',
            '0' => 'o',
            '5' => 's',
            '8' => 'b',
            c => c,
        })
        .collect();
    folded
        .replace("rn", "m")
        .replace("cl", "d")
        .replace("vv", "w")
}

/// The optimal-string-alignment distance of two ASCII tokens, or `max + 1` as soon as it
/// must exceed `max`. Hand-written rather than strsim's because this is the innermost loop of
/// screening: it allocates nothing for tokens of up to 63 bytes and stops early.
pub(crate) fn bounded_osa(a: &str, b: &str, max: usize) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a == b {
        return 0;
    }
    if a.len().abs_diff(b.len()) > max {
        return max + 1;
    }
    if a.len() >= 64 || b.len() >= 64 {
        return strsim::osa_distance(&String::from_utf8_lossy(a), &String::from_utf8_lossy(b))
            .min(max + 1);
    }
    // Three rows of the dynamic programme: two back (for transpositions), previous, current.
    let mut back = [0usize; 64];
    let mut prev = [0usize; 64];
    let mut cur = [0usize; 64];
    for (j, p) in prev.iter_mut().enumerate().take(b.len() + 1) {
        *p = j;
    }
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(back[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return max + 1;
        }
        back = prev;
        prev = cur;
    }
    prev[b.len()].min(max + 1)
}

/// The smaller edit distance of two spellings of a pair (by key, by text), each counted only
/// within its own tolerance: folding shortens keys (ATABIJEW / ATABIYEV are two edits apart
/// in 8 letters, their keys in 8 and 7).
pub(crate) fn nearest_spelling(
    key: (&str, &str, usize),
    text: (&str, &str, usize),
) -> Option<usize> {
    [key, text]
        .into_iter()
        .filter_map(|(x, y, tolerance)| {
            Some(bounded_osa(x, y, tolerance)).filter(|&d| d <= tolerance)
        })
        .min()
}

/// The one pair of bytes in which `a` and `b`, of one length, differ; `None` when they
/// differ in none or in more.
pub(crate) fn substitution(a: &[u8], b: &[u8]) -> Option<(u8, u8)> {
    if a.len() != b.len() {
        return None;
    }
    let mut differ = a.iter().zip(b).filter(|(x, y)| x != y);
    match (differ.next(), differ.next()) {
        (Some((&x, &y)), None) => Some((x, y)),
        _ => None,
    }
}

/// Whether `a` and `b`, of one length, differ in exactly one letter, a consonant for a
/// consonant that is neither a neighbouring key nor a sound-alike (see [`keys_adjacent`],
/// [`sound_alike`]). A vowel for a vowel is a romanisation (ANDRIY/ANDREY), not this.
pub(crate) fn unlikely_swap(a: &str, b: &str) -> bool {
    if !a.is_ascii() || !b.is_ascii() {
        return false;
    }
    let Some((x, y)) = substitution(a.as_bytes(), b.as_bytes()) else {
        return false;
    };
    let consonant = |c: u8| c.is_ascii_lowercase() && !b"aeiouy".contains(&c);
    consonant(x) && consonant(y) && !keys_adjacent(x, y) && !sound_alike(x, y)
}

/// Whether `a` and `b` are one edit apart by an edit typing seldom makes: a letter for
/// one that is no neighbouring key (OASIS/ORSIS, ROSTOK/ROSTEK), or a consonant added
/// or left out that neither doubles nor neighbours a letter next to it (ANDINA/ANDIA).
/// With [`unlikely_swap`], what a one-word name spelt otherwise must not be.
pub(crate) fn unlikely_edit(a: &str, b: &str) -> bool {
    if !a.bytes().chain(b.bytes()).all(|c| c.is_ascii_lowercase()) {
        return false;
    }
    if a.len() == b.len() {
        return substitution(a.as_bytes(), b.as_bytes()).is_some_and(|(x, y)| !keys_adjacent(x, y));
    }
    unexplained_letter(a, b)
}

/// Whether `a` and `b` are one letter added or left out apart, a consonant that neither
/// doubles nor neighbours a letter next to it and is no H (SAMI / SAMIR, ADEL / FADEL):
/// typing seldom adds such a letter, and romanisations add vowels and H (MUSA / MOUSA,
/// JON / JOHN), not it.
pub(crate) fn unexplained_letter(a: &str, b: &str) -> bool {
    if !a.bytes().chain(b.bytes()).all(|c| c.is_ascii_lowercase()) {
        return false;
    }
    let vowel = |c: u8| b"aeiouy".contains(&c);
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (long, short) = if a.len() > b.len() { (a, b) } else { (b, a) };
    if long.len() != short.len() + 1 {
        return false;
    }
    let at = long.iter().zip(short).take_while(|(x, y)| x == y).count();
    if long.get(at + 1..) != short.get(at..) {
        return false;
    }
    let added = long[at];
    let next = long.get(at + 1).copied();
    // Romanisations add a letter to make one sound of two: CH, KH, SH for one letter (Greek
    // and Arabic χ, خ, ش), NG, NK for Greek γκ, and a letter beside its sound-alike (CK, GK).
    let explained = vowel(added)
        || added == b'h'
        || next == Some(b'h')
        || (added == b'n' && matches!(next, Some(b'g' | b'k')))
        || [at.checked_sub(1), Some(at + 1)]
            .into_iter()
            .flatten()
            .filter_map(|k| long.get(k).copied())
            .any(|n| n == added || keys_adjacent(n, added) || sound_alike(n, added));
    !explained
}

/// Whether `a` and `b`, of one length, differ in exactly one letter, a vowel for a vowel.
pub(crate) fn vowel_changed(a: &str, b: &str) -> bool {
    let vowel = |c: u8| b"aeiouy".contains(&c);
    substitution(a.as_bytes(), b.as_bytes()).is_some_and(|(x, y)| vowel(x) && vowel(y))
}

/// Whether two letters sit side by side on a QWERTY keyboard (a typing slip). The rows are
/// staggered: a key touches the two above it at its column and the next.
pub(crate) fn keys_adjacent(a: u8, b: u8) -> bool {
    const ROWS: [&[u8]; 3] = [b"qwertyuiop", b"asdfghjkl", b"zxcvbnm"];
    let find = |c: u8| {
        ROWS.iter().enumerate().find_map(|(r, row)| {
            row.iter()
                .position(|&k| k == c)
                .map(|i| (r as i32, i as i32))
        })
    };
    let (Some((ra, ca)), Some((rb, cb))) = (find(a), find(b)) else {
        return false;
    };
    match rb - ra {
        0 => (ca - cb).abs() == 1,
        1 => ca == cb || ca == cb + 1,
        -1 => cb == ca || cb == ca + 1,
        _ => false,
    }
}

/// Consonants that romanisations and ears confuse (C/K, S/Z, B/P, D/T, M/N, V/W…), and
/// G/H, one Cyrillic letter romanised two ways (Г: OLEG / OLEH, GASAN / HASAN). Not L/R:
/// only Korean, Japanese and Chinese romanisations write one sound with either (RI / LI),
/// and the syllable rules read those names; elsewhere L and R are letters of their own
/// (Arabic AMAL / AMAR, ل and ر).
pub(crate) fn sound_alike(a: u8, b: u8) -> bool {
    const GROUPS: [&[u8]; 8] = [
        b"bpvfw", b"ckqgx", b"szcx", b"dt", b"mn", b"jyg", b"hkx", b"gh",
    ];
    GROUPS.iter().any(|g| g.contains(&a) && g.contains(&b))
}

/// Whether `short` is `long` with one or more vowels left out, and nothing else changed.
pub(crate) fn vowels_dropped(long: &str, short: &str) -> bool {
    // A Y that starts a word is a consonant: YOUNG is not ONG.
    if short.len() >= long.len() || (long.starts_with('y') && !short.starts_with('y')) {
        return false;
    }

    let mut short_chars = short.chars().peekable();
    let mut previous = None;
    let mut vowel_dropped = false;
    for c in long.chars() {
        if short_chars.peek() == Some(&c) {
            short_chars.next();
        } else if "aeiouy".contains(c) {
            vowel_dropped = true;
        } else if previous != Some(c) {
            // A consonant the short spelling lacks, unless it doubles the one before
            // (MHMD / MOHAMMED: the doubled M is written once).
            return false;
        }
        previous = Some(c);
    }
    vowel_dropped && short_chars.next().is_none()
}

/// Whether `short`, a word that keeps some of its vowels, lacks the last vowel `long` ends
/// in (HAN / HANA): people who leave vowels out leave the inner ones, or all of them; a
/// word without its last vowel is another word.
pub(crate) fn last_vowel_left_out(long: &str, short: &str) -> bool {
    let vowel = |c: char| "aeiou".contains(c);
    long.chars().last().is_some_and(vowel)
        && !short.chars().last().is_some_and(vowel)
        && short.chars().skip(1).any(vowel)
}

/// Consonants only, doubled letters collapsed: dropped vowels and doubled letters vanish.
pub(crate) fn consonants(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.chars().enumerate() {
        if i > 0 && "aeiouy".contains(c) {
            continue;
        }
        if !out.ends_with(c) {
            out.push(c);
        }
    }
    out
}

/// Endings that make another name of a stem, each group one ending in its romanisations:
/// the feminine of a man's name or surname (Arabic SAMIR / SAMIRA, SAMIRAH; Slavic IVANOV /
/// IVANOVA, ZELENSKIY / ZELENSKAYA, KOWALSKI / KOWALSKA; Italian and Spanish MARIO /
/// MARIA), and the suffixes that make a surname or a word of a stem (Slavic IVAN / IVANOV,
/// VOROBEY / VOROBYOV, KOVAL / KOVALENKO, ROSTOK / ROSTEC; the Persian and Arabic nisba AMIN
/// / AMINI, HAMADAN / HAMADANI). Two spellings of one group (GORBACHEV / GORBACHYOV,
/// DMITRI / DMITRIY) are one name. Hand-written: no crate knows how names are derived, and
/// the list is a handful of endings per language.
const NAME_ENDINGS: &[&[&str]] = &[
    // Feminine endings of given names and surnames.
    &["a", "ah", "at", "ya", "ia"],
    &["o"],
    &["ova", "eva", "yova", "yeva", "iova", "ieva", "jova", "jeva"],
    &["ina", "yna"],
    &[
        "skaya", "skaja", "ska", "skaia", "tskaya", "tska", "ckaya", "cka",
    ],
    // Surnames of a stem (East Slavic, Polish, Ukrainian).
    &[
        "ov", "ev", "yov", "yev", "iov", "iev", "jov", "jev", "off", "eff", "ow", "ew",
    ],
    &["in", "yn"],
    &[
        "sky", "ski", "skiy", "skii", "skyi", "skyy", "skij", "tsky", "tski", "cki", "cky",
    ],
    &["enko"],
    &["uk", "yuk", "iuk", "juk"],
    &["chuk", "czuk"],
    &["ovich", "evich", "ovych", "evych", "ovitch", "evitch"],
    // Diminutive and agent suffixes of Slavic words: ROSTOK is not ROSTEC.
    &["ok"],
    &["ek"],
    &["ik", "yk"],
    &["ets", "ec", "etz"],
    // The nisba, and the -i, -y, -ey of a stem's own end (DMITRI, VOROBEY).
    &["i", "y", "iy", "ii", "ij", "yi", "yy", "ey", "ei", "ee"],
];

/// The shortest stem an ending is recognised on: three letters (PETR-OV, ROST-OK) for a
/// suffix of consonants, four for a vowel alone (AMIN-I, SAMIR-A), as a short word ending in
/// a vowel is more often its own name (ALI, RANA).
const STEM_MIN: usize = 3;
const STEM_MIN_VOWEL_ENDING: usize = 4;

/// English and Welsh surnames made of a given name with -s (ROBERTS, PHILLIPS): for a
/// person's name only, as a company's name takes plurals (SYSTEM, SYSTEMS).
const PATRONYMIC_S: &[&str] = &["s"];

/// The longest ending of [`NAME_ENDINGS`]: two words whose common start leaves more than
/// this on either side share no stem with an ending.
const LONGEST_ENDING: usize = 6;

/// How the end of a word after a given stem reads.
#[derive(Clone, Copy, PartialEq)]
enum Ending {
    /// Nothing: the word is the stem.
    Bare,
    /// Only vowels, of no group: the stem a derivation starts from (PHILIPP-E, VOROB-EY).
    Vowels,
    /// An ending of this group of [`NAME_ENDINGS`] (or of [`PATRONYMIC_S`], after them), and
    /// whether it is of vowels only (a gender's or the nisba's, not a derivation's).
    Group(usize, bool),
    /// Anything else: the words are not this stem.
    Other,
}

fn ending_after(word: &str, stem: usize, person: bool) -> Ending {
    let ending = &word[stem..];
    if ending.is_empty() {
        return Ending::Bare;
    }
    let vowels = ending.bytes().all(|c| b"aeiouy".contains(&c));
    let min = if vowels {
        STEM_MIN_VOWEL_ENDING
    } else {
        STEM_MIN
    };
    let groups = NAME_ENDINGS
        .iter()
        .copied()
        .chain(person.then_some(PATRONYMIC_S));
    for (g, group) in groups.enumerate() {
        if stem >= min && group.contains(&ending) {
            return Ending::Group(g, vowels);
        }
    }
    if vowels {
        Ending::Vowels
    } else {
        Ending::Other
    }
}

/// Whether two spellings are one stem with endings that make different names (see
/// [`NAME_ENDINGS`]): the same stem with endings of different groups, or with an ending on
/// one side only, and never with endings of one group. Endings a neighbouring key apart
/// (TUPOLEC / TUPOLEV, SUNARSI / SUNARSO) are as often a slip and are left to the spelling
/// rules, and a word without vowels is a skeleton (USHK for USHKO), not a stem.
/// `person`: the names are a person's. `derived_only`: judge only a derivation from a stem
/// that drops its final vowels (for variant keys, whose folding, a doubled letter written
/// once, makes a bare stem of a slip: BUSINESA / BUSINES).
/// Allocates nothing, and most pairs end at their first letters: it runs for every pair.
pub(crate) fn other_form_of_stem(a: &str, b: &str, person: bool, derived_only: bool) -> bool {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    let common = x.iter().zip(y).take_while(|(p, q)| p == q).count();
    let skeleton = |w: &[u8]| !w.iter().skip(1).any(|c| b"aeiouy".contains(c));
    if common < STEM_MIN
        || x.len() - common > LONGEST_ENDING
        || y.len() - common > LONGEST_ENDING
        || !x.iter().chain(y).all(|c| c.is_ascii_lowercase())
        || skeleton(x)
        || skeleton(y)
    {
        return false;
    }
    // A letter written twice at the end is a long vowel or a slip (AREZO / AREZOO).
    let doubled = |w: &[u8]| w.len() == common + 1 && w.get(common) == w.get(common - 1);
    if doubled(x) || doubled(y) {
        return false;
    }
    let one_letter_apart =
        x.len() == y.len() && x.len() == common + 1 && keys_adjacent(x[common], y[common]);
    let mut differ = false;
    for stem in STEM_MIN..=common {
        match (ending_after(a, stem, person), ending_after(b, stem, person)) {
            // One group: one name spelt two ways (GORBACHEV / GORBACHYOV).
            (Ending::Group(g, _), Ending::Group(h, _)) if g == h => return false,
            (Ending::Group(..), Ending::Group(..)) if !one_letter_apart && !derived_only => {
                differ = true
            }
            (Ending::Group(..), Ending::Bare) | (Ending::Bare, Ending::Group(..))
                if !derived_only =>
            {
                differ = true
            }
            // A derivation from a stem that drops its final vowels (PHILIPP-E / PHILLIP-S); a
            // vowel for a vowel (HAMZA / HAMZE, MARIA / MARIE) is left to the spelling rules.
            (Ending::Group(_, false), Ending::Vowels)
            | (Ending::Vowels, Ending::Group(_, false)) => differ = true,
            _ => {}
        }
    }
    differ
}
