//! Mandarin syllables: the pinyin inventory, each syllable's Wade–Giles spelling as names
//! are written with it (no apostrophes or umlauts: Taiwan's passports, older lists), and the
//! Hong Kong and Taiwan spellings of common family names, which are whole words only.
// Hand-written: no crate of the registry maps romanisations of Mandarin onto each other;
// the Wade–Giles rules are the standard's own, applied to the pinyin table below.

use super::{Sets, Syllable, System};
use rustc_hash::FxHashMap as HashMap;
use std::sync::OnceLock;

/// Every toneless pinyin syllable (ü written v).
const PINYIN: &str = "a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu \
ca cai can cang cao ce cen ceng ci cong cou cu cuan cui cun cuo \
cha chai chan chang chao che chen cheng chi chong chou chu chua chuai chuan chuang chui chun chuo \
da dai dan dang dao de dei den deng di dia dian diao die ding diu dong dou du duan dui dun duo \
e ei en eng er fa fan fang fei fen feng fo fou fu \
ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan guang gui gun guo \
ha hai han hang hao he hei hen heng hong hou hu hua huai huan huang hui hun huo \
ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun \
ka kai kan kang kao ke kei ken keng kong kou ku kua kuai kuan kuang kui kun kuo \
la lai lan lang lao le lei leng li lia lian liang liao lie lin ling liu long lou lu luan lun luo lv lve \
ma mai man mang mao me mei men meng mi mian miao mie min ming miu mo mou mu \
na nai nan nang nao ne nei nen neng ni nian niang niao nie nin ning niu nong nou nu nuan nuo nv nve \
o ou pa pai pan pang pao pei pen peng pi pian piao pie pin ping po pou pu \
qi qia qian qiang qiao qie qin qing qiong qiu qu quan que qun \
ran rang rao re ren reng ri rong rou ru rua ruan rui run ruo \
sa sai san sang sao se sen seng si song sou su suan sui sun suo \
sha shai shan shang shao she shei shen sheng shi shou shu shua shuai shuan shuang shui shun shuo \
ta tai tan tang tao te teng ti tian tiao tie ting tong tou tu tuan tui tun tuo \
wa wai wan wang wei wen weng wo wu xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun \
ya yan yang yao ye yi yin ying yo yong you yu yuan yue yun \
za zai zan zang zao ze zei zen zeng zi zong zou zu zuan zui zun zuo \
zha zhai zhan zhang zhao zhe zhei zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo";

/// Family names in pinyin (the hundred commonest and the compound ones): a name shaped
/// like Chinese has one at an end.
const SURNAMES: &str = "wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he gao \
lin luo zheng liang xie song tang han feng deng cao peng zeng xiao tian dong yuan pan jiang cai yu \
du ye cheng su wei lu ding ren shen yao cui zhong tan fan jin shi liao jia xia fu fang bai zou meng \
xiong qin qiu hou yin xue yan duan lei long tao mao hao gu gong shao wan qian dai mo kong xiang \
chang qi niu bao lv ou ouyang sima zhuge shangguan dongfang";

/// Spellings of family names used in Hong Kong, Macau, Taiwan and the diaspora (mostly
/// Cantonese readings), and Wade–Giles spellings of family names that are another pinyin
/// syllable too (KUO for GUO, KAO for GAO): whole words only, with the pinyin syllables
/// they write. Hokkien spellings (TAN for CHEN) are left out: TAN is a pinyin name of its
/// own, and the pair would join two common names.
const WHOLE_WORDS: &[(&str, &[&str])] = &[
    ("lee", &["li"]),
    ("chan", &["chen"]),
    ("wong", &["huang", "wang"]),
    ("cheung", &["zhang"]),
    ("leung", &["liang"]),
    ("lau", &["liu"]),
    ("ng", &["wu"]),
    ("tsang", &["zeng"]),
    ("kwok", &["guo"]),
    ("yeung", &["yang"]),
    ("chow", &["zhou"]),
    ("chau", &["zhou"]),
    ("tse", &["xie"]),
    ("lam", &["lin"]),
    ("yip", &["ye"]),
    ("ip", &["ye"]),
    ("fung", &["feng"]),
    ("mak", &["mai"]),
    ("kwan", &["guan"]),
    ("lo", &["luo", "lu"]),
    ("tsui", &["xu", "cui"]),
    ("tam", &["tan"]),
    ("chiu", &["zhao"]),
    ("siu", &["xiao"]),
    ("yau", &["qiu"]),
    ("soong", &["song"]),
    ("sung", &["song"]),
    ("koo", &["gu"]),
    ("kung", &["gong"]),
    ("cheng", &["zheng"]),
    ("choi", &["cai"]),
    ("tsoi", &["cai"]),
    ("yuen", &["yuan"]),
    ("woo", &["wu", "hu"]),
    ("hsu", &["xu"]),
    ("loh", &["luo"]),
    ("lim", &["lin"]),
    ("chang", &["zhang"]),
    ("cheng", &["zheng"]),
    ("chou", &["zhou"]),
    ("chao", &["zhao"]),
    ("chu", &["zhu"]),
    ("chen", &["zhen"]),
    ("kuo", &["guo"]),
    ("kao", &["gao"]),
    ("teng", &["deng"]),
    ("tu", &["du"]),
    ("tai", &["dai"]),
    ("pai", &["bai"]),
    ("pao", &["bao"]),
    ("tao", &["dao"]),
];

