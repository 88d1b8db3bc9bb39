//! A read message screened: every party's name through the candidate index and the
//! matcher, every BIC, LEI, IMO and document number exactly, countries and places against the
//! sanctioned jurisdictions, and free text by windows of words.
//!
//! [`PaymentFilter::new`] derives, once per list version, what the message-level checks
//! need from the listed parties ([`Lists`]): the listed BICs (by their 8-character institution
//! code: a designation covers every branch), LEIs and IMO numbers, and the vocabulary of
//! listed name words with how many names use each. [`PaymentFilter::screen`] gives a
//! [`Verdict`]: `hold` when anything hit, each [`Hit`] with the field and the byte span it
//! was found in, and R16 completeness [`Finding`]s, which do not hold a payment on their
//! own. The transactions of an ISO 20022 message or an MT101 get a [`TransactionVerdict`]
//! each: the hits of the fields read inside the transaction, inside its pain.001 block, and
//! outside any (the headers, an MT101's sequence A).
//!
//! A party's name is scored with the party's country where the message gives one (MX
//! `Ctry`, MT 50F/59F line 3, and the `CC/TOWN` line 50K and 59 end in), as a customer's
//! name is with its country. A customer of the transfer is an account holder: it holds on
//! a listed vessel or aircraft only by spelling the craft's name in full
//! ([`account_holder_may_be`]); agents are screened against every listed party.
//!
//! Free text (MT 70/72/77B, MX remittance information and instructions, and every party's
//! lines, where a name may run over two lines or sit in the address) is cut into words;
//! SWIFT code words (`/INV/`, `/BNF/`, `/ACC/` …) are left out; a word split by the end of a
//! full line is joined again; then every window of up to [`FREE_TEXT_WINDOW_WORDS`] words
//! that begins and ends on a listed name word and holds a rare one ([`RARE_WORD_SHARE`]) is
//! screened as a name. From free text, a weak alias never alerts, a single word alerts only
//! on a listed name it spells exactly, and overlapping windows keep only the best.

use crate::ident;
use crate::jurisdictions::{Jurisdictions, words};
use crate::{FreeText, Message, Party, Role, Text};
use sanctum_index::Scratch;
use sanctum_matcher::{Explanation, How, PreparedEntity, PreparedQuery, Query};
use sanctum_model::{EntityKind, IdKind, NameKind};
use sanctum_screen::Screener;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::ops::Range;

/// Most words in one free-text window. 99.6% of listed names have at most six words (every
/// list, 2022), and a longer listed name is still met by a window of its six most telling
/// words.
pub const FREE_TEXT_WINDOW_WORDS: usize = 6;

/// A listed name word used by more than this share of listed names (bank, company, trading,
/// the most common given names) cannot anchor a free-text window alone: remittance text is
/// full of such words, and a window of them is a look-alike, not a name.
pub const RARE_WORD_SHARE: f64 = 0.005;

/// Where a hit came from.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    /// A party's or agent's name.
    Name,
    /// Words of free text, or of a party's lines read as free text.
    FreeText,
    Bic,
    Lei,
    Imo,
    /// A passport, national id, tax id or registration number of a party.
    Identifier,
    /// A party's country.
    Country,
    /// The country of a BIC.
    BicCountry,
    /// The country of an IBAN.
    IbanCountry,
    /// A place named in an address, a town or free text.
    Place,
}

/// One reason to hold the message.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// MT tag or MX path.
    pub location: String,
    pub role: Option<Role>,
    pub underlying: bool,
    pub via: Via,
    /// The text that hit, as read.
    pub text: String,
    /// Its bytes in the raw message.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::ByteSpan))]
    pub span: Range<usize>,
    /// The listed party (position in the listed parties), for list hits.
    #[serde(skip)]
    pub party: Option<u32>,
    /// The listed party's id (its FtM id, as the API and `sanctum export` give it:
    /// `us-ofac-sdn-17013`) and name, for list hits.
    pub listed_id: Option<String>,
    pub listed_name: Option<String>,
    /// The sanctioned jurisdiction, for country and place hits.
    pub jurisdiction: Option<String>,
    pub score: f64,
    /// How the name scored (name hits and free text), as `/v1/screen` explains a match.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub explanation: Option<Explanation>,
    /// The transactions of the message the field belongs to ([`crate::Party::transactions`]);
    /// `None`: every one.
    #[serde(skip)]
    pub transactions: Option<Range<usize>>,
}

