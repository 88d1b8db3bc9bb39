//! Comparing two analysed names: token by token, in any order, tolerant of spelling.
//!
//! Each query token is aligned with at most one listed token (greedy on the best
//! similarities, which for names of a handful of tokens finds the optimal assignment in
//! practice). Unaligned tokens lower the score by their weight:
//! - for persons an unaligned given or middle name of the list (a patronymic the customer
//!   file leaves out) weighs little, an unaligned family name fully;
//! - particles (al, bin, van), function words (of, the) and the words legal forms are made of
//!   (limited, liability, company, joint, stock…) weigh little on both sides, even misspelt;
//! - a query cut short (a 20- or 35-character field) leaves the end of the listed name
//!   unaligned: those trailing tokens weigh little when the query's last token is the start
//!   of a listed one.

use crate::{Aligned, How};
use sanctum_names::{NameAnalysis, NameToken, TokenKind};

/// A name ready to be compared: its tokens (acronyms joined, titles set aside) and the
/// weight of each.
#[derive(Debug, Clone)]
pub struct NameTokens {
    pub tokens: Vec<NameToken>,
    pub weights: Vec<f64>,
    pub legal_form: Option<&'static str>,
    /// The length of the name as written, to recognise a field cut short.
    pub chars: usize,
}

/// Words legal forms are made of, in the languages lists use. Outside a recognised legal
/// form (misspelt, or in the middle of a name) they still say little about who it is.
const ORG_WORDS: &[&str] = &[
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

fn is_org_word(key: &str) -> bool {
    key.len() >= 5
        && ORG_WORDS
            .iter()
            .any(|w| *w == key || (w.len() >= 6 && strsim::osa_distance(w, key) <= 1))
}

fn base_weight(t: &NameToken) -> f64 {
    match t.kind {
        TokenKind::Name if is_org_word(&t.text) => 0.3,
        TokenKind::Name | TokenKind::Number => 1.0,
        TokenKind::Initial => 0.5,
        TokenKind::LegalForm => 0.3,
        TokenKind::Stopword => 0.2,
        TokenKind::Particle => 0.15,
        TokenKind::Honorific | TokenKind::Generation => 0.0,
    }
}

/// Joins runs of single letters into one word: "N.I.A." is the acronym NIA.
fn join_acronyms(tokens: Vec<NameToken>) -> Vec<NameToken> {
    let mut out: Vec<NameToken> = Vec::with_capacity(tokens.len());
    let mut run: Vec<NameToken> = Vec::new();
    let flush = |run: &mut Vec<NameToken>, out: &mut Vec<NameToken>| {
        if run.len() >= 3 {
            let text: String = run.iter().map(|t| t.text.as_str()).collect();
            out.push(token_of(&text, TokenKind::Name));
        } else {
            out.append(run);
        }
        run.clear();
    };
    for t in tokens {
        if t.kind == TokenKind::Initial {
            run.push(t);
        } else {
            flush(&mut run, &mut out);
            out.push(t);
        }
    }
    flush(&mut run, &mut out);
    out
}

fn token_of(text: &str, kind: TokenKind) -> NameToken {
    let key = sanctum_names::fold_variant(text).into_owned();
    NameToken {
        text: text.to_string(),
        kind,
        skeleton: sanctum_names::skeleton(&key),
        phonetic: sanctum_names::phonetic(text),
        key,
    }
}

impl NameTokens {
    pub fn new(text: &str, analysis: NameAnalysis) -> Self {
        let tokens = join_acronyms(analysis.tokens);
        let mut weights: Vec<f64> = tokens.iter().map(base_weight).collect();
        // A name of titles only ("DOCTOR") is still a name.
        if weights.iter().all(|w| *w == 0.0) {
            weights.iter_mut().for_each(|w| *w = 1.0);
        }
        let (tokens, weights): (Vec<NameToken>, Vec<f64>) = tokens
            .into_iter()
            .zip(weights)
            .filter(|(_, w)| *w > 0.0)
            .unzip();
        NameTokens {
            tokens,
            weights,
            legal_form: analysis.legal_form,
            chars: text.chars().count(),
        }
    }
}

/// The result of comparing two names.
#[derive(Debug, Clone, PartialEq)]
pub struct NameMatch {
    pub score: f64,
    pub aligned: Vec<Aligned>,
    pub unmatched_query: Vec<String>,
    pub unmatched_listed: Vec<String>,
}

impl NameMatch {
    /// Every token met exactly or as the same variant, none left over.
    pub fn is_exact(&self) -> bool {
        self.unmatched_query.is_empty()
            && self.unmatched_listed.is_empty()
            && self.aligned.iter().all(|a| {
                matches!(a.how, How::Exact | How::Variant | How::Joined) && a.similarity >= 0.95
            })
    }
}

/// Below this similarity two tokens are not considered the same word at all.
const ALIGN_MIN: f64 = 0.6;

/// Edits tolerated for a token of this length: none for short tokens, where one edit makes
/// another name (Li/Lu, Ali/Eli), growing with length.
pub fn allowed_edits(len: usize) -> usize {
    match len {
        0..=3 => 0,
        4..=5 => 1,
        6..=8 => 2,
        _ => 3,
    }
}

/// OCR and keyboard look-alikes folded to one spelling: rn/m, cl/d, vv/w.
fn ocr_fold(s: &str) -> String {
    s.replace("rn", "m").replace("cl", "d").replace("vv", "w")
}

/// Consonants only, doubled letters collapsed: dropped vowels and doubled letters vanish.
fn consonants(s: &str) -> String {
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

/// How alike two tokens are, in [0, 1], and why.
pub fn token_similarity(a: &NameToken, b: &NameToken) -> (f64, How) {
    if a.text == b.text {
        return (1.0, How::Exact);
    }
    if a.key == b.key && !a.key.is_empty() {
        return (0.97, How::Variant);
    }
    if a.kind == TokenKind::Number || b.kind == TokenKind::Number {
        return (0.0, How::Fuzzy);
    }
    if a.kind == TokenKind::Initial || b.kind == TokenKind::Initial {
        let (initial, other) = if a.kind == TokenKind::Initial {
            (a, b)
        } else {
            (b, a)
        };
        let first = |t: &NameToken| t.text.chars().next();
        if other.text.len() > 1 && first(initial) == first(other) {
            return (0.9, How::Initial);
        }
        return (0.0, How::Initial);
    }
    let (ka, kb) = (a.key.as_str(), b.key.as_str());
    let (la, lb) = (ka.chars().count(), kb.chars().count());
    let (short, long) = (la.min(lb), la.max(lb));
    let mut best = (0.0, How::Fuzzy);
    let mut consider = |s: f64, how: How| {
        if s > best.0 {
            best = (s, how);
        }
    };
    // Folding can take a misspelt token away from its variant key (Mobamed stays, Mohamed
    // becomes muhammad): the spelling as written counts too.
    let distance = strsim::osa_distance(ka, kb).min(strsim::osa_distance(&a.text, &b.text));
    if distance <= allowed_edits(short) {
        // Typos in the first letter are rarer than elsewhere; a different first letter more
        // often means a different name (Iberia/Siberia).
        let first_differs = ka.chars().next() != kb.chars().next();
        let s = 0.93
            - 0.05 * (distance.saturating_sub(1)) as f64
            - if first_differs { 0.08 } else { 0.0 };
        consider(s, How::Fuzzy);
    } else {
        consider(0.55 * strsim::jaro_winkler(ka, kb), How::Fuzzy);
    }
    if short >= 4 && !a.phonetic.is_empty() && a.phonetic == b.phonetic {
        consider(0.9, How::Phonetic);
    }
    if short >= 4 {
        let (ca, cb) = (consonants(ka), consonants(kb));
        if ca.len() >= 3 && ca == cb {
            consider(0.88, How::Skeleton);
        }
    }
    if short >= 4 && long > short && (ka.starts_with(kb) || kb.starts_with(ka)) {
        consider(0.85, How::Prefix);
    }
    if short >= 3 && (ocr_fold(ka) == ocr_fold(kb) || ocr_fold(&a.text) == ocr_fold(&b.text)) {
        consider(0.93, How::Fuzzy);
    }
    best
}

/// Compares a query name with a listed name. `family` holds the variant keys of the listed
/// family name where the publisher marks it.
pub fn compare(
    query: &NameTokens,
    listed: &NameTokens,
    family: &[String],
    person: bool,
) -> NameMatch {
    let (q, l) = (&query.tokens, &listed.tokens);
    let (qw, mut lw) = (query.weights.clone(), listed.weights.clone());
    if q.is_empty() || l.is_empty() {
        return NameMatch {
            score: 0.0,
            aligned: vec![],
            unmatched_query: q.iter().map(|t| t.text.clone()).collect(),
            unmatched_listed: l.iter().map(|t| t.text.clone()).collect(),
        };
    }

    // Every pair worth aligning, best first; ties keep the published order.
    let mut pairs: Vec<(f64, How, usize, usize)> = Vec::with_capacity(q.len() * l.len());
    for (i, a) in q.iter().enumerate() {
        for (j, b) in l.iter().enumerate() {
            let (s, how) = token_similarity(a, b);
            if s >= ALIGN_MIN {
                pairs.push((s, how, i, j));
            }
        }
    }
    pairs.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.2.cmp(&y.2)).then(x.3.cmp(&y.3)));
    let mut q_used = vec![false; q.len()];
    let mut l_used = vec![false; l.len()];
    let mut aligned: Vec<(usize, usize, f64, How)> = Vec::new();
    for (s, how, i, j) in pairs {
        if !q_used[i] && !l_used[j] {
            q_used[i] = true;
            l_used[j] = true;
            aligned.push((i, j, s, how));
        }
    }
    // Split or joined tokens: two adjacent leftovers on one side against one on the other.
    join_leftovers(q, l, &mut q_used, &mut l_used, &mut aligned, false);
    join_leftovers(l, q, &mut l_used, &mut q_used, &mut aligned, true);
    glued_legal_forms(q, l, &mut q_used, &mut l_used, &mut aligned);
    cut_short(query, l, &mut q_used, &mut l_used, &mut lw, &mut aligned);

    // An initial stands for a given name: the pair weighs what the initial weighs.
    for &(_, j, _, how) in &aligned {
        if how == How::Initial {
            lw[j] = lw[j].min(0.5);
        }
    }
    // A legal form on one side makes the other side's leftover legal-form words (misspelt,
    // or partly recognised: "LIMITED LIABILIRY COMPANY") that legal form, not a name.
    let (mut qw, mut lw) = (qw, lw);
    let mut stray_legal_words = false;
    for (other_has_form, tokens, used, weights) in [
        (listed.legal_form.is_some(), q, &q_used, &mut qw),
        (query.legal_form.is_some(), l, &l_used, &mut lw),
    ] {
        for (k, t) in tokens.iter().enumerate() {
            if !used[k] && (t.kind == TokenKind::LegalForm || is_org_word(&t.text)) {
                stray_legal_words = true;
                if other_has_form {
                    weights[k] = 0.05;
                }
            }
        }
    }
    let matched_names = aligned.len();
    let numerator: f64 = aligned
        .iter()
        .map(|&(i, j, s, _)| s * (qw[i] + lw[j]))
        .sum();
    // Leftovers are omissions (a middle name one side leaves out) only when the other side
    // has no leftover name of its own; leftovers on both sides are names that differ.
    let leftover = |tokens: &[NameToken], used: &[bool], weights: &[f64]| {
        tokens
            .iter()
            .enumerate()
            .any(|(k, _)| !used[k] && weights[k] >= 0.5)
    };
    let conflict = leftover(q, &q_used, &qw) && leftover(l, &l_used, &lw);
    let lenient = person && matched_names >= 2 && !conflict;
    let mut denominator = 0.0;
    for i in 0..q.len() {
        denominator += if q_used[i] || !lenient {
            qw[i]
        } else {
            0.5 * qw[i]
        };
    }
    for (j, t) in l.iter().enumerate() {
        let is_family = family.contains(&t.key);
        denominator += if l_used[j] || !lenient || is_family {
            lw[j]
        } else {
            0.15 * lw[j]
        };
    }
    let mut score = if denominator > 0.0 {
        numerator / denominator
    } else {
        0.0
    };
    // Different legal forms (LLC against JSC) make a different company more likely.
    if let (Some(a), Some(b)) = (query.legal_form, listed.legal_form)
        && a != b
        && !stray_legal_words
    {
        score *= 0.95;
    }
    aligned.sort_by_key(|&(i, ..)| i);
    NameMatch {
        score: score.clamp(0.0, 1.0).max(0.0),
        aligned: aligned
            .iter()
            .map(|&(i, j, s, how)| Aligned {
                query: q[i].text.clone(),
                listed: l[j].text.clone(),
                similarity: (s * 1e3).round() / 1e3,
                how,
            })
            .collect(),
        unmatched_query: q
            .iter()
            .zip(&q_used)
            .filter(|(_, u)| !**u)
            .map(|(t, _)| t.text.clone())
            .collect(),
        unmatched_listed: l
            .iter()
            .zip(&l_used)
            .filter(|(_, u)| !**u)
            .map(|(t, _)| t.text.clone())
            .collect(),
    }
}

