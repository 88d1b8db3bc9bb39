//! Which tokens of two names pair up: every pair by similarity, best first (greedy, which
//! for names of a handful of tokens finds the optimal assignment in practice); then, where
//! tokens are left over or paired loosely, words joined or split, spelt across word
//! boundaries, glued to a legal form, and a query cut short at a field limit.

use super::similarity::{SyllableMode, reading_similarity, token_similarity, vowelless_similarity};
use super::spelling::{ORG_WORDS, bounded_osa, is_patronymic, nearest_spelling, vowels_dropped};
use super::{NameTokens, spelling::allowed_edits};
use crate::How;
use crate::model::{
    ALIGN_MIN, CUT_AWAY_SHARE, CUT_SIMILARITY, JOINED_SIMILARITY, PER_EDIT_PENALTY, SPELT_ALIKE_MIN,
};
use sanctum_names::{NameToken, SyllableMatch, Syllables, Systems, TokenKind};

/// The tokens of two names aligned: pairs by similarity, best first, then words joined or
/// split, spelt across word boundaries, glued to a legal form, and a field cut short.
pub(super) fn align(
    query: &NameTokens,
    listed: &NameTokens,
    family: &[String],
    person: bool,
) -> Alignment {
    let (q, l) = (&query.tokens, &listed.tokens);
    let mut lw = listed.weights.clone();
    let syllabic = SyllableMode::of(query.systems, listed.systems);
    // Every pair worth aligning, best first; ties keep the published order.
    let mut pairs: Vec<(f64, How, usize, usize)> = Vec::with_capacity(q.len() * l.len());
    for (i, a) in q.iter().enumerate() {
        for (j, b) in l.iter().enumerate() {
            let (s, how) = token_similarity(
                a,
                &query.features[i],
                b,
                &listed.features[j],
                person,
                syllabic,
            );
            if s >= ALIGN_MIN {
                pairs.push((s, how, i, j));
            }
        }
    }
    pairs.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.2.cmp(&y.2)).then(x.3.cmp(&y.3)));
    let mut q_used = vec![false; q.len()];
    let mut l_used = vec![false; l.len()];
    let mut aligned: Vec<(usize, usize, f64, How)> = Vec::new();
    // Exact joins first, so that N.I.A. is not taken for an initial of NIA.
    let initials = query
        .features
        .iter()
        .chain(&listed.features)
        .any(|f| f.initial);
    if initials || q.len() != l.len() {
        join_leftovers(q, l, &mut q_used, &mut l_used, &mut aligned, false, None);
        join_leftovers(l, q, &mut l_used, &mut q_used, &mut aligned, true, None);
    }
    for (s, how, i, j) in pairs {
        if !q_used[i] && !l_used[j] {
            q_used[i] = true;
            l_used[j] = true;
            aligned.push((i, j, s, how));
        }
    }
    // Split or joined tokens, spelling across token boundaries, cut fields: only when tokens
    // are left over or aligned loosely.
    let loose = aligned.iter().any(|a| a.2 < SPELT_ALIKE_MIN);
    let mut cut = false;
    if loose || q_used.iter().chain(&l_used).any(|u| !*u) {
        let joined_at = aligned.len();
        join_leftovers(
            q,
            l,
            &mut q_used,
            &mut l_used,
            &mut aligned,
            false,
            Some(syllabic.both),
        );
        join_leftovers(
            l,
            q,
            &mut l_used,
            &mut q_used,
            &mut aligned,
            true,
            Some(syllabic.both),
        );
        absorb_neighbours(q, l, &mut q_used, &mut l_used, &mut aligned);
        leftovers_spelt_together(q, l, &mut q_used, &mut l_used, &mut aligned, person);
        if !syllabic.either.is_empty() {
            undo_other_syllables(
                q,
                l,
                &mut q_used,
                &mut l_used,
                &mut aligned,
                joined_at,
                syllabic,
            );
        }
        glued_legal_forms(q, l, &mut q_used, &mut l_used, &mut aligned);
        cut = cut_short(
            query,
            l,
            (family, person),
            &mut q_used,
            &mut l_used,
            &mut lw,
            &mut aligned,
        );
    }
    Alignment {
        aligned,
        q_used,
        l_used,
        lw,
        cut,
    }
}