impl Hit {
    /// Whether the hit holds transaction `index` of its message.
    pub fn concerns(&self, index: usize) -> bool {
        self.transactions
            .as_ref()
            .is_none_or(|range| range.contains(&index))
    }
}

/// What a completeness check found missing (FATF Recommendation 16: originator and
/// beneficiary information travel with every transfer).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    MissingOriginator,
    MissingOriginatorName,
    MissingOriginatorAccount,
    /// Neither an address, a country nor an identifier of the originator.
    MissingOriginatorAddress,
    MissingBeneficiary,
    MissingBeneficiaryName,
    MissingBeneficiaryAccount,
    /// An account written as an IBAN whose checksum or format is wrong.
    InvalidIban,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub kind: FindingKind,
    pub location: String,
}

/// A message's (or a transaction's) verdict. Named `MessageDecision` in the OpenAPI
/// document: `Decision` there is a reviewer's (sanctum-review's).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = MessageDecision))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    Clean,
    Hold,
}

/// The outcome of screening one message.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub kind: String,
    pub reference: Option<String>,
    /// The message's bytes in the input.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::ByteSpan))]
    pub span: Range<usize>,
    /// `hold` when any hit (any transaction held).
    pub decision: Decision,
    pub hits: Vec<Hit>,
    pub findings: Vec<Finding>,
    /// For an ISO 20022 message or an MT101, one verdict per transaction (CdtTrfTxInf,
    /// sequence B), in order: its own hits (those of its parties and texts, of its payment
    /// information block's, and of the headers and MT101 sequence A); empty for the other
    /// MT types.
    pub transactions: Vec<TransactionVerdict>,
}

/// The verdict of one transaction of a message ([`crate::Transaction`]).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TransactionVerdict {
    /// Its position among the message's transactions, from 0.
    pub index: usize,
    /// Its element's path.
    pub location: String,
    /// Its end-to-end id (else its instruction or transaction id).
    pub reference: Option<String>,
    /// Its element's bytes in the input.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::ByteSpan))]
    pub span: Range<usize>,
    pub decision: Decision,
    pub hits: Vec<Hit>,
}

impl Verdict {
    /// Keeps the hits `keep` admits, in the message and in each transaction, and decides
    /// again (the server drops the hits of sources a request left out).
    pub fn retain_hits(&mut self, mut keep: impl FnMut(&Hit) -> bool) {
        self.hits.retain(&mut keep);
        self.decision = decision_of(&self.hits);
        for transaction in &mut self.transactions {
            transaction.hits.retain(&mut keep);
            transaction.decision = decision_of(&transaction.hits);
        }
    }
}

fn decision_of(hits: &[Hit]) -> Decision {
    if hits.is_empty() {
        Decision::Clean
    } else {
        Decision::Hold
    }
}

/// The listed parties a message is screened against, and how a name is scored against them:
/// the batch [`Screener`], or the server's snapshot.
pub trait Lists {
    fn parties(&self) -> &[PreparedEntity];
    /// The score at which a party is a match.
    fn threshold(&self) -> f64;
    /// The parties `query` matches at the threshold, best first.
    fn matches(&self, query: &PreparedQuery, scratch: &mut Scratch) -> Vec<ListMatch>;
}

/// One listed party a name matched.
pub struct ListMatch {
    /// Position in [`Lists::parties`].
    pub party: u32,
    pub score: f64,
    pub explanation: Explanation,
}

impl Lists for Screener {
    fn parties(&self) -> &[PreparedEntity] {
        Screener::parties(self)
    }
    fn threshold(&self) -> f64 {
        self.matcher().options.threshold
    }
    fn matches(&self, query: &PreparedQuery, scratch: &mut Scratch) -> Vec<ListMatch> {
        self.screen(query, scratch)
            .into_iter()
            .map(|alert| ListMatch {
                party: alert.party,
                score: alert.score,
                explanation: alert.explanation,
            })
            .collect()
    }
}

