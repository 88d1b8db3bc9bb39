//! Foreign names written in katakana or Hangul, read by sound (ウラジーミル・プーチン,
//! 블라디미르 푸틴 ≈ Vladimir Putin).
//!
//! Japanese and Korean write a foreign name by its sound in their own syllables: every
//! consonant gets a vowel (PUTIN → プ-ー-チ-ン pu-u-chi-n, VLADIMIR → 블-라-디-미-르
//! beul-la-di-mi-reu), l and r are one sound, Korean has no f or v (p, b). A romaniser gives
//! those syllables back (puchin), not the name. [`foreign_sound`] folds a Latin name and
//! [`sound_readings`] a katakana or Hangul word onto one key where those differences vanish:
//! l = r, b = v = w, p = f = ph, t and d before i, e or y = ch and j (Japanese palatalises
//! them before i, Arabic writes e and y as i), z = j, sh = s = shch, kh = h, th = t, y = i,
//! long vowels and doubled letters single; the script's side drops its added vowels (a final
//! u or o after a consonant, Korean eu) in further readings, and reads the other sounds its
//! letters stand for (katakana フ as h, katakana and Hangul s as th, Arabic و as u). Two keys
//! equal: the same name as heard. Greek and Arabic spell a foreign name out by its sounds
//! ([`greek_as_heard`], [`arabic_as_heard`]) and meet the same keys.
// Hand-written: the rules of transcription of foreign names into katakana and Hangul
// (the Japanese and Korean official guidelines) are not in any crate of the registry.

/// The key of a Latin word (lower-case ASCII, as [`tokens`](crate::tokens) gives) as a
/// Japanese or Korean ear would write it back.
pub fn foreign_sound(latin: &str) -> String {
    let b = latin.as_bytes();
    let mut out = String::with_capacity(b.len());
    let mut i = 0;
    let at = |k: usize| b.get(k).copied().unwrap_or(b' ');
    let front = |c: u8| matches!(c, b'e' | b'i' | b'y');
    while i < b.len() {
        let c = b[i];
        let (sound, used): (&str, usize) = match (c, at(i + 1), at(i + 2)) {
            (b't', b's', b'c') if at(i + 3) == b'h' => ("C", 4),
            // Russian щ (shch) is one sound, which Hangul (시), Greek (σ) and Arabic (ش) write
            // as sh (스비셰프 SVISHCHEV, إيشينكو ISHCHENKO).
            (b's', b'h', b'c') if at(i + 3) == b'h' => ("s", 4),
            (b't', b'c', b'h') => ("C", 3),
            (b'd', b'z', b'h') => ("J", 3),
            (b's', b'c', b'h') => ("s", 3),
            (b'c', b'h', _) => ("C", 2),
            (b't', b's' | b'z', _) => ("C", 2),
            // Japanese writes ti and di as chi and ji (チ, ジ); Arabic writes e and y with the
            // letter of i (ديمتشينكو DEMCHENKO, غينادي GENNADY), so t and d before any of the
            // three are heard so.
            (b't', b'i' | b'e' | b'y', _) => ("C", 1),
            (b'd', b'j' | b'z', _) => ("J", 2),
            // Hangul writes dz and dzh with its added vowel between (드즈미트리 DZMITRY),
            // and the soft t and d before a y-vowel so too (데그트야레프 DEGTYAREV).
            (b'd', HANGUL_ADDED, b'j' | b'z') => ("J", 3),
            (b't', HANGUL_ADDED, b'y') => ("C", 2),
            (b'd', HANGUL_ADDED, b'y') => ("J", 2),
            (b'd', b'i' | b'e' | b'y', _) => ("J", 1),
            (b'z', b'h', _) => ("J", 2),
            // Hangul (ㅈ), Greek (τζ) and katakana (ジ) write z and j with one letter.
            (b'z', _, _) => ("J", 1),
            (b's', b'h', _) => ("s", 2),
            (b'k', b'h', _) => ("h", 2),
            (b'p', b'h', _) => ("b", 2),
            (b't', b'h', _) => ("t", 2),
            (b'c', b'k', _) => ("k", 2),
            (b'c', n, _) if front(n) => ("s", 1),
            (b'c' | b'q' | b'k', _, _) => ("k", 1),
            (b'j', _, _) => ("J", 1),
            (b'x', _, _) => ("ks", 1),
            (b's', b'y', n) if is_vowel(n) => ("s", 2),
            // Final -v is heard f (ラブロフ, 라브로프 for LAVROV); Korean has no f.
            (b'f' | b'v' | b'w' | b'b' | b'p', _, _) => ("b", 1),
            (b'l', _, _) => ("r", 1),
            // y, a glide or a vowel, is written with the letter of i (ユーリ, 예, ي, γι):
            // katakana writes ye イエ (AYED アーイエド).
            (b'y', _, _) => ("i", 1),
            (b'g', b'h', _) => ("g", 2),
            (b'e', b'i' | b'e', _) => ("e", 2),
            (b'o', b'u', _) => ("o", 2),
            _ => {
                out.push(char::from(c));
                i += 1;
                continue;
            }
        };
        out.push_str(sound);
        i += used;
    }
    single(&out)
}