/// What [`align`] found: the aligned pairs (query token, listed token, similarity, how),
/// which tokens of each side are used, the listed weights as the cut left them, and whether
/// the query was taken for one cut short.
pub(super) struct Alignment {
    pub aligned: Vec<(usize, usize, f64, How)>,
    pub q_used: Vec<bool>,
    pub l_used: Vec<bool>,
    pub lw: Vec<f64>,
    pub cut: bool,
}

/// Undoes the loose joins made since `from` that spell other syllables (XIAO HONG /
/// XIAOMING: two edits in eight letters, but HONG is not MING) in names written in
/// syllables: there a join is the same name only letter for letter or syllable for syllable.
fn undo_other_syllables(
    q: &[NameToken],
    l: &[NameToken],
    q_used: &mut [bool],
    l_used: &mut [bool],
    aligned: &mut Vec<(usize, usize, f64, How)>,
    from: usize,
    syllabic: SyllableMode,
) {
    let joins: Vec<(usize, usize, f64, How)> = aligned[from..]
        .iter()
        .copied()
        .filter(|a| a.3 == How::Joined && a.2 < JOINED_SIMILARITY)
        .collect();
    if joins.is_empty() {
        return;
    }
    let spelt = |tokens: &[NameToken], at: &mut dyn Iterator<Item = usize>| -> String {
        let mut at: Vec<usize> = at.collect();
        at.sort_unstable();
        at.dedup();
        at.iter().map(|&k| tokens[k].text.as_str()).collect()
    };
    let q_text = spelt(q, &mut joins.iter().map(|a| a.0));
    let l_text = spelt(l, &mut joins.iter().map(|a| a.1));
    if Syllables::of(&q_text).compare(&Syllables::of(&l_text), syllabic.either)
        != SyllableMatch::Different
    {
        return;
    }
    for (i, j, _, _) in &joins {
        q_used[*i] = false;
        l_used[*j] = false;
    }
    let mut kept = Vec::with_capacity(aligned.len());
    for (n, a) in aligned.iter().enumerate() {
        if n < from || !joins.contains(a) {
            kept.push(*a);
        }
    }
    *aligned = kept;
    // A token still aligned elsewhere stays used.
    for (i, j, _, _) in aligned.iter() {
        q_used[*i] = true;
        l_used[*j] = true;
    }
}

/// Widths that customer files and payment messages cut a name at: a SWIFT field line holds
/// 35 characters; 20, 30, 40, 50 and 70 are common widths of core banking systems.
pub(crate) const FIELD_LIMITS: [usize; 6] = [20, 30, 35, 40, 50, 70];

/// Whether a query name `chars` long may have been cut at a field limit: at most three
/// characters short of one, as the spaces and punctuation before the cut go with it.
pub fn at_field_limit(chars: usize) -> bool {
    FIELD_LIMITS
        .iter()
        .any(|&limit| chars <= limit && chars + 3 >= limit)
}

/// Legal forms as abbreviated, whose start a cut-short query may end in.
pub(crate) const FORM_ABBREVIATIONS: &[&str] =
    &["ltd", "llc", "inc", "corp", "gmbh", "jsc", "cjsc", "pjsc"];

/// Whether a query's token `k` may be a legal form's word the query does not spell out: "CO"
/// of "CO., LTD", or, in a query cut at a field limit (`chars` long), its last word the start
/// of one ("CO., L", "COMPANY LIMI", "JOINT STO"). Left over, it then weighs as a legal
/// form's word when the listed name has a legal form.
pub fn cut_legal_word(tokens: &[NameToken], k: usize, chars: usize) -> bool {
    let Some(t) = tokens.get(k) else {
        return false;
    };
    t.text == "co"
        || (at_field_limit(chars)
            && k + 1 == tokens.len()
            && ORG_WORDS
                .iter()
                .chain(FORM_ABBREVIATIONS)
                .any(|w| w.starts_with(t.text.as_str())))
}

/// Whether token `k` is among a query's last words that spell a legal form with one slip
/// (S.A.R.LL., LTDDA: `sanctum_names::misspells_legal_form`), up to [`MISSPELT_FORM_WORDS`]
/// words from the end.
pub fn in_misspelt_legal_form(tokens: &[NameToken], k: usize) -> bool {
    let n = tokens.len();
    // A name of nothing but the form is a name.
    (n.saturating_sub(MISSPELT_FORM_WORDS).max(1)..=k).any(|start| {
        let run: Vec<&str> = tokens[start..].iter().map(|t| t.text.as_str()).collect();
        sanctum_names::misspells_legal_form(&run)
    })
}