/// Aligns two adjacent unused tokens of `pair_side` with one unused token of `one_side`
/// when their concatenation matches it. `swapped` says `pair_side` is the listed side.
fn join_leftovers(
    pair_side: &[NameToken],
    one_side: &[NameToken],
    pair_used: &mut [bool],
    one_used: &mut [bool],
    aligned: &mut Vec<(usize, usize, f64, How)>,
    swapped: bool,
) {
    for i in 0..pair_side.len().saturating_sub(1) {
        if pair_used[i] || pair_used[i + 1] {
            continue;
        }
        let by_key = format!("{}{}", pair_side[i].key, pair_side[i + 1].key);
        let by_text = format!("{}{}", pair_side[i].text, pair_side[i + 1].text);
        for (j, t) in one_side.iter().enumerate() {
            if one_used[j] {
                continue;
            }
            let d =
                strsim::osa_distance(&by_key, &t.key).min(strsim::osa_distance(&by_text, &t.text));
            if d <= allowed_edits(by_key.len().min(t.key.len())) {
                let s = 0.95 - 0.05 * d as f64;
                pair_used[i] = true;
                pair_used[i + 1] = true;
                one_used[j] = true;
                // The second token of the pair is recorded as aligned too, at the same
                // similarity, so both count in the score.
                for k in [i, i + 1] {
                    aligned.push(if swapped {
                        (j, k, s, How::Joined)
                    } else {
                        (k, j, s, How::Joined)
                    });
                }
                break;
            }
        }
    }
}