/// What message screening derives from the listed parties, once per list version.
pub struct PaymentFilter {
    jurisdictions: Jurisdictions,
    bics: HashMap<String, Vec<u32>>,
    leis: HashMap<String, Vec<u32>>,
    imos: HashMap<String, Vec<u32>>,
    /// Passports, national and tax ids, registration numbers, as [`document_key`] gives them.
    documents: HashMap<String, Vec<u32>>,
    /// Name-word key (variant fold) → how many listed names use it.
    vocabulary: HashMap<String, u32>,
    /// The most names a word may be used by and still anchor a window.
    rare_below: u32,
}

impl PaymentFilter {
    pub fn new(lists: &dyn Lists, jurisdictions: Jurisdictions) -> PaymentFilter {
        let mut bics: HashMap<String, Vec<u32>> = HashMap::new();
        let mut leis: HashMap<String, Vec<u32>> = HashMap::new();
        let mut imos: HashMap<String, Vec<u32>> = HashMap::new();
        let mut documents: HashMap<String, Vec<u32>> = HashMap::new();
        let mut vocabulary: HashMap<String, u32> = HashMap::new();
        let mut names = 0usize;
        for (position, party) in lists.parties().iter().enumerate() {
            let position = position as u32;
            for identifier in &party.entity.identifiers {
                let value: String = identifier
                    .value
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric())
                    .collect::<String>()
                    .to_ascii_uppercase();
                let table = match identifier.kind {
                    IdKind::SwiftBic => match ident::bic_institution(&value) {
                        Some(institution) => {
                            bics.entry(institution.to_string())
                                .or_default()
                                .push(position);
                            continue;
                        }
                        None => continue,
                    },
                    IdKind::Lei => &mut leis,
                    IdKind::Imo => &mut imos,
                    IdKind::Passport
                    | IdKind::NationalId
                    | IdKind::TaxId
                    | IdKind::Registration => {
                        if let Some(key) = document_key(&identifier.value) {
                            documents.entry(key).or_default().push(position);
                        }
                        continue;
                    }
                    _ => continue,
                };
                let key = value.trim_start_matches("IMO").to_string();
                table.entry(key).or_default().push(position);
            }
            for name in &party.names {
                names += 1;
                let keys: HashSet<String> = sanctum_names::analyze(&name.text)
                    .tokens
                    .into_iter()
                    .filter(|token| token.kind == sanctum_names::TokenKind::Name)
                    .map(|token| token.key)
                    .collect();
                for key in keys {
                    *vocabulary.entry(key).or_default() += 1;
                }
            }
        }
        PaymentFilter {
            jurisdictions,
            bics,
            leis,
            imos,
            documents,
            vocabulary,
            rare_below: ((names as f64 * RARE_WORD_SHARE).ceil() as u32).max(1),
        }
    }

    /// Screens one message read from `raw`.
    pub fn screen(&self, lists: &dyn Lists, message: &Message, scratch: &mut Scratch) -> Verdict {
        let mut hits = Vec::new();
        for party in &message.parties {
            let from = hits.len();
            self.screen_party(lists, party, scratch, &mut hits);
            for hit in &mut hits[from..] {
                hit.transactions = party.transactions.clone();
            }
        }
        for bic in &message.bics {
            // Party BICs were screened with their party; header BICs here.
            if !message
                .parties
                .iter()
                .any(|party| party.bic.as_ref().is_some_and(|own| own.span == bic.span))
            {
                self.screen_bic(lists, bic, "header", None, false, &mut hits);
            }
        }
        for text in &message.free_texts {
            let from = hits.len();
            self.screen_free_text(lists, text, scratch, &mut hits);
            for hit in &mut hits[from..] {
                hit.transactions = text.transactions.clone();
            }
        }
        let findings = completeness(message);
        let transactions = message
            .transactions
            .iter()
            .enumerate()
            .map(|(index, transaction)| {
                let own: Vec<Hit> = hits
                    .iter()
                    .filter(|hit| hit.concerns(index))
                    .cloned()
                    .collect();
                TransactionVerdict {
                    index,
                    location: transaction.location.clone(),
                    reference: transaction
                        .reference
                        .as_ref()
                        .map(|text| text.value.clone()),
                    span: transaction.span.clone(),
                    decision: decision_of(&own),
                    hits: own,
                }
            })
            .collect();
        Verdict {
            kind: message.kind.clone(),
            reference: message.reference.as_ref().map(|text| text.value.clone()),
            span: message.span.clone(),
            decision: decision_of(&hits),
            hits,
            findings,
            transactions,
        }
    }

    fn screen_party(
        &self,
        lists: &dyn Lists,
        party: &Party,
        scratch: &mut Scratch,
        hits: &mut Vec<Hit>,
    ) {
        let hit = |via, text: &Text| Hit {
            location: party.location.clone(),
            role: Some(party.role),
            underlying: party.underlying,
            via,
            text: text.value.clone(),
            span: text.span.clone(),
            party: None,
            listed_id: None,
            listed_name: None,
            jurisdiction: None,
            score: 1.0,
            explanation: None,
            transactions: None,
        };
        if let Some(name) = &party.name {
            let variants = name_variants(party, name);
            let query = Query {
                names: variants
                    .iter()
                    .map(|variant| variant.value.clone())
                    .collect(),
                kind: party.role.is_agent().then_some(EntityKind::Organization),
                countries: party
                    .country
                    .iter()
                    .filter(|country| country.value.len() == 2)
                    .map(|country| country.value.clone())
                    .collect(),
                ..Query::default()
            };
            if let Ok(prepared) = query.prepare() {
                for alert in lists.matches(&prepared, scratch) {
                    if !party.role.is_agent()
                        && !account_holder_may_be(lists, alert.party, &alert.explanation)
                    {
                        continue;
                    }
                    let matched = variants
                        .iter()
                        .find(|variant| variant.value == alert.explanation.query_name)
                        .unwrap_or(name);
                    hits.push(Hit {
                        score: alert.score,
                        ..list_hit(
                            lists,
                            hit(Via::Name, matched),
                            alert.party,
                            Some(alert.explanation),
                        )
                    });
                }
            }
        }
        if let Some(bic) = &party.bic {
            self.screen_bic(
                lists,
                bic,
                &party.location,
                Some(party.role),
                party.underlying,
                hits,
            );
        }
        if let Some(lei) = &party.lei
            && let Some(listed) = self.leis.get(&lei.value.trim().to_ascii_uppercase())
        {
            for &position in listed {
                hits.push(list_hit(lists, hit(Via::Lei, lei), position, None));
            }
        }
        for identifier in &party.identifiers {
            // MT 50F writes `CODE/country/number` (`CCPT/RU/515731854`), its lines 6 and 7
            // `country/issuer/number`: the number is the last part.
            let number = identifier.value.rsplit('/').next().unwrap_or("");
            if let Some(listed) = document_key(number).and_then(|key| self.documents.get(&key)) {
                for &position in listed {
                    hits.push(list_hit(
                        lists,
                        hit(Via::Identifier, identifier),
                        position,
                        None,
                    ));
                }
            }
        }
        if let Some(country) = &party.country
            && let Some(jurisdiction) = self.jurisdictions.by_country(&country.value)
        {
            hits.push(Hit {
                jurisdiction: Some(jurisdiction.name.clone()),
                ..hit(Via::Country, country)
            });
        }
        if let Some(account) = &party.account
            && let Some((_, country)) = ident::iban(&account.value)
            && let Some(jurisdiction) = self.jurisdictions.by_country(&country)
        {
            hits.push(Hit {
                jurisdiction: Some(jurisdiction.name.clone()),
                ..hit(Via::IbanCountry, account)
            });
        }
        for line in party.town.iter().chain(&party.address) {
            for (jurisdiction, _) in self.jurisdictions.places_in(&words(&line.value)) {
                hits.push(Hit {
                    jurisdiction: Some(jurisdiction.name.clone()),
                    ..hit(Via::Place, line)
                });
            }
        }
    }

    fn screen_bic(
        &self,
        lists: &dyn Lists,
        bic: &Text,
        location: &str,
        role: Option<Role>,
        underlying: bool,
        hits: &mut Vec<Hit>,
    ) {
        let value = bic.value.trim().to_ascii_uppercase();
        let base = Hit {
            location: location.to_string(),
            role,
            underlying,
            via: Via::Bic,
            text: bic.value.clone(),
            span: bic.span.clone(),
            party: None,
            listed_id: None,
            listed_name: None,
            jurisdiction: None,
            score: 1.0,
            explanation: None,
            transactions: None,
        };
        if let Some(listed) =
            ident::bic_institution(&value).and_then(|institution| self.bics.get(institution))
        {
            for &position in listed {
                hits.push(list_hit(lists, base.clone(), position, None));
            }
        }
        if let Some(jurisdiction) =
            ident::bic_country(&value).and_then(|country| self.jurisdictions.by_country(country))
        {
            hits.push(Hit {
                via: Via::BicCountry,
                jurisdiction: Some(jurisdiction.name.clone()),
                ..base
            });
        }
    }

    fn screen_free_text(
        &self,
        lists: &dyn Lists,
        text: &FreeText,
        scratch: &mut Scratch,
        hits: &mut Vec<Hit>,
    ) {
        let base = |via, value: &str, span: Range<usize>| Hit {
            location: text.location.clone(),
            role: None,
            underlying: text.underlying,
            via,
            text: value.to_string(),
            span,
            party: None,
            listed_id: None,
            listed_name: None,
            jurisdiction: None,
            score: 1.0,
            explanation: None,
            transactions: None,
        };
        let words_read = text_words(text);
        // BICs and IMO numbers written into the text.
        for (index, word) in words_read.iter().enumerate() {
            if ident::is_bic(&word.raw) {
                self.screen_bic(
                    lists,
                    &Text::new(word.raw.clone(), word.span.clone()),
                    &text.location,
                    None,
                    text.underlying,
                    hits,
                );
            }
            let imo = word
                .raw
                .strip_prefix("IMO")
                .filter(|digits| digits.len() == 7)
                .or_else(|| {
                    (word.raw.len() == 7
                        && index > 0
                        && words_read[index - 1].raw.eq_ignore_ascii_case("IMO"))
                    .then_some(word.raw.as_str())
                });
            if let Some(listed) = imo.and_then(|digits| self.imos.get(digits)) {
                for &position in listed {
                    hits.push(list_hit(
                        lists,
                        base(Via::Imo, &word.raw, word.span.clone()),
                        position,
                        None,
                    ));
                }
            }
        }
        // Places of sanctioned jurisdictions.
        let normalised: Vec<String> = words_read.iter().map(|word| word.key.clone()).collect();
        for (jurisdiction, range) in self.jurisdictions.places_in(&normalised) {
            let span = words_read[range.start].span.start..words_read[range.end - 1].span.end;
            let value: Vec<&str> = words_read[range]
                .iter()
                .map(|word| word.raw.as_str())
                .collect();
            hits.push(Hit {
                jurisdiction: Some(jurisdiction.name.clone()),
                ..base(Via::Place, &value.join(" "), span)
            });
        }
        self.screen_words(lists, text, scratch, hits);
    }

    /// Name windows over a text's words (see the module documentation).
    fn screen_words(
        &self,
        lists: &dyn Lists,
        text: &FreeText,
        scratch: &mut Scratch,
        hits: &mut Vec<Hit>,
    ) {
        let threshold = lists.threshold();
        let mut found: Vec<Hit> = Vec::new();
        for words_read in std::iter::once(text_words(text)).chain(glued(text_words(text))) {
            let listed = |word: &Word| self.vocabulary.contains_key(&word.key);
            let rare = |word: &Word| {
                self.vocabulary
                    .get(&word.key)
                    .is_some_and(|&count| count < self.rare_below)
            };
            let mut seen = HashSet::new();
            for anchor in 0..words_read.len() {
                if !rare(&words_read[anchor]) {
                    continue;
                }
                let first = anchor.saturating_sub(FREE_TEXT_WINDOW_WORDS - 1);
                for start in first..=anchor {
                    if !listed(&words_read[start]) {
                        continue;
                    }
                    let last = (start + FREE_TEXT_WINDOW_WORDS).min(words_read.len());
                    for end in anchor + 1..=last {
                        if !listed(&words_read[end - 1]) || !seen.insert((start, end)) {
                            continue;
                        }
                        let window = &words_read[start..end];
                        let name: Vec<&str> = window.iter().map(|word| word.raw.as_str()).collect();
                        let Ok(prepared) = Query::name(name.join(" ")).prepare() else {
                            continue;
                        };
                        let span = window[0].span.start..window[window.len() - 1].span.end;
                        for alert in lists.matches(&prepared, scratch) {
                            if alert.score < threshold
                                || alert.explanation.matched_name_kind == NameKind::WeakAlias
                                || (window.len() == 1
                                    && !one_word_alert(
                                        lists,
                                        alert.party,
                                        &window[0].raw,
                                        &alert.explanation.matched_name,
                                    ))
                            {
                                continue;
                            }
                            let hit = Hit {
                                location: text.location.clone(),
                                role: None,
                                underlying: text.underlying,
                                via: Via::FreeText,
                                text: name.join(" "),
                                span: span.clone(),
                                party: None,
                                listed_id: None,
                                listed_name: None,
                                jurisdiction: None,
                                score: alert.score,
                                explanation: None,
                                transactions: None,
                            };
                            found.push(list_hit(lists, hit, alert.party, Some(alert.explanation)));
                        }
                    }
                }
            }
        }
        // The best windows that do not overlap a better one; one hit per party.
        found.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then((b.span.len()).cmp(&a.span.len()))
        });
        let mut kept: Vec<Hit> = Vec::new();
        for hit in found {
            let overlaps_better = kept.iter().any(|better| {
                better.span.start < hit.span.end
                    && hit.span.start < better.span.end
                    && better.span != hit.span
            });
            let same_party = kept.iter().any(|known| known.party == hit.party);
            if !overlaps_better && !same_party {
                kept.push(hit);
            }
        }
        hits.extend(kept);
    }
}