/// The most words a misspelt legal form at a name's end is read from (S A R LL).
pub const MISSPELT_FORM_WORDS: usize = 4;

/// Whether token `k` is a short word (S, Z, DE, MIT) between two words of a legal form
/// (`legal` says which), and so part of it: OBSHCHESTVO S OGRANICHENNOI OTVETSTVENNOSTYU.
pub fn inside_legal_form(tokens: &[NameToken], k: usize, legal: impl Fn(usize) -> bool) -> bool {
    k > 0 && k + 1 < tokens.len() && tokens[k].text.len() <= 3 && legal(k - 1) && legal(k + 1)
}

/// The longest run of adjacent tokens joined to match one token of the other name.
pub const JOINED_RUN_MAX: usize = 4;

/// Letters below which a word is joined to others only exactly.
pub const SHORT_WORD: usize = 6;

/// How much longer or shorter than the token it may spell a run of joined tokens may be
/// (their lengths are compared before any spelling: most runs spell nothing).
pub const JOIN_LENGTH_SLACK: usize = 3;

/// A legal form, or CO (of "CO., LTD"): spelt into a name only exactly.
pub(crate) fn is_form_word(t: &NameToken) -> bool {
    t.kind == TokenKind::LegalForm || t.text == "co"
}

/// Aligns a run of two to four adjacent unused tokens of `run_side` with one unused token of
/// `one_side` when their concatenation matches it (N.I.A. / NIA, DE GEETERE / DEGEETERE,
/// JSC ARGUMENT / JSCARGUMENT). `swapped` says `run_side` is the listed side.
pub(crate) fn join_leftovers(
    run_side: &[NameToken],
    one_side: &[NameToken],
    run_used: &mut [bool],
    one_used: &mut [bool],
    aligned: &mut Vec<(usize, usize, f64, How)>,
    swapped: bool,
    loose: Option<Systems>,
) {
    // Exact joins only, or also joins within the spelling tolerance and joins of the same
    // syllables in the languages given (Chinese, Korean).
    let exact = loose.is_none();
    let syllabic = loose.unwrap_or(Systems::NONE);
    let any_stripped = !exact
        && one_side
            .iter()
            .zip(one_used.iter())
            .any(|(t, used)| !used && looks_stripped(&t.text));
    for len in (2..=JOINED_RUN_MAX).rev() {
        for i in 0..(run_side.len() + 1).saturating_sub(len) {
            if run_used[i..i + len].iter().any(|u| *u) {
                continue;
            }
            let run = &run_side[i..i + len];
            // Lengths first: most runs cannot spell any token of the other side.
            let (key_len, text_len): (usize, usize) = run.iter().fold((0, 0), |(k, t), tok| {
                (k + tok.key.len(), t + tok.text.len())
            });
            let slack = if exact { 0 } else { JOIN_LENGTH_SLACK };
            // A word of the run's consonants (ABDSSLM / ABD USSALAM) is shorter by at most
            // the run's vowels; most names have no word that looks stripped, and pay nothing.
            let vowels = if !exact && any_stripped {
                run.iter()
                    .flat_map(|tok| tok.text.bytes())
                    .filter(|b| b"aeiou".contains(b))
                    .count()
            } else {
                0
            };
            let stripped_of = |t: &NameToken| {
                vowels > 0
                    && t.text.len() < text_len
                    && text_len - t.text.len() <= vowels
                    && looks_stripped(&t.text)
            };
            let possible = one_side.iter().enumerate().any(|(j, t)| {
                !one_used[j]
                    && (key_len.abs_diff(t.key.len()) <= slack
                        || text_len.abs_diff(t.text.len()) <= slack
                        || stripped_of(t))
            });
            // A transcription is not spelt as the Latin word: it is heard (サ アジ / SA'ADI,
            // its apostrophe a break), whatever its length.
            let heard = run.iter().chain(one_side).any(NameToken::is_transcription);
            if !possible && !heard {
                continue;
            }
            let by_key: String = run.iter().map(|t| t.key.as_str()).collect();
            let by_text: String = run.iter().map(|t| t.text.as_str()).collect();
            // Nor is a legal form's word spelt into a name loosely (ARYA CO. / ARMACO).
            let legal_in_run = run.iter().any(is_form_word);
            let found = one_side.iter().enumerate().find_map(|(j, t)| {
                if one_used[j] {
                    return None;
                }
                // Each spelling within its own tolerance: keys are shorter (EP-DD is "epd"
                // by key, one edit from NPPD's "npd", but three letters admit none).
                // Nor a run into a short word (MA LEI / MAEI): one edit there is another name.
                let short_target = t.text.len() < SHORT_WORD;
                let tolerated = |a: &str, b: &str| {
                    if exact || legal_in_run || short_target {
                        0
                    } else {
                        allowed_edits(a.len().min(b.len()))
                    }
                };
                // Words heard as one across scripts: a Latin word written apart in a
                // transcription, or two written as one.
                // The Latin side may glue its article (AL BERTOVICH / アルベルトビチ).
                let words = run
                    .iter()
                    .all(|t| matches!(t.kind, TokenKind::Name | TokenKind::Particle))
                    && run.iter().any(|t| t.kind == TokenKind::Name);
                if heard
                    && words
                    && t.kind == TokenKind::Name
                    && let Some(reading) = NameToken::read_joined(run, t)
                {
                    return Some((j, reading_similarity(reading), How::Joined));
                }
                // The syllables of a name written apart, in another romanisation (HSIAO
                // MING / XIAOMING): as joined exactly.
                let names = run.iter().chain([t]).all(|t| t.kind == TokenKind::Name);
                if names
                    && !syllabic.is_empty()
                    && Syllables::of(&by_text).compare(&Syllables::of(&t.text), syllabic)
                        == SyllableMatch::Same
                {
                    return Some((j, JOINED_SIMILARITY, How::Joined));
                }
                // The words written without their vowels as one (ABBKR / ABU BAKAR): scored
                // as a word stripped of its vowels, by the letters it keeps.
                let words = run
                    .iter()
                    .all(|t| matches!(t.kind, TokenKind::Name | TokenKind::Particle))
                    && t.kind == TokenKind::Name;
                if words && stripped_of(t) && vowels_dropped(&by_text, &t.text) {
                    return Some((j, vowelless_similarity(&t.text), How::Skeleton));
                }
                // Only a token of about the run's length can be spelt by it.
                if key_len.abs_diff(t.key.len()) > slack && text_len.abs_diff(t.text.len()) > slack
                {
                    return None;
                }
                nearest_spelling(
                    (&by_key, &t.key, tolerated(&by_key, &t.key)),
                    (&by_text, &t.text, tolerated(&by_text, &t.text)),
                )
                .map(|d| {
                    (
                        j,
                        JOINED_SIMILARITY - PER_EDIT_PENALTY * d as f64,
                        How::Joined,
                    )
                })
            });
            if let Some((j, s, how)) = found {
                one_used[j] = true;
                // Every token of the run is recorded as aligned, so all count in the score.
                for (k, used) in run_used.iter_mut().enumerate().skip(i).take(len) {
                    *used = true;
                    aligned.push(if swapped {
                        (j, k, s, how)
                    } else {
                        (k, j, s, how)
                    });
                }
            }
        }
    }
}