/// Doubled letters written once (long vowels, geminates: ッ, ー, -ss-).
pub(crate) fn single(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if !out.ends_with(c) {
            out.push(c);
        }
    }
    out
}

fn is_vowel(c: u8) -> bool {
    matches!(c, b'a' | b'e' | b'i' | b'o' | b'u')
}

/// The consonants of a sound key as heard across scripts, the vowels left out: what a
/// transcription keeps of a foreign name when its vowels are the script's own (katakana's
/// added u, Hangul's eu, Arabic's long vowels for any vowel, Greek ι for i, y and e-sounds).
/// z and j are one sound here (Korean ㅈ, Greek τζ write both).
pub fn heard_consonants(sound: &str) -> String {
    let mut out = String::with_capacity(sound.len());
    for c in sound.bytes() {
        let c = match c {
            b'a' | b'e' | b'i' | b'o' | b'u' | b'y' | HANGUL_ADDED => continue,
            b'z' => b'J',
            c => c,
        };
        if !out.as_bytes().ends_with(&[c]) {
            out.push(char::from(c));
        }
    }
    out
}

/// Below this many heard consonants a sound key is its own key in the index: two
/// consonants name too many words to find a transcription by (KONY, KANO, KENYA).
pub const HEARD_CONSONANTS_MIN: usize = 3;

/// The index key a sound key posts and looks up: its [`heard_consonants`] where they are
/// [`HEARD_CONSONANTS_MIN`] or more, else the whole key with [`three_vowels`]. Two sound
/// keys that [`NameToken::read_as`](crate::NameToken::read_as) pairs share it.
pub fn heard_key(sound: &str) -> String {
    let consonants = heard_consonants(sound);
    if consonants.len() >= HEARD_CONSONANTS_MIN {
        consonants
    } else {
        three_vowels(sound)
    }
}

/// A sound key with its vowels as a script of three writes them (Arabic: e as i, o as u).
pub(crate) fn three_vowels(sound: &str) -> String {
    // Folded vowels met (ie, uo) are one long vowel, written once: REYES / ريييس.
    single(&sound.replace('e', "i").replace('o', "u"))
}

/// How a script adds a vowel to a consonant a foreign name ends or clusters with.
#[derive(Clone, Copy)]
pub(crate) enum Added {
    /// Katakana: u after most consonants (ク, ス, ル, フ), o after t and d (ト, ド).
    Kana,
    /// Hangul: eu (ㅡ) after any consonant.
    Hangul,
    /// Greek and Arabic write a consonant without a vowel: none added.
    None,
}

/// The sound keys of a word's romanisation as written in katakana (Hepburn) or Hangul (by
/// [`hangul_foreign`]): as read, then with the script's added vowels dropped at the end, then
/// everywhere they may be added; each for the romanisation and for the other spellings its
/// letters stand for (katakana フ as h, katakana and Hangul s as th, Arabic و as u). Without
/// repeats.
pub(crate) fn sound_readings(romanised: &str, added: Added) -> Vec<Box<str>> {
    let heard = |key: String| key.replace(char::from(HANGUL_ADDED), "u");
    let mut readings: Vec<Box<str>> = Vec::with_capacity(3);
    let mut add = |key: String| {
        if !readings.iter().any(|r| **r == *key) {
            readings.push(key.into_boxed_str());
        }
    };
    // Katakana writes an h with no vowel after it フ (fu: アフマド Ahmad, アラフ Allah),
    // which is also its f: both are read.
    let other_spellings = match added {
        Added::Kana => [
            Some(fu_as_h(romanised, true)),
            Some(fu_as_h(romanised, false)),
            Some(s_as_th(romanised)),
        ],
        Added::Hangul => [Some(s_as_th(romanised)), None, None],
        Added::None => [Some(w_as_u(romanised)), None, None],
    };
    let others = other_spellings
        .into_iter()
        .flatten()
        .filter(|other| other != romanised);
    for spelling in std::iter::once(romanised.to_string()).chain(others) {
        let spelling = spelling.as_str();
        let whole = foreign_sound(spelling);
        add(heard(whole.clone()));
        for dropped in [Dropped::AtEnd, Dropped::Everywhere, Dropped::Inside] {
            add(heard(drop_added_vowels(&whole, added, dropped)));
        }
    }
    readings
}

