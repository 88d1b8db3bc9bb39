//! Names written in syllables: Chinese, Korean and Vietnamese names are strings of
//! syllables of a small inventory, and a romanised syllable is the unit of their spelling.
//!
//! Two syllables are the same only when they are spellings of one syllable across the
//! romanisations in use ([`mandarin`]: pinyin, Wade–Giles as written without apostrophes,
//! Hong Kong and Taiwan surname spellings; [`korean`]: Revised Romanization, McCune–Reischauer
//! without breves, and the spellings Koreans write their names in; [`vietnamese`]: the one
//! orthography, diacritics dropped). A letter edit that yields another valid syllable gives
//! another name (FANG / WANG, SANG / SONG, MINH / LINH); an edit that yields no syllable
//! (NQM) is a slip.
//!
//! A name is read as syllabic ([`name_systems`]) by its script (Han without kana, Hangul,
//! Vietnamese letters) or by its shape: every word a string of valid syllables of one
//! language, one of them a family name of that language.
//!
//! [`Syllables`] holds a token's readings, computed once per token; [`Syllables::compare`]
//! tells whether two tokens are one string of syllables, and [`Syllables::keys`] gives the
//! index a key that is equal for every two spellings the comparison takes for one.

mod korean;
mod mandarin;
mod vietnamese;

/// The languages whose names are read syllable by syllable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum System {
    Mandarin,
    /// Mandarin as Wade–Giles writes it without its apostrophes, where aspirated and plain
    /// initials fall together (KUANG is GUANG and KUANG, PING is BING and PING): only for
    /// names written so (a hyphenated given name, a spelling only Wade–Giles has).
    WadeGiles,
    Korean,
    Vietnamese,
}

impl System {
    const ALL: [System; 4] = [
        System::Mandarin,
        System::WadeGiles,
        System::Korean,
        System::Vietnamese,
    ];

    fn bit(self) -> u8 {
        match self {
            System::Mandarin => 1,
            System::Korean => 2,
            System::Vietnamese => 4,
            System::WadeGiles => 8,
        }
    }
}

/// A set of [`System`]s.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Systems(u8);

impl Systems {
    pub const NONE: Systems = Systems(0);

    pub fn of(system: System) -> Systems {
        Systems(system.bit())
    }

    pub fn contains(self, system: System) -> bool {
        self.0 & system.bit() != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn union(self, other: Systems) -> Systems {
        Systems(self.0 | other.0)
    }

    pub fn intersection(self, other: Systems) -> Systems {
        Systems(self.0 & other.0)
    }

    /// Whether these hold Chinese (in pinyin or Wade–Giles) or Korean: the languages whose
    /// given names are whole strings of syllables, compared and keyed syllable by syllable.
    pub fn chinese_or_korean(self) -> bool {
        [System::Mandarin, System::WadeGiles, System::Korean]
            .into_iter()
            .any(|s| self.contains(s))
    }

    fn insert(&mut self, system: System) {
        self.0 |= system.bit();
    }

    pub fn iter(self) -> impl Iterator<Item = System> {
        System::ALL.into_iter().filter(move |s| self.contains(*s))
    }
}

/// Syllables a token may hold at most: longer words are no name of these languages (a
/// Chinese given name has two, a transliterated company name is cut into words).
const MAX_SYLLABLES: usize = 4;
/// Readings of one token kept at most (xian = xian | xi'an): more are dropped.
const MAX_READINGS: usize = 4;

/// A syllable as a class: the canonical syllables a spelling may stand for, and the class's
/// key (equal for any two spellings whose sets meet).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Syllable {
    sets: Sets,
    key: u32,
}

/// The canonical syllables a spelling may stand for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sets {
    /// Pinyin syllables, numbered from 1 (0: no more).
    Mandarin([u16; 4]),
    /// Hangul's onset, vowel and coda, each as a bit set (an empty onset or coda is a bit
    /// of its own).
    Korean { onset: u32, vowel: u32, coda: u32 },
    /// One orthography: the spelling itself.
    Vietnamese,
}