/// Whether a word looks written without its vowels: after its first letter, at most
/// half as many vowels as consonants (ABDSSLM, MHMDALI; not VLADIMIR or PUTIN).
fn looks_stripped(word: &str) -> bool {
    let rest = word.bytes().skip(1);
    let vowels = rest.clone().filter(|b| b"aeiou".contains(b)).count();
    word.len() >= 3 && vowels * 2 <= rest.count() - vowels
}

/// A pair aligned loosely (DEGEETERE ~ GEETERE) whose looser side has an unused neighbour
/// that completes it (DE + GEETERE): the pair becomes a join and the neighbour is used.
pub(crate) fn absorb_neighbours(
    q: &[NameToken],
    l: &[NameToken],
    q_used: &mut [bool],
    l_used: &mut [bool],
    aligned: &mut Vec<(usize, usize, f64, How)>,
) {
    let mut extra = Vec::new();
    for pair in aligned.iter_mut() {
        let (i, j, s, _) = *pair;
        if s >= SPELT_ALIKE_MIN {
            continue;
        }
        for (side, other, used, pos, swapped) in [
            (l, &q[i], &mut *l_used, j, false),
            (q, &l[j], &mut *q_used, i, true),
        ] {
            let neighbours = [
                pos.checked_sub(1).map(|n| (n, n, pos)),
                (pos + 1 < side.len()).then_some((pos + 1, pos, pos + 1)),
            ];
            for (n, first, second) in neighbours.into_iter().flatten() {
                if used[n] {
                    continue;
                }
                let joined = format!("{}{}", side[first].text, side[second].text);
                if joined == other.text {
                    used[n] = true;
                    *pair = (i, j, JOINED_SIMILARITY, How::Joined);
                    extra.push(if swapped {
                        (n, j, JOINED_SIMILARITY, How::Joined)
                    } else {
                        (i, n, JOINED_SIMILARITY, How::Joined)
                    });
                    break;
                }
            }
            if pair.2 >= SPELT_ALIKE_MIN {
                break;
            }
        }
    }
    aligned.extend(extra);
}