/// A legal form glued to the name (JSCARGUMENT against JSC ARGUMENT, whose analysis set the
/// legal form aside): the leftover token is the listed token with a legal form before or after.
fn glued_legal_forms(
    q: &[NameToken],
    l: &[NameToken],
    q_used: &mut [bool],
    l_used: &mut [bool],
    aligned: &mut Vec<(usize, usize, f64, How)>,
) {
    let glued = |long: &str, short: &str| {
        short.len() >= 3
            && (long
                .strip_prefix(short)
                .or_else(|| long.strip_suffix(short)))
            .is_some_and(|rest| sanctum_names::classify(rest) == TokenKind::LegalForm)
    };
    for i in 0..q.len() {
        for j in 0..l.len() {
            if q_used[i] || l_used[j] {
                continue;
            }
            if glued(&q[i].text, &l[j].text) || glued(&l[j].text, &q[i].text) {
                q_used[i] = true;
                l_used[j] = true;
                aligned.push((i, j, 0.95, How::Joined));
            }
        }
    }
}

/// A query cut short by a fixed-width field: its last token is the start of a listed token
/// and the listed tokens after that one are missing. They then weigh little.
fn cut_short(
    query: &NameTokens,
    l: &[NameToken],
    q_used: &mut [bool],
    l_used: &mut [bool],
    lw: &mut [f64],
    aligned: &mut Vec<(usize, usize, f64, How)>,
) {
    let q = &query.tokens;
    let Some(last) = q.len().checked_sub(1) else {
        return;
    };
    if query.chars < 15 {
        return;
    }
    let cut_at = if q_used[last] {
        aligned.iter().find(|a| a.0 == last).map(|a| a.1)
    } else {
        let found = (0..l.len()).find(|&j| {
            !l_used[j]
                && l[j].text.len() > q[last].text.len()
                && l[j].text.starts_with(&q[last].text)
        });
        if let Some(j) = found {
            q_used[last] = true;
            l_used[j] = true;
            aligned.push((last, j, 0.9, How::Prefix));
        }
        found
    };
    if let Some(j) = cut_at
        && (j + 1..l.len()).all(|k| !l_used[k])
        && j + 1 < l.len()
    {
        for w in &mut lw[j + 1..] {
            *w *= 0.1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sanctum_names::analyze;

    fn score(a: &str, b: &str, person: bool) -> f64 {
        compare(
            &NameTokens::new(a, analyze(a)),
            &NameTokens::new(b, analyze(b)),
            &[],
            person,
        )
        .score
    }

    #[test]
    fn order_and_missing_patronymic() {
        assert!(score("Vladimir Putin", "PUTIN, Vladimir Vladimirovich", true) > 0.9);
        assert!(score("Vladimir Rotenberg", "PUTIN, Vladimir Vladimirovich", true) < 0.6);
        assert!(score("Putin", "PUTIN, Vladimir Vladimirovich", true) < 0.6);
    }

    #[test]
    fn spelling_tolerance_scales_with_length() {
        assert!(score("Vladimir Putim", "Vladimir Putin", true) > 0.85);
        assert!(
            score("Li Wei", "Lu Wei", true) < 0.8,
            "short tokens admit no edit"
        );
        assert!(score("Gennadiy Timchenko", "Gennady Timtchenko", true) > 0.85);
    }

    #[test]
    fn joined_and_split_tokens() {
        assert!(score("JSCARGUMENT", "JSC ARGUMENT", false) > 0.8);
        assert!(score("Al Zawahiri Ayman", "AL-ZAWAHIRI, Ayman", true) > 0.9);
        assert!(score("N.I.A. INTERNATIONAL", "NIA INTERNATIONAL", false) > 0.9);
    }

    #[test]
    fn initials_and_titles() {
        assert!(score("S. Martynov", "MARTYNOV, Sergey Alexandrovich", true) > 0.9);
        assert!(score("DOCTOR", "DOCTOR", false) > 0.99);
    }

    #[test]
    fn misspelt_legal_form_words_weigh_little() {
        assert!(
            score(
                "INFOTECH BALAKOVO LIMITED LIABILITY KOMPANY",
                "INFOTECH BALAKOVO LIMITED LIABILITY COMPANY",
                false
            ) > 0.9
        );
    }

    #[test]
    fn a_field_cut_short() {
        assert!(
            score(
                "LIMITED LIABILITY COMPANY KISMET TE",
                "LIMITED LIABILITY COMPANY KISMET TELECOM INFRASTRUCTURE 2",
                false
            ) > 0.85
        );
    }
}