/// The names a party is screened under. An MT name line holds 35 characters, and a longer
/// name runs on into the next line, which the field's format cannot tell from the address:
/// the name is screened alone and with the next line (joined without a space too when the
/// name line is full, a word cut in two), unless that line reads as address (a digit, or
/// `CC/TOWN`). ISO 20022 names (Nm, 140 characters) and MT
/// option F names (`1/` lines, joined when read) are whole already.
fn name_variants(party: &Party, name: &Text) -> Vec<Text> {
    let mut variants = vec![name.clone()];
    let mt_free_form = !party.location.contains('/') && !party.location.ends_with('F');
    // A line with a digit (a street number, a post code) or written `CC/TOWN` is address,
    // not the rest of a name.
    let address_like = |line: &str| {
        line.bytes().any(|byte| byte.is_ascii_digit())
            || line.as_bytes().get(2) == Some(&b'/')
                && line.as_bytes()[..2].iter().all(u8::is_ascii_uppercase)
    };
    if let (true, Some(next)) = (mt_free_form, party.address.first())
        && !address_like(&next.value)
    {
        let span = name.span.start..next.span.end;
        variants.push(Text::new(
            format!("{} {}", name.value, next.value),
            span.clone(),
        ));
        if name.value.chars().count() >= 35 {
            variants.push(Text::new(format!("{}{}", name.value, next.value), span));
        }
    }
    variants
}