/// The leftovers of both sides are the same letters split differently ("Abd Alaziz" /
/// "Abd al Aziz", "Awad Ibnauf" / "AUF, Awad Ibn"): compared as one string each, in published
/// order and, for persons listed "LAST, First", in natural order.
pub(crate) fn leftovers_spelt_together(
    q: &[NameToken],
    l: &[NameToken],
    q_used: &mut [bool],
    l_used: &mut [bool],
    aligned: &mut Vec<(usize, usize, f64, How)>,
    person: bool,
) {
    let q_left: Vec<usize> = (0..q.len()).filter(|&i| !q_used[i]).collect();
    let l_left: Vec<usize> = (0..l.len()).filter(|&j| !l_used[j]).collect();
    if q_left.is_empty() || l_left.is_empty() || q_left.len() + l_left.len() < 3 {
        return;
    }
    let joined = |tokens: &[NameToken], order: &[usize]| -> String {
        order.iter().map(|&k| tokens[k].text.as_str()).collect()
    };
    let q_text = joined(q, &q_left);
    let mut orders = vec![l_left.clone()];
    if person && l_left.len() > 1 {
        orders.push(l_left[1..].iter().copied().chain([l_left[0]]).collect());
    }
    // A legal form's word spelt into a name only exactly (ARYA CO. is not ARMACO).
    let legal_left = q_left
        .iter()
        .map(|&i| &q[i])
        .chain(l_left.iter().map(|&j| &l[j]))
        .any(is_form_word);
    // Nor into a short word (MA LEI / MAEI): one edit there is another name.
    let short_left = q_left.len() == 1 && q[q_left[0]].text.len() < SHORT_WORD
        || l_left.len() == 1 && l[l_left[0]].text.len() < SHORT_WORD;
    let tolerance = if legal_left || short_left { 0 } else { 1 };
    for order in orders {
        let l_text = joined(l, &order);
        let d = bounded_osa(&q_text, &l_text, 1);
        if d <= allowed_edits(q_text.len().min(l_text.len())).min(tolerance) {
            let s = JOINED_SIMILARITY - PER_EDIT_PENALTY * d as f64;
            // Pair the tokens up in order so that each side's tokens all count.
            for (n, &i) in q_left.iter().enumerate() {
                let j = order[n.min(order.len() - 1)];
                aligned.push((i, j, s, How::Joined));
                q_used[i] = true;
            }
            for (n, &j) in order.iter().enumerate().skip(q_left.len()) {
                let i = q_left[n.min(q_left.len() - 1)];
                aligned.push((i, j, s, How::Joined));
            }
            for &j in &order {
                l_used[j] = true;
            }
            return;
        }
    }
}

/// A legal form glued to the name (JSCARGUMENT against JSC ARGUMENT, whose analysis set the
/// legal form aside): the leftover token is the listed token with a legal form before or after.
pub(crate) fn glued_legal_forms(
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
                aligned.push((i, j, JOINED_SIMILARITY, How::Joined));
            }
        }
    }
}