/// A Hepburn romanisation with each "fu" before a consonant or at the end read as the h
/// katakana writes so, its u the vowel katakana adds (アフマド AHMAD, フーリ KHURY); where not
/// `at_end`, a final fu stays: the f or v a Russian name ends on (ラフマーノフ RAKHMANOV).
fn fu_as_h(romanised: &str, at_end: bool) -> String {
    let b = romanised.as_bytes();
    let mut out = String::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let next = b.get(i + 2);
        if b[i..].starts_with(b"fu")
            && next.is_none_or(|n| !is_vowel(*n) && *n != b'y')
            && (at_end || next.is_some())
        {
            out.push_str("hu");
            i += 2;
        } else {
            out.push(char::from(b[i]));
            i += 1;
        }
    }
    out
}

/// A katakana or Hangul romanisation with its s read as th: Japanese and Korean write the
/// th of a foreign name (Arabic ث, English θ) as s (ハイサム, 하이삼 HAITHAM; スミス SMITH), the
/// Latin key hears it t. Not the s of sh or ts, which are sounds of their own.
fn s_as_th(romanised: &str) -> String {
    let b = romanised.as_bytes();
    let mut out = String::with_capacity(b.len());
    for (i, &c) in b.iter().enumerate() {
        let of_another_sound =
            matches!(b.get(i + 1), Some(b'h' | b'y')) || (i > 0 && b[i - 1] == b't');
        if c == b's' && !of_another_sound {
            out.push_str("th");
        } else {
            out.push(char::from(c));
        }
    }
    out
}

/// A spelling read by [`arabic_as_heard`] with each w between a consonant and a vowel read
/// as the u it also writes: Arabic has one letter (و) for both, and writes a foreign u before
/// a vowel with it (ميغويل MIGUEL, خوان JUAN, إدواردو EDUARDO).
fn w_as_u(heard: &str) -> String {
    let b = heard.as_bytes();
    let mut out = String::with_capacity(b.len());
    for (i, &c) in b.iter().enumerate() {
        let after_consonant = i > 0 && !is_vowel(b[i - 1]) && b[i - 1] != b'y';
        let before_vowel = b.get(i + 1).is_some_and(|n| is_vowel(*n));
        out.push(if c == b'w' && after_consonant && before_vowel {
            'u'
        } else {
            char::from(c)
        });
    }
    out
}

/// Where [`drop_added_vowels`] leaves the script's added vowels out.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Dropped {
    /// At the end of the word.
    AtEnd,
    /// At the end and before another consonant.
    Everywhere,
    /// Before another consonant only: a final vowel may be the name's (아브디 ABDI).
    Inside,
}

/// A key with the vowels the script adds after a consonant left out, where `dropped` says.
fn drop_added_vowels(key: &str, added: Added, dropped: Dropped) -> String {
    let b = key.as_bytes();
    let mut out = String::with_capacity(b.len());
    for (i, &c) in b.iter().enumerate() {
        let before = if i == 0 { b' ' } else { b[i - 1] };
        let after = b.get(i + 1).copied();
        let after_consonant = before.is_ascii_alphabetic() && !is_vowel(before) && before != b'y';
        let position = match after {
            None => dropped != Dropped::Inside,
            Some(n) => dropped != Dropped::AtEnd && !is_vowel(n) && n != b'y',
        };
        // Both scripts write a final ch or j with i (イリイチ, 일리치: ILICH), Hangul a final
        // sh too (시).
        let after_affricate = c == b'i' && after.is_none() && matches!(before, b'C' | b'J');
        let is_added = match added {
            Added::Kana => {
                c == b'u' || (c == b'o' && matches!(before, b't' | b'd')) || after_affricate
            }
            Added::Hangul => {
                c == HANGUL_ADDED
                    || after_affricate
                    || (c == b'i' && after.is_none() && before == b's')
            }
            Added::None => false,
        };
        if is_added && after_consonant && position && i > 0 {
            continue;
        }
        out.push(char::from(c));
    }
    single(&out)
}

/// How [`hangul_foreign`] writes ㅡ (eu), the vowel Hangul adds after a consonant: a mark the
/// Latin folding leaves alone, read as u where it stays.
const HANGUL_ADDED: u8 = b'_';