/// Whether a customer of a transfer (originator, beneficiary, ultimate or initiating
/// party: an account holder) may be the listed party `position` by the name `explanation`
/// matched. Persons and organisations hold accounts; a vessel or an aircraft does not: it is
/// paid for through its owner, operator or master, and the remittance text's IMO number
/// finds it. So a customer's name holds on a listed craft's name only when it spells every
/// word of it exactly (a beneficiary named MANUELA SAENZ), as free text holds on one word
/// only when it spells a name exactly; a person's look-alike of a craft named after a
/// person (MANUEL SANZ, the tanker MANUELA SAENZ) does not hold.
fn account_holder_may_be(lists: &dyn Lists, position: u32, explanation: &Explanation) -> bool {
    let craft = lists
        .parties()
        .get(position as usize)
        .is_some_and(|listed| {
            matches!(
                listed.entity.kind,
                EntityKind::Vessel | EntityKind::Aircraft
            )
        });
    !craft
        || (explanation.unmatched_listed.is_empty()
            && explanation
                .alignment
                .iter()
                .all(|aligned| aligned.how == How::Exact))
}

/// Whether one word of free text may alert on a listed name. Remittance text is full of
/// single words that resemble a one-word listed name (CONTRACT, KONTRAKT OOO) or are one
/// (EMMA, LINDA, SIERRA: given names and places, and the names of listed vessels), so one
/// word alerts only on an organisation's name it spells exactly, legal form included
/// (ROSOBORONEXPORT); a vessel is found by its IMO number, a person by two words or more.
fn one_word_alert(lists: &dyn Lists, party: u32, word: &str, listed_name: &str) -> bool {
    let organisation = lists
        .parties()
        .get(party as usize)
        .is_some_and(|listed| listed.entity.kind == EntityKind::Organization);
    organisation && sanctum_names::tokens(word) == sanctum_names::tokens(listed_name)
}

