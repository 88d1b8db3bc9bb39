//! The score of an alignment: the model's [`Tally`] over the tokens met and left over, with
//! the matcher's leniency rules (a person's given names left out, a patronymic the list
//! lacks, a chain of names left out weighing two at most), then the rules that only lower a
//! score.

use super::alignment::{
    Alignment, SHORT_WORD, cut_legal_word, in_misspelt_legal_form, inside_legal_form,
};
use super::similarity::{TokenFeatures, vowelless_similarity};
use super::spelling::{bounded_osa, unlikely_edit, unlikely_swap, vowels_dropped};
use super::{NameTokens, RawMatch};
use crate::How;
use crate::model::{
    self, DESCRIPTOR_LEFTOVER_WEIGHT, FIRST_INITIAL_SIMILARITY, INITIALS_ONLY_SCORE,
    NAME_WORD_MIN_WEIGHT, NONE_SPELT_ALIKE, OTHER_LEGAL_FORM, SPELT_ALIKE_MIN,
    STRAY_LEGAL_WORD_WEIGHT, Tally,
};
use sanctum_names::{NameToken, TokenKind};

/// The score of an [`Alignment`]: each token at the best similarity it is aligned at, what is
/// left over at the weight the leniency rules give it ([`crate::model`]), then the rules that
/// lower a score (only initials or light words met, no word spelt alike, legal forms that
/// differ).
pub(super) fn weigh(
    query: &NameTokens,
    listed: &NameTokens,
    family: &[String],
    person: bool,
    alignment: Alignment,
) -> RawMatch {
    let (q, l) = (&query.tokens, &listed.tokens);
    let Alignment {
        mut aligned,
        q_used,
        l_used,
        mut lw,
        cut,
    } = alignment;
    let qw = query.weights.clone();
    // A name written without its vowels throughout (JML HMR for HAMER, Jamil) is told by all
    // the consonants it keeps together, not word by word: two words of three letters are six
    // letters of evidence, as one word of six would be.
    let stripped_pair = |&(i, j, _, how): &(usize, usize, f64, How)| {
        how == How::Skeleton || vowels_dropped(&l[j].text, &q[i].text)
    };
    if aligned.len() >= 2 && aligned.iter().all(stripped_pair) {
        let mut words: Vec<usize> = aligned.iter().map(|a| a.0).collect();
        words.dedup();
        let kept: String = words.iter().map(|&i| q[i].text.as_str()).collect();
        let together = vowelless_similarity(&kept);
        for a in aligned.iter_mut() {
            a.2 = a.2.max(together);
        }
    }
    // The listed first name (ABD AL- is none: it belongs to the name after it).
    let first_given = l
        .iter()
        .position(|t| !family.contains(&t.key))
        .filter(|&f| !sanctum_names::is_glued_particle(&l[f].text));
    // An initial stands for a given name: the pair weighs what the initial weighs. The
    // first name's initial is the one people write (H. KAMPETE for Hugues Raston KAMPETE).
    for a in aligned.iter_mut() {
        if a.3 == How::Initial {
            lw[a.1] = lw[a.1].min(model::INITIAL_WEIGHT);
            if person && Some(a.1) == first_given {
                a.2 = a.2.max(FIRST_INITIAL_SIMILARITY);
            }
        }
    }
    // A legal form on one side makes the other side's leftover legal-form words (misspelt,
    // or partly recognised: "LIMITED LIABILIRY COMPANY") that legal form, not a name.
    let (mut qw, mut lw) = (qw, lw);
    let mut stray_legal_words = false;
    for (other_has_form, tokens, features, used, weights, may_be_cut, cut_away) in [
        (
            listed.legal_form.is_some(),
            q,
            &query.features,
            &q_used,
            &mut qw,
            true,
            false,
        ),
        (
            query.legal_form.is_some(),
            l,
            &listed.features,
            &l_used,
            &mut lw,
            false,
            cut,
        ),
    ] {
        let legal = |k: usize| {
            tokens[k].kind == TokenKind::LegalForm
                || features[k].org
                || (may_be_cut
                    && other_has_form
                    && (cut_legal_word(tokens, k, query.chars)
                        || in_misspelt_legal_form(tokens, k)))
        };
        for k in 0..tokens.len() {
            if used[k] {
                continue;
            }
            if features[k].descriptor {
                // (Unless the cut took it away: the query says nothing of it.)
                if !cut_away {
                    weights[k] = weights[k].max(DESCRIPTOR_LEFTOVER_WEIGHT);
                }
            } else if legal(k) || inside_legal_form(tokens, k, legal) {
                stray_legal_words = true;
                if other_has_form {
                    weights[k] = STRAY_LEGAL_WORD_WEIGHT;
                }
            }
        }
    }
    // A query word aligned with a listed particle as its misspelling weighs as the
    // particle (the bound counts such a word met: `model::may_be_misspelt_particle`).
    for &(i, j, ..) in &aligned {
        if l[j].kind == TokenKind::Particle && q[i].kind == TokenKind::Name {
            qw[i] = qw[i].min(model::PARTICLE_WEIGHT);
        }
    }
    // Each token counts once, at the best similarity of the alignments it takes part in
    // (a joined run aligns several tokens with one).
    let mut q_sim = vec![0.0f64; q.len()];
    let mut l_sim = vec![0.0f64; l.len()];
    for &(i, j, s, _) in &aligned {
        q_sim[i] = q_sim[i].max(s);
        l_sim[j] = l_sim[j].max(s);
    }
    // ABD and the name after it are one name (ABDUL HUSSEIN, "servant of Hussein"): that
    // name met without its ABD (HUSSEIN / ABDUL HUSSEIN, KARIM / ABDELKARIM) is another
    // name, and the ABD left over weighs as the name that differs, never as one left out.
    // Only where the other name has no ABD at all (ABD HAMID / ABD AL-HAMID is one name
    // spelt two ways), and never a listed family name's (AL-'ABD, Ahmad).
    let abd_left = |tokens: &[NameToken], used: &[bool], other: &[NameToken], family: &[String]| {
        let other_has_abd = other.iter().any(|t| is_abd(&t.text));
        (0..tokens.len())
            .map(|k| {
                !other_has_abd
                    && !used[k]
                    && is_abd(&tokens[k].text)
                    && !family.contains(&tokens[k].key)
                    && used.get(k + 1).copied().unwrap_or(false)
            })
            .collect::<Vec<bool>>()
    };
    let q_abd = abd_left(q, &q_used, l, &[]);
    let l_abd = abd_left(l, &l_used, q, family);
    for (weights, abd) in [(&mut qw, &q_abd), (&mut lw, &l_abd)] {
        for (w, _) in weights.iter_mut().zip(abd).filter(|(_, a)| **a) {
            *w = w.max(model::NAME_WEIGHT);
        }
    }
    let matched_names = q_sim.iter().filter(|s| **s > 0.0).count();
    // Leftovers are omissions (a middle name one side leaves out) only when the other side
    // has no leftover name of its own; leftovers on both sides are names that differ.
    let leftover = |tokens: &[NameToken], used: &[bool], weights: &[f64]| {
        tokens
            .iter()
            .enumerate()
            .any(|(k, _)| !used[k] && weights[k] >= NAME_WORD_MIN_WEIGHT)
    };
    let conflict = leftover(q, &q_used, &qw) && leftover(l, &l_used, &lw);
    // A Chinese or Korean given name is its syllables together: one syllable of it left out
    // (PENG Yan / PENG Yen-ching, KIM Jong / KIM Jong Un) is another name, not a name left
    // out.
    let given_name_of_syllables = query.systems.union(listed.systems).chinese_or_korean();
    let lenient = person && matched_names >= 2 && !conflict && !given_name_of_syllables;
    // A query word taken for a listed initial (Ronald WILLIAMS / Ronald W. WISEMAN) leaves
    // the listed words over as names the query does not have, not as omitted middle names.
    let word_for_initial = aligned.iter().any(|&(i, j, _, how)| {
        how == How::Initial && !query.features[i].initial && listed.features[j].initial
    });
    // A person is rarely known by a middle name alone: when the query's given name meets a
    // later given name of the list (RAUL / Benjamin Raul HERNANDEZ; in Arabic name chains
    // the second name is the father's: HASSAN / Adnan Hassan MAHMOUD), the listed first
    // name it lacks is a name that differs, not one left out.
    let skipped_first = first_given.filter(|&f| {
        !l_used[f]
            && aligned.iter().any(|&(_, j, ..)| {
                j > f && !family.contains(&l[j].key) && lw[j] >= NAME_WORD_MIN_WEIGHT
            })
    });
    // The query's own family name, its last word (ROBERT JOSEPH BROWN / Robert JOSEPH), is
    // no middle name it may carry over the list's; a patronymic there is.
    let query_family = (q.len() >= 3)
        .then(|| q.len() - 1)
        .filter(|&i| !query.features[i].patronymic);
    // Nor is the query's own first name, left over while a later word of the query meets
    // the listed first name: in an Arabic name chain the second name is the father's
    // (MUSTAFA Samir Hassan is Samir Hassan's son, not Samir HASSAN), and elsewhere a
    // person is rarely known by a middle name alone (the listed side's `skipped_first`).
    // A word one letter from a title (SHHEIKH, HAJJA) is that title, not a first name.
    let query_first = q
        .iter()
        .position(|t| t.kind == TokenKind::Name && !sanctum_names::is_glued_particle(&t.text))
        .filter(|&f| {
            person
                && !q_used[f]
                && qw[f] >= NAME_WORD_MIN_WEIGHT
                && !sanctum_names::near_honorific(&q[f].text)
                && first_given.is_some_and(|g| {
                    aligned
                        .iter()
                        .any(|&(i, j, ..)| j == g && i > f && lw[j] >= NAME_WORD_MIN_WEIGHT)
                })
        });
    let mut tally = Tally::default();
    for i in 0..q.len() {
        if q_used[i] {
            tally.met(q_sim[i], qw[i]);
        } else {
            let excused = lenient && query_family != Some(i) && query_first != Some(i) && !q_abd[i];
            tally.left_over(model::query_leftover_weight(qw[i], excused));
        }
    }
    // A middle name spelt like the family name (Suhayl Hasan AL-HASAN) is no family name
    // left out when the family name itself is met.
    let met = |key: &String| {
        l.iter()
            .zip(&l_used)
            .any(|(o, used)| *used && o.key == *key)
    };
    // One word of a double family name left out while the other is met (Diosdado RONDON /
    // CABELLO RONDON, Diosdado) is a way of writing the name, not a name that differs.
    // Only where every word met is spelt alike: a family name left out and a given name spelt
    // otherwise (ALEJANDRA / Alejandro REYES-BAEZ) is another person more often than not.
    let double_family =
        model::double_family_name(family) && aligned.iter().all(|a| a.2 >= SPELT_ALIKE_MIN);
    for (j, t) in l.iter().enumerate() {
        if l_used[j] {
            tally.met(l_sim[j], lw[j]);
        } else if lenient
            && double_family
            && !word_for_initial
            && family.contains(&t.key)
            && family.iter().any(|k| *k != t.key && met(k))
        {
            tally.omitted(model::ONE_OF_TWO_FAMILY_NAMES_SHARE * lw[j]);
        } else if !lenient
            || word_for_initial
            || l_abd[j]
            || skipped_first == Some(j)
            || (family.contains(&t.key) && !met(&t.key))
        {
            tally.left_over(lw[j]);
        } else {
            tally.omitted(model::omitted_weight(lw[j]));
        }
    }
    let mut score = tally.score();
    // First letters alone are not a name: when every alignment pairs an initial with a word
    // (A. MUNANDAR / Haji M. ASHRAF, Ruskan Ovsepovich MITIAEV / M.R.O.), no word agrees.
    if aligned.iter().all(|a| a.3 == How::Initial) {
        score = score.min(INITIALS_ONLY_SCORE);
    }
    // Nor are legal-form words, particles and function words: a query of them alone
    // ("OBSHCHESTVO S OGRANICHENNOI OTVETST", a name cut inside its legal form) names no
    // company, unless it is the listed name itself.
    let name_word = |t: &NameToken, weight: f64, features: &TokenFeatures| {
        weight >= NAME_WORD_MIN_WEIGHT
            && !features.org
            && !matches!(
                t.kind,
                TokenKind::LegalForm
                    | TokenKind::Particle
                    | TokenKind::Stopword
                    | TokenKind::Initial
            )
    };
    let names_met = aligned.iter().any(|&(i, j, ..)| {
        name_word(&q[i], qw[i], &query.features[i])
            && name_word(&l[j], listed.weights[j], &listed.features[j])
    });
    // Initials that agree letter for letter, two or more, are a name too (R.E.N.T.A.L,
    // N.I.A. / NIA); the one S of OBSHCHESTVO S … is not.
    let initials_met = aligned
        .iter()
        .filter(|a| query.features[a.0].initial && matches!(a.3, How::Exact | How::Joined))
        .count()
        >= 2;
    let names_met = names_met || initials_met;
    let whole =
        q_used.iter().chain(&l_used).all(|u| *u) && aligned.iter().all(|a| a.2 >= SPELT_ALIKE_MIN);
    if !whole && !names_met {
        score = score.min(INITIALS_ONLY_SCORE);
    }
    // Words that all differ in spelling (HUANG FANG / PHONG HOANG) are less sure than any
    // one spelt alike.
    // A word written in another script and read as the listed word has no spelling to
    // share with it: heard alike is as alike as it can be.
    let spelt_alike = |a: &(usize, usize, f64, How)| {
        matches!(a.3, How::Exact | How::Variant)
            || (a.3 == How::Joined && a.2 >= SPELT_ALIKE_MIN)
            || (matches!(a.3, How::Phonetic | How::Joined)
                && (q[a.0].is_transcription() || l[a.1].is_transcription()))
    };
    let words_aligned = q_used.iter().filter(|u| **u).count();
    // A one-word name spelt otherwise by an edit typing seldom makes is another name.
    let seldom_made = |i: usize, j: usize| {
        let (a, b) = if bounded_osa(&q[i].text, &l[j].text, 1) <= 1 {
            (&q[i].text, &l[j].text)
        } else {
            (&q[i].key, &l[j].key)
        };
        unlikely_edit(a, b) || unlikely_swap(a, b)
    };
    // So is a short word one edit from another (SANWA / SANA, SERRA / SIERRA): in a few
    // letters an edit makes another word as often as a slip. Two letters swapped (SIBMA /
    // SIMBA) and vowels left out (HRUN / HARUN) are how a word is mistyped or abbreviated,
    // not another word.
    let short = |i: usize, j: usize| {
        let (a, b) = (q[i].text.as_str(), l[j].text.as_str());
        let swapped = a.len() == b.len() && {
            let (mut x, mut y) = (a.as_bytes().to_vec(), b.as_bytes().to_vec());
            x.sort_unstable();
            y.sort_unstable();
            x == y
        };
        a.len().min(b.len()) < SHORT_WORD
            && !swapped
            && !vowels_dropped(a, b)
            && !vowels_dropped(b, a)
    };
    if let [(i, j, _, How::Fuzzy)] = aligned[..]
        && query.features[i].ocr != listed.features[j].ocr
        && (seldom_made(i, j) || short(i, j))
    {
        score *= NONE_SPELT_ALIKE;
    }
    // A name written without its vowels throughout is one way of writing it (MHMD, Gdn
    // Shmry MWSSA), not words that each differ.
    let stripped = aligned
        .iter()
        .filter(|&&(i, j, _, how)| how == How::Skeleton || vowels_dropped(&l[j].text, &q[i].text))
        .count();
    let stripped_throughout = stripped >= 2 && stripped == aligned.len();
    if words_aligned >= 2 && !aligned.iter().any(spelt_alike) && !stripped_throughout {
        score *= NONE_SPELT_ALIKE;
    }
    // Different legal forms (LLC against JSC) make a different company more likely.
    if let (Some(a), Some(b)) = (query.legal_form, listed.legal_form)
        && a != b
        && !stray_legal_words
    {
        score *= OTHER_LEGAL_FORM;
    }
    aligned.sort_by_key(|&(i, ..)| i);
    RawMatch {
        score: score.clamp(0.0, 1.0).max(0.0),
        aligned,
        q_used,
        l_used,
    }
}

/// Whether a word is ABD as written before the name it makes a name of (ABD, ABDUL, ABDEL
/// …: the spellings `sanctum_names` splits off a name glued to them), not a name of its own
/// (ABDULLAH).
fn is_abd(text: &str) -> bool {
    text.starts_with("abd") && sanctum_names::is_glued_particle(text)
}