/// A Hangul word romanised jamo by jamo as a foreign name's transcription is read (Revised
/// Romanization without its assimilations): 블라디미르 → "b_lradimir_", the added ㅡ written
/// [`HANGUL_ADDED`] so that [`sound_readings`] can drop it; `None` for a word with anything but Hangul
/// syllables.
pub(crate) fn hangul_foreign(word: &str) -> Option<String> {
    // Revised Romanization of the initial consonants, vowels and final consonants.
    // Hand-written: three short tables of the Korean alphabet.
    const INITIAL: [&str; 19] = [
        "g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t",
        "p", "h",
    ];
    const VOWEL: [&str; 21] = [
        "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo",
        "we", "wi", "yu", "_", "ui", "i",
    ];
    const FINAL: [&str; 28] = [
        "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p",
        "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t",
    ];
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        let index = u32::from(c).checked_sub(0xAC00).filter(|i| *i < 11172)? as usize;
        let (initial, vowel, last) = (index / (21 * 28), (index / 28) % 21, index % 28);
        out.push_str(INITIAL[initial]);
        out.push_str(VOWEL[vowel]);
        // A final ㅅ in a foreign name is its s or t (로버트 has none; 마르크스 does).
        out.push_str(FINAL[last]);
    }
    Some(out)
}

/// A katakana word with its v-row (ヴ, ヴァ …) written as the b-row it is heard as: the
/// romaniser reads ヴラ as "vora", and the folding takes v for b anyway.
pub(crate) fn kana_as_heard(word: &str) -> String {
    // Hand-written: the five syllables of the v-row.
    const V_ROW: [(&str, &str); 5] = [
        ("ヴァ", "バ"),
        ("ヴィ", "ビ"),
        ("ヴェ", "ベ"),
        ("ヴォ", "ボ"),
        ("ヴ", "ブ"),
    ];
    let mut heard = word.to_string();
    for (v, b) in V_ROW {
        heard = heard.replace(v, b);
    }
    heard
}

/// Whether a character is katakana (or the long-vowel mark): the script Japanese writes
/// foreign names in.
pub(crate) fn is_katakana(c: char) -> bool {
    matches!(c, '\u{30A0}'..='\u{30FF}' | '\u{31F0}'..='\u{31FF}' | '\u{FF66}'..='\u{FF9F}')
}

/// The commonest Korean family names, as the first syllable of a word: a Hangul word that
/// starts with one is a Korean name (김정은), read syllable by syllable as before.
// Hand-written: no crate lists Korean family names in Hangul; these cover nine Koreans in ten.
const KOREAN_FAMILY_NAMES: &str = "김이박최정강조윤장임한오서신권황안송류유전홍고문양손배백허남심노하곽성차주우구민진나지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용리";

/// Whether a Hangul word reads as a foreign name's transcription rather than a Korean name:
/// it has a syllable of a consonant and the added ㅡ alone (프, 르, 스, 크: how Hangul writes
/// a consonant with no vowel of its own, which Korean names do not have), or four syllables
/// and more (a Korean name written as one word has two to four, 남궁민수 the longest), or it
/// does not start with a Korean family name.
pub(crate) fn is_hangul_transcription(word: &str) -> bool {
    let syllables: Vec<u32> = word
        .chars()
        .map_while(|c| u32::from(c).checked_sub(0xAC00).filter(|i| *i < 11172))
        .collect();
    if syllables.len() < 2 || syllables.len() != word.chars().count() {
        return false;
    }
    // ㅡ is vowel 18; ㅇ, the silent initial, is 11.
    let added_alone = syllables
        .iter()
        .any(|&i| (i / 28) % 21 == 18 && i % 28 == 0 && i / (21 * 28) != 11);
    let first = word.chars().next().unwrap_or(' ');
    added_alone || syllables.len() > 4 || !KOREAN_FAMILY_NAMES.contains(first)
}

/// A Hangul word in a name read as a foreign name's transcription (`in_foreign_name`: a word
/// of the name [`is_hangul_transcription`], this one or another), romanised as such
/// ([`hangul_foreign`]). A word of one syllable too: a foreign name's one-syllable words (칸
/// KAN, 빈 BIN) are written as they sound, not as the Korean syllable's romanisation.
pub(crate) fn hangul_foreign_name(word: &str, in_foreign_name: bool) -> Option<String> {
    if !in_foreign_name {
        return None;
    }
    hangul_foreign(word)
}