/// Shortest document number compared: shorter ones (a Cedula of four digits, `12345`) are
/// shared by chance between unrelated people across countries.
const MIN_DOCUMENT_CHARS: usize = 6;

/// A document number as compared: letters and digits only, upper case (`D-001829-00` and
/// `D00182900` are one number); `None` when shorter than [`MIN_DOCUMENT_CHARS`].
fn document_key(value: &str) -> Option<String> {
    let key: String = value
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_uppercase();
    (key.len() >= MIN_DOCUMENT_CHARS).then_some(key)
}

/// A hit on a listed party: its id and name filled in.
fn list_hit(
    lists: &dyn Lists,
    mut hit: Hit,
    position: u32,
    explanation: Option<Explanation>,
) -> Hit {
    if let Some(party) = lists.parties().get(position as usize) {
        hit.party = Some(position);
        hit.listed_id = Some(sanctum_model::ftm::entity_id(&party.entity));
        hit.listed_name = Some(party.entity.caption().to_string());
    }
    if explanation.is_some() {
        hit.explanation = explanation;
    }
    hit
}

/// One word of free text.
#[derive(Debug, Clone)]
struct Word {
    /// As written.
    raw: String,
    /// Its variant key, as listed names' words are keyed.
    key: String,
    span: Range<usize>,
    /// The word ends a line that is full (the field's width), so the next line may go on
    /// with the same word.
    ends_full_line: bool,
}