/// A query cut short by a fixed-width field (see [`at_field_limit`]): its last token is the
/// start of a listed token (or of a particle and the name glued to it: ALZ / AL ZAHRANI), or
/// the query is the listed name cut after a whole word. The listed tokens the cut took away
/// then weigh [`CUT_AWAY_SHARE`] of their weight. Returns whether they were.
pub(crate) fn cut_short(
    query: &NameTokens,
    l: &[NameToken],
    (family, person): (&[String], bool),
    q_used: &mut [bool],
    l_used: &mut [bool],
    lw: &mut [f64],
    aligned: &mut Vec<(usize, usize, f64, How)>,
) -> bool {
    let q = &query.tokens;
    let Some(last) = q.len().checked_sub(1) else {
        return false;
    };
    if !at_field_limit(query.chars) || query.form_at_end {
        return false;
    }
    let word = q[last].text.as_str();
    // ALEKSANDROV is a family name more often than ALEKSANDROVICH cut short.
    let family_of_patronymic =
        |j: usize| is_patronymic(&l[j]) && (word.ends_with("ov") || word.ends_with("ev"));
    let starts = |j: usize| {
        l[j].text.len() > word.len() && l[j].text.starts_with(word) && !family_of_patronymic(j)
    };
    let cut_at = if q_used[last] {
        // Aligned already: a cut only if the query's last word is the start of its partner,
        // which then aligns as a cut word does.
        let partner = aligned.iter_mut().find(|a| a.0 == last && starts(a.1));
        partner.map(|a| {
            a.2 = a.2.max(CUT_SIMILARITY);
            a.1
        })
    } else if let Some(j) = (0..l.len()).find(|&j| !l_used[j] && starts(j)) {
        q_used[last] = true;
        l_used[j] = true;
        aligned.push((last, j, CUT_SIMILARITY, How::Prefix));
        Some(j)
    } else {
        // A particle and the start of the name the list writes apart (ALZ / AL ZAHRANI).
        let glued = (1..l.len()).find(|&j| {
            let particle = &l[j - 1].text;
            !l_used[j - 1]
                && !l_used[j]
                && sanctum_names::is_glued_particle(particle)
                && word.len() > particle.len()
                && word.starts_with(particle.as_str())
                && l[j].text.starts_with(&word[particle.len()..])
        });
        if let Some(j) = glued {
            q_used[last] = true;
            l_used[j - 1] = true;
            l_used[j] = true;
            aligned.push((last, j - 1, CUT_SIMILARITY, How::Prefix));
            aligned.push((last, j, CUT_SIMILARITY, How::Prefix));
        }
        glued
    };
    // Or the query is the listed name cut after a whole word, in published order or, for a
    // person listed "LAST, First", in natural order (given names, then the family name).
    let published: Vec<usize> = (0..l.len()).collect();
    let natural: Vec<usize> = if !person {
        vec![]
    } else if family.is_empty() {
        (1..l.len()).chain([0]).collect()
    } else {
        let (family_part, given): (Vec<usize>, Vec<usize>) =
            (0..l.len()).partition(|&j| family.contains(&l[j].key));
        given.into_iter().chain(family_part).collect()
    };
    let orders = [published, natural];
    let cut_at = cut_at.or_else(|| {
        let n = q.len();
        let is_prefix_of = |order: &[usize]| {
            order.len() > n
                && (0..n).all(|k| {
                    let (a, b) = (&q[k].text, &l[order[k]].text);
                    a == b || (k == n - 1 && b.starts_with(a.as_str()))
                })
        };
        orders.iter().find(|o| is_prefix_of(o)).map(|o| o[n - 1])
    });
    // Everything the cut took away (at the end in published order, or the family name of a
    // person written given names first) weighs little, unless the query has words of its
    // own that the listed name lacks, or misses a name before the cut (RESEARCH INSTIT is
    // no cut of ASTRONAUTICS RESEARCH INSTITUTE).
    let Some(cut_at) = cut_at else {
        return false;
    };
    let query_leftovers = (0..q.len()).any(|i| !q_used[i] && query.weights[i] >= 0.5);
    let only_after_cut = orders.iter().filter(|o| !o.is_empty()).any(|order| {
        order
            .iter()
            .take_while(|&&j| j != cut_at)
            .all(|&j| l_used[j] || lw[j] < 0.5)
    });
    let cut = !query_leftovers && only_after_cut;
    if cut {
        for (k, w) in lw.iter_mut().enumerate() {
            if !l_used[k] {
                *w *= CUT_AWAY_SHARE;
            }
        }
    }
    cut
}