/// The particles a transcription writes as words of their own (アル, 알, إيل, ουρ), most
/// common first where two sound alike: the Arabic article and words of kinship, the
/// Romance, Dutch and German particles. Not la and le: with l and r one sound, they are
/// also every syllable ra and re; nor den and der, which a script of three vowels writes as
/// the name word din (دين) and dir; nor the article assimilated (ad, ash, az), which the
/// scripts write al, and which sound as the start of many names (アジ AZIZ, AJI).
const WRITTEN_PARTICLES: [&str; 21] = [
    "al", "el", "abu", "abou", "abd", "bin", "ibn", "ben", "bint", "ul", "ur", "de", "del", "da",
    "di", "do", "dos", "das", "du", "van", "von",
];

/// The particle a transcribed word is heard as, its sound keys ([`sound_readings`]) one of
/// the particle's as heard (アル is al, 빈 bin), or in Arabic, a script of three vowels, as
/// it writes them ([`three_vowels`]: إيل is el). Where two particles sound alike (ul, ur),
/// the one the word's `spelling` starts with.
pub(crate) fn heard_particle(
    spelling: &str,
    sounds: &[Box<str>],
    three_vowel_script: bool,
) -> Option<&'static str> {
    let heard = |particle: &str| {
        let sound = foreign_sound(particle);
        let three = three_vowels(&sound);
        sounds
            .iter()
            .any(|s| **s == *sound || (three_vowel_script && **s == *three))
    };
    let mut heard_as = WRITTEN_PARTICLES.iter().filter(|p| heard(p));
    let first = heard_as.clone().next()?;
    Some(
        heard_as
            .find(|p| spelling.starts_with(**p))
            .unwrap_or(first),
    )
}

/// A Greek word as a Greek reader hears it, in Latin letters for [`foreign_sound`]: the
/// digraphs Greek writes foreign sounds with read as those sounds (μπ b, ντ d, γκ g, τζ j,
/// τσ ch, ου u), the rest letter by letter as modern Greek sounds (η, υ, ει, οι i; αι e; χ
/// kh; β v). `None` for a word with a letter that is not Greek. Where `letter_by_letter`, the
/// vowel digraphs αι, ει, οι are read as their letters (ai, ei, oi): a writer spells a foreign
/// name's ai so (τζαιμε JAIME), which a Greek reader hears e.
pub(crate) fn greek_as_heard(word: &str, letter_by_letter: bool) -> Option<String> {
    // Hand-written: modern Greek pronunciation, two dozen letters and digraphs.
    let letters: Vec<char> = word.chars().collect();
    let mut out = String::with_capacity(word.len() + 4);
    let mut i = 0;
    while i < letters.len() {
        let pair = (letters[i], letters.get(i + 1).copied().unwrap_or(' '));
        let before_vowel = letters
            .get(i + 2)
            .is_some_and(|c| matches!(c, 'α' | 'ε' | 'η' | 'ι' | 'ο' | 'υ' | 'ω'));
        let (sound, used) = match pair {
            // γι before a vowel is a y (γιάχγια Yahya).
            ('γ', 'ι') if before_vowel => ("y", 2),
            ('μ', 'π') => ("b", 2),
            ('ν', 'τ') => ("d", 2),
            ('γ', 'κ') => ("g", 2),
            ('γ', 'γ') => ("ng", 2),
            ('τ', 'ζ') => ("j", 2),
            ('τ', 'σ' | 'ς') => ("ch", 2),
            ('ο', 'υ') => ("u", 2),
            ('α', 'ι') if letter_by_letter => ("ai", 2),
            ('ε', 'ι') if letter_by_letter => ("ei", 2),
            ('ο', 'ι') if letter_by_letter => ("oi", 2),
            ('α', 'ι') => ("e", 2),
            ('ε' | 'ο', 'ι') => ("i", 2),
            ('α', _) => ("a", 1),
            ('β', _) => ("v", 1),
            ('γ', _) => ("g", 1),
            ('δ', _) => ("d", 1),
            ('ε', _) => ("e", 1),
            ('ζ', _) => ("z", 1),
            ('η' | 'ι' | 'υ', _) => ("i", 1),
            ('θ', _) => ("th", 1),
            ('κ', _) => ("k", 1),
            ('λ', _) => ("l", 1),
            ('μ', _) => ("m", 1),
            ('ν', _) => ("n", 1),
            ('ξ', _) => ("ks", 1),
            ('ο' | 'ω', _) => ("o", 1),
            ('π', _) => ("p", 1),
            ('ρ', _) => ("r", 1),
            ('σ' | 'ς', _) => ("s", 1),
            ('τ', _) => ("t", 1),
            ('φ', _) => ("f", 1),
            ('χ', _) => ("kh", 1),
            ('ψ', _) => ("ps", 1),
            _ => return None,
        };
        out.push_str(sound);
        i += used;
    }
    Some(out)
}