/// The width of a free-text line: the field's format (MT 70, 72, 77B and party lines:
/// 35 characters; 79: 50; MX Ustrd: 140).
fn line_width(location: &str) -> usize {
    if location == "79" {
        50
    } else if location.ends_with("Ustrd") {
        140
    } else {
        35
    }
}

/// The words of a free text, SWIFT code words (`/INV/`, `/BNF/`, …) left out.
fn text_words(text: &FreeText) -> Vec<Word> {
    let width = line_width(&text.location);
    let mut out = Vec::new();
    for line in &text.lines {
        let value = &line.value;
        let mut start = None;
        let bytes = value.as_bytes();
        let push = |from: usize, to: usize, out: &mut Vec<Word>| {
            let raw = &value[from..to];
            // A code word: 2 to 8 capitals or digits between slashes.
            let coded = from > 0
                && bytes[from - 1] == b'/'
                && bytes.get(to) == Some(&b'/')
                && (2..=8).contains(&raw.len())
                && raw
                    .bytes()
                    .all(|byte| byte.is_ascii_uppercase() || byte.is_ascii_digit());
            if coded {
                return;
            }
            let key = sanctum_names::analyze(raw)
                .tokens
                .first()
                .map(|token| token.key.clone())
                .unwrap_or_default();
            let at = line.span.start + from;
            out.push(Word {
                raw: raw.to_string(),
                key,
                span: at..(line.span.start + to).min(line.span.end.max(at)),
                ends_full_line: false,
            });
        };
        for (offset, character) in value.char_indices() {
            if character.is_alphanumeric() {
                start.get_or_insert(offset);
            } else if let Some(from) = start.take() {
                push(from, offset, &mut out);
            }
        }
        if let Some(from) = start {
            push(from, value.len(), &mut out);
            if value.chars().count() >= width
                && let Some(last) = out.last_mut()
            {
                last.ends_full_line = true;
            }
        }
    }
    out
}

