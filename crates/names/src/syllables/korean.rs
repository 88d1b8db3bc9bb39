//! Korean syllables in Latin letters: an onset, a vowel and a coda, each spelt as Revised
//! Romanization, McCune–Reischauer without breves (ŏ → o, ŭ → u) or the spellings Koreans
//! write their own names in (oo for u, ee for i, u for eo: Joon, Hee, Hyun). A spelling
//! stands for a set of Hangul onsets, vowels and codas; two spellings are one syllable when
//! the three sets meet. Common family names whose spelling follows no rule (Park, Lee,
//! Rhee, Ahn, Noh) are whole words.
// Hand-written: no crate of the registry reads romanised Korean back into Hangul parts;
// the tables are the romanisation standards' own.

use super::{Sets, Syllable};
use rustc_hash::FxHashMap as HashMap;
use std::sync::OnceLock;

// Hangul's parts, numbered as bits.
const O_NONE: u32 = 1 << 0;
const O_G: u32 = 1 << 1;
const O_KK: u32 = 1 << 2;
const O_N: u32 = 1 << 3;
const O_D: u32 = 1 << 4;
const O_TT: u32 = 1 << 5;
const O_R: u32 = 1 << 6;
const O_M: u32 = 1 << 7;
const O_B: u32 = 1 << 8;
const O_PP: u32 = 1 << 9;
const O_S: u32 = 1 << 10;
const O_SS: u32 = 1 << 11;
const O_J: u32 = 1 << 12;
const O_JJ: u32 = 1 << 13;
const O_CH: u32 = 1 << 14;
const O_K: u32 = 1 << 15;
const O_T: u32 = 1 << 16;
const O_P: u32 = 1 << 17;
const O_H: u32 = 1 << 18;

const ONSETS: &[(&str, u32)] = &[
    ("", O_NONE),
    ("g", O_G),
    ("k", O_G | O_K),
    ("kk", O_KK),
    ("gg", O_KK),
    ("kh", O_K),
    ("n", O_N),
    ("d", O_D),
    ("t", O_D | O_T),
    ("tt", O_TT),
    ("dd", O_TT),
    ("th", O_T),
    ("r", O_R),
    ("l", O_R),
    ("m", O_M),
    ("b", O_B),
    ("p", O_B | O_P),
    ("pp", O_PP),
    ("bb", O_PP),
    ("ph", O_P),
    ("s", O_S | O_SS),
    ("sh", O_S),
    ("ss", O_SS),
    ("j", O_J | O_JJ),
    ("jj", O_JJ),
    ("tch", O_JJ),
    ("ch", O_J | O_CH),
    ("h", O_H),
];

const V_A: u32 = 1 << 0;
const V_AE: u32 = 1 << 1;
const V_YA: u32 = 1 << 2;
const V_YAE: u32 = 1 << 3;
const V_EO: u32 = 1 << 4;
const V_E: u32 = 1 << 5;
const V_YEO: u32 = 1 << 6;
const V_YE: u32 = 1 << 7;
const V_O: u32 = 1 << 8;
const V_WA: u32 = 1 << 9;
const V_WAE: u32 = 1 << 10;
const V_OE: u32 = 1 << 11;
const V_YO: u32 = 1 << 12;
const V_U: u32 = 1 << 13;
const V_WO: u32 = 1 << 14;
const V_WE: u32 = 1 << 15;
const V_WI: u32 = 1 << 16;
const V_YU: u32 = 1 << 17;
const V_EU: u32 = 1 << 18;
const V_UI: u32 = 1 << 19;
const V_I: u32 = 1 << 20;