/// An Arabic word that spells a foreign name out by its sounds, as Arabic writes foreign
/// names: a vowel letter (ا و ي) after every consonant but one, where an Arabic name leaves
/// its short vowels unwritten (فاديم Vadim, شوفالوف Shuvalov; not محمد, حسين). Read letter by
/// letter in Latin for [`foreign_sound`]: و and ي as u and i between consonants, w and y
/// before a vowel. `None` for any other word.
pub(crate) fn arabic_as_heard(word: &str) -> Option<String> {
    // Hand-written: the Arabic alphabet's sounds, one letter each.
    fn sound(c: char) -> Option<&'static str> {
        Some(match c {
            'ا' | 'أ' | 'إ' | 'آ' | 'ى' | 'ة' => "a",
            'ب' | 'پ' => "b",
            'ت' | 'ط' => "t",
            'ث' => "th",
            'ج' | 'چ' => "j",
            'ح' | 'ه' => "h",
            'خ' => "kh",
            'د' | 'ض' => "d",
            'ذ' | 'ز' | 'ظ' | 'ژ' => "z",
            'ر' => "r",
            'س' | 'ص' => "s",
            'ش' => "sh",
            'ع' | 'ء' | 'ؤ' | 'ئ' => "",
            'غ' | 'گ' => "g",
            'ف' | 'ڤ' => "f",
            'ق' | 'ك' | 'ک' => "k",
            'ل' => "l",
            'م' => "m",
            'ن' => "n",
            'و' => "u",
            'ي' | 'ی' => "i",
            _ => return None,
        })
    }
    let letters: Vec<char> = word.chars().collect();
    let is_vowel_letter = |c: char| matches!(c, 'ا' | 'أ' | 'إ' | 'آ' | 'و' | 'ي' | 'ی' | 'ى');
    // ت before ش or س writes one sound (تش ch, تس ts), as foreign names need.
    let digraph = |i: usize| letters[i] == 'ت' && matches!(letters.get(i + 1), Some('ش' | 'س'));
    let vowels = letters.iter().filter(|c| is_vowel_letter(**c)).count();
    let digraphs = (0..letters.len()).filter(|&i| digraph(i)).count();
    let consonants = letters.len() - vowels - digraphs;
    // Every consonant but one has its vowel written; a long name (five consonants and more)
    // may cluster two (ديمتشينكو Demchenko, كودريافتسيف Kudryavtsev). A name with two vowel
    // letters and more may end on a consonant besides (كوزلوف Kozlov, كاربوف Karpov), as an
    // Arabic name with one long vowel written (حسين) may not.
    let final_consonant = letters.last().is_some_and(|c| !is_vowel_letter(*c));
    // A long name clusters one consonant in three (كونستانتينوفيتش KONSTANTINOVICH).
    let unvoweled = if consonants >= 5 {
        (consonants / 3).max(2)
    } else {
        1
    } + usize::from(vowels >= 2 && final_consonant);
    if letters.len() < 3 || vowels == 0 || vowels + unvoweled < consonants {
        return None;
    }
    let mut out = String::with_capacity(word.len());
    let mut i = 0;
    while i < letters.len() {
        let c = letters[i];
        let next = letters.get(i + 1).copied();
        let next_is_vowel = next.is_some_and(is_vowel_letter);
        let s = match c {
            _ if digraph(i) => {
                i += 1;
                if next == Some('ش') { "ch" } else { "ts" }
            }
            // The seat of a first vowel written by the letter after it (أو o, u; إي i, e).
            'أ' | 'إ' if matches!(next, Some('و' | 'ي')) => "",
            'إ' => "i",
            // A glide at a word's start or before a vowel (يوسف, وليد); doubled, the letter
            // writes a long vowel (أبوو ABOU, هوسيين HUSSEIN).
            'و' if i == 0 || (next_is_vowel && next != Some('و')) => "w",
            'ي' | 'ی' if i == 0 || (next_is_vowel && !matches!(next, Some('ي' | 'ی'))) => "y",
            c => sound(c)?,
        };
        out.push_str(s);
        i += 1;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kana(word: &str) -> Vec<Box<str>> {
        let heard = kana_as_heard(&crate::normalize(word));
        sound_readings(&crate::to_latin(&heard), Added::Kana)
    }

    fn hangul(word: &str) -> Vec<Box<str>> {
        sound_readings(&hangul_foreign(word).unwrap_or_default(), Added::Hangul)
    }

    fn heard_as(readings: &[Box<str>], latin: &str) -> bool {
        let key = foreign_sound(latin);
        readings.iter().any(|r| **r == *key)
    }

    #[test]
    fn katakana_and_hangul_transcriptions_are_heard_as_the_name() {
        for (word, latin) in [
            ("プーチン", "putin"),
            ("ヴラジーミル", "vladimir"),
            ("セルゲイ", "sergei"),
            ("ラブロフ", "lavrov"),
            ("ショイグ", "shoigu"),
            ("マルクス", "marx"),
        ] {
            assert!(heard_as(&kana(word), latin), "{word} {:?}", kana(word));
        }
        for (word, latin) in [
            ("푸틴", "putin"),
            ("블라디미르", "vladimir"),
            ("라브로프", "lavrov"),
            ("세르게이", "sergei"),
            ("쇼이구", "shoigu"),
        ] {
            assert!(heard_as(&hangul(word), latin), "{word} {:?}", hangul(word));
        }
    }

    #[test]
    fn other_names_are_heard_otherwise() {
        for (word, latin) in [
            ("プーチン", "patton"),
            ("プーチン", "pushkin"),
            ("ラブロフ", "larsson"),
            ("サトウ", "sato_"),
        ] {
            assert!(!heard_as(&kana(word), latin), "{word} {latin}");
        }
        assert!(!heard_as(&hangul("푸틴"), "patin") && !heard_as(&hangul("김정은"), "kimberly"));
    }
}