struct Tables {
    /// Every spelling of a syllable, with the pinyin syllables (numbered from 1) it writes.
    spellings: HashMap<String, Vec<u16>>,
    /// The same with every Wade–Giles reading, also those of spellings that are pinyin
    /// syllables too (KUANG: kuang and guang).
    wade_giles: HashMap<String, Vec<u16>>,
    whole_words: HashMap<&'static str, Vec<u16>>,
    /// Per syllable number, its class: syllables one spelling writes share one.
    class: Vec<u32>,
    surnames: Vec<u16>,
    /// The longest spelling in either table: longer pieces of a word are not looked up.
    longest: usize,
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let pinyin: Vec<&str> = PINYIN.split_whitespace().collect();
        let number = |p: &str| pinyin.iter().position(|q| *q == p).map(|i| i as u16 + 1);
        let mut spellings: HashMap<String, Vec<u16>> = HashMap::default();
        for (i, p) in pinyin.iter().enumerate() {
            let id = i as u16 + 1;
            spellings.entry(p.to_string()).or_default().push(id);
        }
        let mut all_readings = spellings.clone();
        for (i, p) in pinyin.iter().enumerate() {
            let id = i as u16 + 1;
            for spelling in wade_giles(p) {
                let ids = all_readings.entry(spelling).or_default();
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        for (i, p) in pinyin.iter().enumerate() {
            let id = i as u16 + 1;
            for spelling in wade_giles(p) {
                // A Wade–Giles spelling that is a pinyin syllable too is read as pinyin
                // (PING is not BING, CHUN is not JUN) unless the name is written in
                // Wade–Giles (`System::WadeGiles`); family names are whole words below.
                if number(&spelling).is_some() {
                    continue;
                }
                let ids = spellings.entry(spelling).or_default();
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        let mut whole_words: HashMap<&'static str, Vec<u16>> = HashMap::default();
        for (word, written) in WHOLE_WORDS {
            let mut ids: Vec<u16> = spellings.get(*word).cloned().unwrap_or_default();
            ids.extend(written.iter().filter_map(|p| number(p)));
            ids.sort_unstable();
            ids.dedup();
            whole_words.insert(word, ids);
        }
        // Classes: the syllables that some spelling may write, joined (union-find).
        let mut parent: Vec<u32> = (0..=pinyin.len() as u32).collect();
        fn root(parent: &mut [u32], mut x: u32) -> u32 {
            while parent[x as usize] != x {
                parent[x as usize] = parent[parent[x as usize] as usize];
                x = parent[x as usize];
            }
            x
        }
        for ids in all_readings.values().chain(whole_words.values()) {
            for pair in ids.windows(2) {
                let (a, b) = (
                    root(&mut parent, pair[0] as u32),
                    root(&mut parent, pair[1] as u32),
                );
                parent[a as usize] = b;
            }
        }
        let class = (0..parent.len() as u32)
            .map(|x| root(&mut parent, x))
            .collect();
        let mut surnames: Vec<u16> = SURNAMES.split_whitespace().filter_map(number).collect();
        surnames.sort_unstable();
        let longest = all_readings.keys().map(String::len).max().unwrap_or(0);
        Tables {
            longest,
            spellings,
            wade_giles: all_readings,
            whole_words,
            class,
            surnames,
        }
    })
}

fn syllable_of(ids: &[u16]) -> Option<Syllable> {
    let first = *ids.first()?;
    let mut set = [0u16; 4];
    for (slot, id) in set.iter_mut().zip(ids) {
        *slot = *id;
    }
    Some(Syllable {
        sets: Sets::Mandarin(set),
        key: tables().class[first as usize],
    })
}

/// A spelling of one syllable, inside a word or a word of its own.
pub(super) fn syllable(piece: &str, system: System) -> Option<Syllable> {
    let t = tables();
    let table = if system == System::WadeGiles {
        &t.wade_giles
    } else {
        &t.spellings
    };
    syllable_of(table.get(piece)?)
}

/// The most letters one syllable is spelt with, in pinyin or Wade–Giles.
pub(super) fn longest() -> usize {
    tables().longest
}

/// A word that is one syllable only as a whole (a Hong Kong surname spelling).
pub(super) fn whole_word(word: &str, _system: System) -> Option<Syllable> {
    syllable_of(tables().whole_words.get(word)?)
}

/// A Chinese family name, in any of the spellings.
pub(super) fn is_surname(word: &str) -> bool {
    let t = tables();
    let ids = t.whole_words.get(word).or_else(|| t.spellings.get(word));
    ids.is_some_and(|ids| ids.iter().any(|id| t.surnames.binary_search(id).is_ok()))
        || matches!(word, "ouyang" | "sima" | "zhuge" | "shangguan" | "dongfang")
}

/// The Wade–Giles spellings of a pinyin syllable, as written in names: without the
/// apostrophe of aspiration or the umlaut, so that ZHANG and CHANG are both CHANG.
fn wade_giles(pinyin: &str) -> Vec<String> {
    let special: &[&str] = match pinyin {
        "zi" | "ci" => &["tzu", "tsu"],
        "si" => &["ssu", "szu"],
        "zhi" | "chi" => &["chih"],
        "shi" => &["shih"],
        "ri" => &["jih"],
        "er" => &["erh"],
        "yi" => &["i"],
        "you" => &["yu"],
        "yan" => &["yen"],
        "ye" => &["yeh"],
        "yong" => &["yung"],
        "yue" => &["yueh"],
        "e" => &["o"],
        "lv" | "nv" => &["lu", "lyu", "nu", "nyu"],
        "lve" | "nve" => &["lueh", "nueh", "lue", "nue"],
        _ => &[],
    };
    if !special.is_empty() {
        return special
            .iter()
            .filter(|s| s.starts_with(&pinyin[..1]) || !pinyin.starts_with(['l', 'n']))
            .map(|s| s.to_string())
            .collect();
    }
    const INITIALS: [&str; 23] = [
        "zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x",
        "r", "z", "c", "s", "y", "w",
    ];
    let initial = INITIALS
        .iter()
        .find(|i| pinyin.starts_with(*i))
        .copied()
        .unwrap_or("");
    let rest = &pinyin[initial.len()..];
    let palatal = matches!(initial, "j" | "q" | "x");
    let written_initial = match initial {
        "zh" | "j" | "q" => "ch",
        "b" => "p",
        "d" => "t",
        "g" => "k",
        "x" => "hs",
        "r" => "j",
        "z" | "c" => "ts",
        other => other,
    };
    let mut finals: Vec<String> = Vec::new();
    let velar = matches!(initial, "g" | "k" | "h");
    let keeps_uo = matches!(initial, "g" | "k" | "h" | "zh" | "ch" | "sh" | "r");
    let written = match rest {
        "ong" => "ung".to_string(),
        "iong" => "iung".to_string(),
        "ian" => "ien".to_string(),
        "ie" => "ieh".to_string(),
        "ue" if palatal || matches!(initial, "l" | "n") => "ueh".to_string(),
        "uo" if !keeps_uo => "o".to_string(),
        "e" if velar => "o".to_string(),
        "ui" if velar => "uei".to_string(),
        other => other.to_string(),
    };
    finals.push(written);
    finals
        .into_iter()
        .map(|f| format!("{written_initial}{f}"))
        .filter(|s| s != pinyin)
        .collect()
}