impl Syllable {
    fn meets(&self, other: &Syllable) -> bool {
        match (&self.sets, &other.sets) {
            (Sets::Mandarin(a), Sets::Mandarin(b)) => a.iter().any(|x| *x != 0 && b.contains(x)),
            (
                Sets::Korean { onset, vowel, coda },
                Sets::Korean {
                    onset: o,
                    vowel: v,
                    coda: c,
                },
            ) => onset & o != 0 && vowel & v != 0 && coda & c != 0,
            (Sets::Vietnamese, Sets::Vietnamese) => self.key == other.key,
            _ => false,
        }
    }
}

/// One way to read a token as syllables.
type Reading = Vec<Syllable>;

/// A token's readings in each language it can be read in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Syllables {
    readings: Vec<(System, Vec<Reading>)>,
}

/// How two tokens compare as syllables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyllableMatch {
    /// Spellings of the same syllables.
    Same,
    /// Both strings of valid syllables, and not the same ones: another name.
    Different,
    /// One of them is no string of syllables of the language (a slip, or no such name):
    /// the spelling rules decide.
    Unknown,
}

impl Syllables {
    /// The readings of a token (lower-case ASCII, as [`crate::tokens`] gives it).
    pub fn of(token: &str) -> Syllables {
        let mut readings = Vec::new();
        if token.len() < 2 || token.len() > 24 || !token.bytes().all(|b| b.is_ascii_lowercase()) {
            return Syllables { readings };
        }
        for system in System::ALL {
            let found = segment(token, system);
            if !found.is_empty() {
                readings.push((system, found));
            }
        }
        Syllables { readings }
    }

    /// The languages this token reads as syllables in.
    pub fn systems(&self) -> Systems {
        let mut systems = Systems::NONE;
        for (system, _) in &self.readings {
            systems.insert(*system);
        }
        systems
    }

    fn in_system(&self, system: System) -> Option<&[Reading]> {
        self.readings
            .iter()
            .find(|(s, _)| *s == system)
            .map(|(_, r)| r.as_slice())
    }

    /// Whether two tokens are the same syllables, in the languages `mode` holds: the same in
    /// one of them is the same; valid in one and different there is another name.
    pub fn compare(&self, other: &Syllables, mode: Systems) -> SyllableMatch {
        let mut outcome = SyllableMatch::Unknown;
        for system in mode.iter() {
            let (Some(a), Some(b)) = (self.in_system(system), other.in_system(system)) else {
                continue;
            };
            let same = a.iter().any(|ra| {
                b.iter()
                    .any(|rb| ra.len() == rb.len() && ra.iter().zip(rb).all(|(x, y)| x.meets(y)))
            });
            if same {
                return SyllableMatch::Same;
            }
            outcome = SyllableMatch::Different;
        }
        outcome
    }

    /// Index keys: for each language and reading, the classes' keys joined. Two tokens
    /// that [`Syllables::compare`] takes for the same share one.
    pub fn keys(&self) -> impl Iterator<Item = (System, Vec<u32>)> + '_ {
        self.readings.iter().flat_map(|(system, readings)| {
            readings
                .iter()
                .map(move |r| (*system, r.iter().map(|s| s.key).collect()))
        })
    }
}

/// Every way to cut `token` into valid syllables of `system` (at most [`MAX_READINGS`], of
/// at most [`MAX_SYLLABLES`] syllables each).
fn segment(token: &str, system: System) -> Vec<Reading> {
    let whole = match system {
        System::Mandarin | System::WadeGiles => mandarin::whole_word(token, system),
        System::Korean => korean::whole_word(token),
        System::Vietnamese => None,
    };
    if let Some(syllable) = whole {
        return vec![vec![syllable]];
    }
    let bytes = token.as_bytes();
    let mut out = Vec::new();
    let mut current = Vec::new();
    cut(bytes, 0, system, &mut current, &mut out);
    out
}