#[cfg(test)]
mod transcription_tests {
    use crate::{NameToken, Reading, TokenKind, analyze};

    /// How the first token of `written` reads the Latin `word`.
    fn reads(written: &str, word: &str) -> Option<Reading> {
        let a: Vec<NameToken> = analyze(written).tokens;
        let b: Vec<NameToken> = analyze(word).tokens;
        a[0].read_as(&b[0])
    }

    #[test]
    fn greek_and_arabic_spell_foreign_names_by_their_sounds() {
        for (written, latin) in [
            ("τζερεζ", "jerez"),
            ("γιάχγια", "yahya"),
            ("μαγκανα", "magana"),
            ("فاديم", "vadim"),
            ("شوفالوف", "shuvalov"),
            ("تشابو", "chapo"),
        ] {
            assert!(reads(written, latin).is_some(), "{written} {latin}");
        }
        // An Arabic name leaves its short vowels out: it is left to the romaniser, not read
        // by consonants (حسن is Hasan, not Hussein).
        assert_eq!(reads("حسن", "hussein"), None);
        assert_eq!(reads("μαγκανα", "mikonos"), None);
    }

    #[test]
    fn consonants_heard_alike_pair_only_from_three() {
        // スールタン: su-u-ru-ta-n, the script's vowels its own.
        assert_eq!(reads("スールタン", "sultan"), Some(Reading::Consonants(4)));
        assert!(reads("アフマド", "ahmad").is_some());
        // Two consonants are too many names: only the whole sound pairs.
        assert_eq!(reads("コニ", "kana"), None);
    }

    #[test]
    fn a_pair_read_alike_shares_an_index_key() {
        // The index finds what `read_as` pairs: a transcription's sound keys and the Latin
        // word's sound meet on `heard_key`.
        for (written, latin) in [
            ("スールタン", "sultan"),
            ("تشابو", "chapo"),
            ("τζερεζ", "jerez"),
            ("마크시멘코", "maksimenko"),
            ("プーチン", "putin"),
            ("コニ", "kony"),
            ("ハイサム", "haitham"),
            ("ديمتشينكو", "demchenko"),
            ("레자", "reza"),
        ] {
            let a = &analyze(written).tokens[0];
            let b = &analyze(latin).tokens[0];
            assert!(a.read_as(b).is_some(), "{written} {latin}");
            let latin_keys = [super::heard_key(&super::foreign_sound(&b.text))];
            assert!(
                a.sounds
                    .iter()
                    .any(|s| latin_keys.contains(&super::heard_key(s))),
                "{written} {latin}: {:?} / {latin_keys:?}",
                a.sounds
            );
        }
    }