const VOWELS: &[(&str, u32)] = &[
    ("a", V_A),
    ("ae", V_AE),
    ("ai", V_AE),
    ("ya", V_YA),
    ("yae", V_YAE),
    ("eo", V_EO),
    ("o", V_O | V_EO),
    ("u", V_U | V_EU | V_EO),
    ("oo", V_U),
    ("e", V_E | V_AE),
    ("ye", V_YE | V_YAE),
    ("yeo", V_YEO),
    ("yo", V_YO | V_YEO),
    ("you", V_YEO),
    ("yu", V_YU | V_YEO),
    ("yoo", V_YU),
    ("wa", V_WA),
    ("wae", V_WAE),
    ("oe", V_OE),
    ("oi", V_OE),
    ("we", V_WE | V_OE | V_WAE),
    ("wo", V_WO),
    ("weo", V_WO),
    ("woo", V_U | V_WO),
    ("wi", V_WI),
    ("wee", V_WI),
    ("ui", V_UI),
    ("eui", V_UI),
    ("eu", V_EU),
    ("i", V_I),
    ("ee", V_I | V_UI),
];

const C_NONE: u32 = 1 << 0;
const C_K: u32 = 1 << 1;
const C_N: u32 = 1 << 2;
const C_T: u32 = 1 << 3;
const C_L: u32 = 1 << 4;
const C_M: u32 = 1 << 5;
const C_P: u32 = 1 << 6;
const C_NG: u32 = 1 << 7;

const CODAS: &[(&str, u32)] = &[
    ("", C_NONE),
    ("k", C_K),
    ("g", C_K),
    ("ck", C_K),
    ("n", C_N),
    ("t", C_T),
    ("d", C_T),
    ("s", C_T),
    ("l", C_L),
    ("ll", C_L),
    ("r", C_L),
    ("m", C_M),
    ("p", C_P),
    ("b", C_P),
    ("ng", C_NG),
];

/// Family names whose spelling follows no rule of the tables, as whole words, with the
/// onset, vowel and coda they write.
const WHOLE_WORDS: &[(&str, (u32, u32, u32))] = &[
    ("park", (O_B, V_A, C_K)),
    ("lee", (O_NONE | O_R, V_I, C_NONE)),
    ("yi", (O_NONE | O_R, V_I, C_NONE)),
    ("rhee", (O_NONE | O_R, V_I, C_NONE)),
    ("ri", (O_NONE | O_R, V_I, C_NONE)),
    ("li", (O_NONE | O_R, V_I, C_NONE)),
    ("rim", (O_NONE | O_R, V_I, C_M)),
    ("lim", (O_NONE | O_R, V_I, C_M)),
    ("im", (O_NONE | O_R, V_I, C_M)),
    ("ryu", (O_NONE | O_R, V_YU, C_NONE)),
    ("yoo", (O_NONE | O_R, V_YU, C_NONE)),
    ("yu", (O_NONE | O_R, V_YU, C_NONE)),
    ("roh", (O_N | O_R, V_O, C_NONE)),
    ("noh", (O_N | O_R, V_O, C_NONE)),
    ("ro", (O_N | O_R, V_O, C_NONE)),
    ("no", (O_N | O_R, V_O, C_NONE)),
    ("ahn", (O_NONE, V_A, C_N)),
    ("oh", (O_NONE, V_O, C_NONE)),
    ("suh", (O_S, V_EO, C_NONE)),
    ("sohn", (O_S, V_O, C_N)),
    ("hur", (O_H, V_EO, C_NONE)),
    ("choi", (O_CH, V_OE, C_NONE)),
    ("choe", (O_CH, V_OE, C_NONE)),
    ("kim", (O_G, V_I, C_M)),
    ("gim", (O_G, V_I, C_M)),
    ("shin", (O_S, V_I, C_N)),
    ("yang", (O_NONE | O_R, V_YA, C_NG)),
    ("ryang", (O_NONE | O_R, V_YA, C_NG)),
];

/// Family names (any spelling that reads as one of them is one).
const SURNAMES: &str = "kim gim lee yi rhee ri li park pak bak choi choe jung jeong chung chong \
kang gang cho jo yoon yun jang chang lim im rim han shin sin oh o seo suh so kwon gwon hwang ahn an \
song ryu yoo yu hong jeon jun chon cheon ko go moon mun yang ryang son sohn bae pae baek paek paik \
heo hur ho nam shim sim noh roh no ha kwak gwak sung seong cha joo ju chu woo u min na ra jin chin \
ji chi eom um chae won bang pang gong kong hyun hyon ham byun pyon yeom yom pyo do tak ki ok yeo";