fn cut(bytes: &[u8], at: usize, system: System, current: &mut Reading, out: &mut Vec<Reading>) {
    if out.len() >= MAX_READINGS {
        return;
    }
    if at == bytes.len() {
        if !current.is_empty() {
            out.push(current.clone());
        }
        return;
    }
    if current.len() == MAX_SYLLABLES {
        return;
    }
    // Vietnamese writes one syllable per word.
    if system == System::Vietnamese && at > 0 {
        return;
    }
    // A piece longer than any spelling of the system is no syllable: not looked up.
    let longest = match system {
        System::Mandarin | System::WadeGiles => mandarin::longest(),
        System::Korean => korean::longest(),
        // One syllable a word: the whole word is looked up.
        System::Vietnamese => bytes.len(),
    };
    for end in (at + 1..=bytes.len().min(at + longest)).rev() {
        let Ok(piece) = std::str::from_utf8(&bytes[at..end]) else {
            continue;
        };
        let syllable = match system {
            System::Mandarin | System::WadeGiles => mandarin::syllable(piece, system),
            System::Korean => korean::syllable(piece),
            System::Vietnamese => vietnamese::syllable(piece),
        };
        if let Some(syllable) = syllable {
            current.push(syllable);
            cut(bytes, end, system, current, out);
            current.pop();
        }
    }
}

/// The languages a name is syllabic in: by the script it was written in, else by its
/// shape. `text` is the name as written, `words` its name words (particles, titles and
/// legal forms left out).
pub fn name_systems(text: &str, words: &[&str], syllables: &[&Syllables]) -> Systems {
    let script = script_systems(text);
    if !script.is_empty() {
        return script;
    }
    if words.len() < 2 || words.len() != syllables.len() {
        return Systems::NONE;
    }
    let mut systems = Systems::NONE;
    for system in System::ALL {
        let every_word = syllables.iter().all(|s| s.in_system(system).is_some());
        let surname = |w: &&str| match system {
            System::Mandarin | System::WadeGiles => mandarin::is_surname(w),
            System::Korean => korean::is_surname(w),
            System::Vietnamese => vietnamese::is_surname(w),
        };
        let family_at_an_end =
            words.first().is_some_and(surname) || words.last().is_some_and(surname);
        let written_so = system != System::WadeGiles || wade_giles_marks(text, words);
        if every_word && family_at_an_end && written_so {
            systems.insert(system);
        }
    }
    systems
}

/// Whether a Chinese name is written in Wade–Giles: a given name hyphenated (KUANG-FU,
/// HSIAO-MING), or a word only Wade–Giles spells (HSU, TSENG, CHIH).
fn wade_giles_marks(text: &str, words: &[&str]) -> bool {
    let hyphenated = text
        .as_bytes()
        .windows(3)
        .any(|w| w[0].is_ascii_alphabetic() && w[1] == b'-' && w[2].is_ascii_alphabetic());
    hyphenated
        || words.iter().any(|w| {
            segment(w, System::Mandarin).is_empty() && !segment(w, System::WadeGiles).is_empty()
        })
}

/// Whether a word is a family name of Chinese, Korean or Vietnamese in one of its spellings:
/// a name with one at an end may be written in syllables.
pub fn is_syllabic_surname(word: &str) -> bool {
    mandarin::is_surname(word) || korean::is_surname(word) || vietnamese::is_surname(word)
}

/// The languages a name's script says it is in: Han without kana is Chinese, Hangul
/// Korean, the letters only Vietnamese uses Vietnamese.
pub fn script_systems(text: &str) -> Systems {
    let mut han = false;
    let mut kana = false;
    let mut hangul = false;
    let mut vietnamese = false;
    for c in text.chars() {
        match c {
            '\u{3040}'..='\u{30FF}' | '\u{31F0}'..='\u{31FF}' | '\u{FF66}'..='\u{FF9F}' => {
                kana = true
            }
            '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' => {
                han = true
            }
            '\u{AC00}'..='\u{D7AF}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}' => {
                hangul = true
            }
            '\u{1EA0}'..='\u{1EF9}' | 'ơ' | 'Ơ' | 'ư' | 'Ư' | 'đ' | 'Đ' => vietnamese = true,
            _ => {}
        }
    }
    let mut systems = Systems::NONE;
    if han && !kana {
        systems.insert(System::Mandarin);
    }
    if hangul {
        systems.insert(System::Korean);
    }
    if vietnamese {
        systems.insert(System::Vietnamese);
    }
    systems
}

#[cfg(test)]
mod tests;