    #[test]
    fn each_script_is_heard_by_its_own_conventions() {
        for (written, latin) in [
            // Arabic writes e and y with the letter of i: t and d before them as before i.
            ("ديمتشينكو", "demchenko"),
            ("غينادي", "gennady"),
            // A doubled و or ي is a long vowel, not a glide (ABOU, HUSSEIN).
            ("ماهموود", "mahmoud"),
            ("هوسيين", "hussein"),
            // و between a consonant and a vowel is also u (MIGUEL).
            ("ميغويل", "miguel"),
            // Two vowel letters and a final consonant: spelt out (KOZLOV).
            ("كوزلوف", "kozlov"),
            // أل with its hamza starts a name, not the article.
            ("أليكسيي", "alexei"),
            // Hangul ㅈ is z and j; 셰 writes Russian shch.
            ("레자", "reza"),
            ("스비셰프", "svishchev"),
            // Katakana writes th as s (HAITHAM), and keeps Thomas's t.
            ("ハイサム", "haitham"),
            ("トーマス", "thomas"),
            // Extended katakana (ティ, フェ) read as their sounds.
            ("ティホーノフ", "tikhonov"),
            ("フェドレンコ", "fedorenko"),
            // Greek αι as a writer spells a foreign ai (JAIME).
            ("τζαιμε", "jaime"),
            // Folded vowels met are one long vowel (REYES, KUOT).
            ("ريييس", "reyes"),
            ("كووت", "kuot"),
            // A long name clusters a consonant in three (KONSTANTINOVICH).
            ("كونستانتينوفيتش", "konstantinovich"),
            // Hangul's soft t before a y-vowel (DEGTYAREV), its dz (DZMITRY).
            ("데그트야레프", "degtyarev"),
            ("드즈미트리", "dzmitry"),
            // Katakana フ as h (KHURY) and, at the end, as the v of -ov (RAKHMANOV).
            ("フーリ", "khury"),
            ("ラフマーノフ", "rakhmanov"),
            // Hangul s as th before i (FATHI); a final vowel kept while inner ones go (ABDI).
            ("파시", "fathi"),
            ("아브디", "abdi"),
        ] {
            assert!(reads(written, latin).is_some(), "{written} {latin}");
        }
        // A written Arabic name with one long vowel is left to the romaniser and the table
        // (حسين is HUSSEIN, not a foreign name spelt out).
        assert_eq!(super::arabic_as_heard("حسين"), None);
        assert_eq!(reads("ハイサム", "haidar"), None);
    }

    #[test]
    fn particles_written_in_the_script_are_the_particles() {
        let words = |name: &str| -> Vec<(String, TokenKind)> {
            analyze(name)
                .tokens
                .into_iter()
                .map(|t| (t.text, t.kind))
                .collect()
        };
        let particle = |w: &str| (w.to_string(), TokenKind::Particle);
        assert!(words("アブ・バクル・アル・バグダディ").contains(&particle("al")));
        assert!(words("오사마 빈 라딘").contains(&particle("bin")));
        assert!(words("فاواز إيل أتوو").contains(&particle("el")));
        assert!(words("φαζλ ουρ ραχμαν").contains(&particle("ur")));
        assert!(words("άμποου ντάοουντ").contains(&particle("abou")));
        // A word of one kana is a name's word, though it romanises as a legal form (sa).
        assert_eq!(
            crate::analyze("サ アジ").tokens[0].kind,
            TokenKind::Name,
            "サ of SA'ADI"
        );
        // Din (ディン, دين) is a name, not the particle den.
        for name in ["ムハマド・バドル・アル・ディン", "نور دين"] {
            assert!(words(name).iter().all(|(w, _)| w != "den"), "{name}");
        }
    }

    #[test]
    fn a_hangul_syllable_of_a_foreign_name_is_heard_as_one() {
        assert_eq!(reads("칸 자브", "kan"), Some(Reading::Sound));
        // In a Korean name it is a Korean syllable.
        assert!(analyze("김 정은").tokens[0].sounds.is_empty());
    }

    #[test]
    fn words_heard_as_one_meet_across_scripts() {
        let tokens = |name: &str| crate::analyze_person(name).tokens;
        // SA'ADI written as two words, the apostrophe a break.
        let written = tokens("サ アジ");
        assert!(NameToken::read_joined(&written, &tokens("saadi")[0]).is_some());
        // ABDUL BARIEVNA written as one word.
        let listed = tokens("abdul barievna");
        assert!(NameToken::read_joined(&listed, &tokens("アブドルバリエヴナ")[0]).is_some());
        // Two Latin words never meet a Latin word so.
        assert_eq!(
            NameToken::read_joined(&tokens("sa adi"), &tokens("saadi")[0]),
            None
        );
        assert_eq!(NameToken::read_joined(&written, &tokens("sadiq")[0]), None);
    }

    #[test]
    fn a_hangul_name_with_one_transcription_is_foreign_throughout() {
        let tokens = analyze("조세프 코니").tokens;
        assert_eq!(tokens.len(), 2, "{tokens:?}");
        assert!(tokens.iter().all(NameToken::is_transcription));
        // A Korean name stays one: 김정은 starts with a family name and has no bare consonant.
        assert!(
            !analyze("김정은")
                .tokens
                .iter()
                .any(NameToken::is_transcription)
        );
    }
}