/// Every spelling of one syllable (onset + vowel + coda of the tables) with the parts it
/// may write, made once: a word is cut into syllables by trying each of its pieces, and a
/// lookup costs one hash where matching the tables' prefixes cost hundreds of compares.
fn spellings() -> &'static HashMap<String, (u32, u32, u32)> {
    static SPELLINGS: OnceLock<HashMap<String, (u32, u32, u32)>> = OnceLock::new();
    SPELLINGS.get_or_init(|| {
        let mut spellings: HashMap<String, (u32, u32, u32)> = HashMap::default();
        for (onset, o) in ONSETS {
            for (vowel, v) in VOWELS {
                for (coda, c) in CODAS {
                    let parts = spellings
                        .entry(format!("{onset}{vowel}{coda}"))
                        .or_insert((0, 0, 0));
                    *parts = (parts.0 | o, parts.1 | v, parts.2 | c);
                }
            }
        }
        spellings
    })
}

/// The most letters one syllable is spelt with (k + wae + ng).
pub(super) fn longest() -> usize {
    static LONGEST: OnceLock<usize> = OnceLock::new();
    *LONGEST.get_or_init(|| spellings().keys().map(String::len).max().unwrap_or(0))
}

fn parts(piece: &str) -> Option<(u32, u32, u32)> {
    spellings().get(piece).copied()
}

/// Classes of each part: parts that one spelling may write, joined; the key of a syllable
/// is its three classes.
struct Classes {
    onset: [u8; 32],
    vowel: [u8; 32],
    coda: [u8; 32],
}

fn classes() -> &'static Classes {
    static CLASSES: OnceLock<Classes> = OnceLock::new();
    CLASSES.get_or_init(|| {
        fn join(sets: impl Iterator<Item = u32>) -> [u8; 32] {
            let mut class: [u8; 32] = std::array::from_fn(|i| i as u8);
            for set in sets {
                let bits: Vec<usize> = (0..32).filter(|b| set & (1 << b) != 0).collect();
                for pair in bits.windows(2) {
                    let (from, to) = (class[pair[1]], class[pair[0]]);
                    class
                        .iter_mut()
                        .filter(|c| **c == from)
                        .for_each(|c| *c = to);
                }
            }
            class
        }
        let whole = WHOLE_WORDS.iter().map(|(_, p)| *p);
        Classes {
            onset: join(
                ONSETS
                    .iter()
                    .map(|(_, o)| *o)
                    .chain(whole.clone().map(|p| p.0)),
            ),
            vowel: join(
                VOWELS
                    .iter()
                    .map(|(_, v)| *v)
                    .chain(whole.clone().map(|p| p.1)),
            ),
            coda: join(CODAS.iter().map(|(_, c)| *c).chain(whole.map(|p| p.2))),
        }
    })
}

fn syllable_of((onset, vowel, coda): (u32, u32, u32)) -> Syllable {
    let classes = classes();
    let first = |set: u32| set.trailing_zeros().min(31) as usize;
    let key = u32::from(classes.onset[first(onset)]) << 16
        | u32::from(classes.vowel[first(vowel)]) << 8
        | u32::from(classes.coda[first(coda)]);
    Syllable {
        sets: Sets::Korean { onset, vowel, coda },
        key,
    }
}

pub(super) fn syllable(piece: &str) -> Option<Syllable> {
    parts(piece).map(syllable_of)
}

pub(super) fn whole_word(word: &str) -> Option<Syllable> {
    let (_, p) = WHOLE_WORDS.iter().find(|(w, _)| *w == word)?;
    Some(syllable_of(*p))
}

pub(super) fn is_surname(word: &str) -> bool {
    static SET: std::sync::OnceLock<std::collections::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    SET.get_or_init(|| SURNAMES.split_whitespace().collect())
        .contains(word)
}