/// The words with each word cut by a full line's end joined to the next line's first word;
/// `None` when no line was cut.
fn glued(words: Vec<Word>) -> Option<Vec<Word>> {
    if !words.iter().any(|word| word.ends_full_line) {
        return None;
    }
    let mut out: Vec<Word> = Vec::with_capacity(words.len());
    let mut join_next = false;
    for word in words {
        if join_next && let Some(previous) = out.last_mut() {
            previous.raw.push_str(&word.raw);
            previous.key = sanctum_names::analyze(&previous.raw)
                .tokens
                .first()
                .map(|token| token.key.clone())
                .unwrap_or_default();
            previous.span.end = word.span.end;
            join_next = word.ends_full_line;
            continue;
        }
        join_next = word.ends_full_line;
        out.push(word);
    }
    Some(out)
}

/// FATF R16 completeness of a customer transfer: the originator's name, account and address
/// (or country, or an identifier), the beneficiary's name and account. Interbank transfers
/// (MT 202, pacs.009 without COV) carry no customer and are not checked; a cover payment's
/// underlying customers are.
fn completeness(message: &Message) -> Vec<Finding> {
    let customer_transfer = message.kind.starts_with("MT103")
        || message.kind.starts_with("MT101")
        || message.kind.starts_with("pacs.008")
        || message.kind.starts_with("pain.001");
    let cover = message.is_cover();
    if !customer_transfer && !cover {
        return Vec::new();
    }
    let relevant = |party: &&Party| !cover || party.underlying;
    let mut findings = Vec::new();
    let finding = |kind, location: &str| Finding {
        kind,
        location: location.to_string(),
    };
    let originators: Vec<&Party> = message
        .parties
        .iter()
        .filter(relevant)
        .filter(|party| party.role == Role::Originator)
        .collect();
    if originators.is_empty() {
        findings.push(finding(FindingKind::MissingOriginator, ""));
    }
    for party in originators {
        if party.name.is_none() && party.bic.is_none() {
            findings.push(finding(FindingKind::MissingOriginatorName, &party.location));
        }
        if party.account.is_none() && party.identifiers.is_empty() {
            findings.push(finding(
                FindingKind::MissingOriginatorAccount,
                &party.location,
            ));
        }
        if party.address.is_empty()
            && party.country.is_none()
            && party.town.is_none()
            && party.identifiers.is_empty()
            && party.bic.is_none()
        {
            findings.push(finding(
                FindingKind::MissingOriginatorAddress,
                &party.location,
            ));
        }
    }
    let beneficiaries: Vec<&Party> = message
        .parties
        .iter()
        .filter(relevant)
        .filter(|party| party.role == Role::Beneficiary)
        .collect();
    if beneficiaries.is_empty() {
        findings.push(finding(FindingKind::MissingBeneficiary, ""));
    }
    for party in beneficiaries {
        if party.name.is_none() && party.bic.is_none() {
            findings.push(finding(
                FindingKind::MissingBeneficiaryName,
                &party.location,
            ));
        }
        if party.account.is_none() {
            findings.push(finding(
                FindingKind::MissingBeneficiaryAccount,
                &party.location,
            ));
        }
    }
    for party in &message.parties {
        if let Some(account) = &party.account
            && looks_like_iban(&account.value)
            && ident::iban(&account.value).is_none()
        {
            findings.push(finding(FindingKind::InvalidIban, &party.location));
        }
    }
    findings
}

/// Two letters, two digits, then letters and digits: written as an IBAN.
fn looks_like_iban(text: &str) -> bool {
    let compact: Vec<u8> = text
        .bytes()
        .filter(|byte| !byte.is_ascii_whitespace())
        .collect();
    compact.len() >= 15
        && compact[..2].iter().all(u8::is_ascii_uppercase)
        && compact[2..4].iter().all(u8::is_ascii_digit)
        && compact.iter().all(u8::is_ascii_alphanumeric)
}
