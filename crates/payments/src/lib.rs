//! Payment messages read field by field, for screening.
//!
//! Brief overview: [`read`] takes the raw bytes of a SWIFT MT message (or an RJE file of
//! several, `$`-separated) or an ISO 20022 document (pacs.008, pacs.009 with COV,
//! pain.001, with or without its head.001 business application header) and gives one
//! [`Message`] per payment message: its kind, its [`Party`]s (customers and agents, each
//! with its role, the MT tag or MX path it came from, name, address lines, town, country,
//! account, BIC, LEI and other identifiers), every BIC anywhere in it (headers included),
//! and its [`FreeText`] fields (MT 70/72/77B, MX remittance information and
//! instructions), and its [`Transaction`]s where it carries several (each ISO 20022
//! CdtTrfTxInf, each sequence B of an MT101), which every party and text is placed in. Every value is a [`Text`]: the value and the byte span of
//! the raw input it was read from, so a hit can be highlighted in the message the operator
//! sees.
//!
//! - [`mt`]: the block and field reader for FIN messages (`{1:…}{2:…}{3:…}{4:…-}{5:…}`),
//!   and the meaning of each field option (A: BIC, D: name and address, F: structured,
//!   K: account, name and address, …).
//! - [`mx`]: a streaming walk over the XML (no tree), bounded in depth, that keeps the
//!   elements of a table of paths: party and agent containers, their names, postal
//!   addresses and identifiers, and the free-text elements.
//! - [`ident`]: BIC shape and country; IBAN checksum (mod 97) and country.
//! - [`screen`]: a [`PaymentFilter`] over the screener's parties gives each message a
//!   [`Verdict`] (clean or hold, each [`Hit`] with its field and byte span, R16 findings,
//!   and a [`TransactionVerdict`] per transaction of an ISO 20022 message);
//!   [`jurisdictions`]: sanctioned countries and regions by code and place name.
//! - [`traffic`]: realistic clean MT103 traffic, to measure false holds and speed.
//!
//! Why by hand: the `swift-mt-message` crate builds typed, validated structs per message
//! type, which refuse a field whose format is off and keep no byte offsets; a filter must
//! screen whatever a message holds, malformed fields included, and point at where it is.
//! quick-xml gives the MX side its tokens; the table of paths is this crate's.
//!
//! Bad input is an error naming the byte offset and the reason ([`MessageError`]); input
//! larger than `max_message_bytes` or deeper than `max_xml_depth` is refused; nothing
//! panics.
//!
//! A held message becomes a review case in sanctum-review (`payments`), which this crate
//! does not depend on: the server's `held_message` joins the two, for the CLI too.

pub mod ident;
pub mod jurisdictions;
pub mod mt;
pub mod mx;
pub mod screen;
pub mod traffic;

pub use jurisdictions::{Jurisdiction, Jurisdictions};
pub use screen::{
    Decision, Finding, FindingKind, Hit, ListMatch, Lists, PaymentFilter, TransactionVerdict,
    Verdict, Via,
};

use sanctum_limits::Limits;
use serde::Serialize;
use std::ops::Range;

/// A value read from a message and the bytes of the input it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Text {
    pub value: String,
    /// Byte offsets into the input given to [`read`].
    pub span: Range<usize>,
}

impl Text {
    pub fn new(value: impl Into<String>, span: Range<usize>) -> Text {
        Text {
            value: value.into(),
            span,
        }
    }
}

/// Which syntax a message is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Syntax {
    /// SWIFT FIN (MT).
    Mt,
    /// ISO 20022 XML (MX).
    Mx,
}

/// A byte range of the raw message, as `start` and `end` (end excluded): what the verdict's
/// `span` fields hold (the OpenAPI schema of `Range<usize>`).
#[cfg(feature = "openapi")]
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct ByteSpan {
    pub start: usize,
    pub end: usize,
}

/// The part a party or agent plays in a payment. MT field tags and MX elements map onto
/// the same roles, so the screening rules and the R16 completeness checks are written once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The originator: MT 50a, MX Dbtr.
    Originator,
    /// The beneficiary: MT 59a, MX Cdtr.
    Beneficiary,
    /// MX UltmtDbtr.
    UltimateDebtor,
    /// MX UltmtCdtr.
    UltimateCreditor,
    /// MX InitgPty.
    InitiatingParty,
    /// MT 51A.
    SendingInstitution,
    /// MT 52a, MX DbtrAgt.
    OrderingInstitution,
    /// MT 53a.
    SendersCorrespondent,
    /// MT 54a.
    ReceiversCorrespondent,
    /// MT 55a.
    ThirdReimbursementInstitution,
    /// MT 56a, MX IntrmyAgt1–3.
    Intermediary,
    /// MT 57a, MX CdtrAgt.
    AccountWithInstitution,
    /// MT 58a (the beneficiary bank of an MT 202).
    BeneficiaryInstitution,
    /// The sender in the header (MT block 1 or 2, MX AppHdr/Fr), MX InstgAgt.
    Sender,
    /// The receiver in the header (MT block 2, MX AppHdr/To), MX InstdAgt.
    Receiver,
    /// Any other agent (MX PrvsInstgAgt, FwdgAgt, …).
    OtherAgent,
}

impl Role {
    /// Whether the role is a financial institution (screened by BIC first) rather than a
    /// customer.
    pub fn is_agent(self) -> bool {
        !matches!(
            self,
            Role::Originator
                | Role::Beneficiary
                | Role::UltimateDebtor
                | Role::UltimateCreditor
                | Role::InitiatingParty
        )
    }
}

/// One party or agent of a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Party {
    pub role: Role,
    /// Where it was read: an MT tag with its option (`50K`, `57A`) or an MX path
    /// (`FIToFICstmrCdtTrf/CdtTrfTxInf/Cdtr`).
    pub location: String,
    /// In a cover payment (MT 202 COV, pacs.009 COV), whether it belongs to the underlying
    /// customer credit transfer.
    pub underlying: bool,
    /// The name, its lines joined (a name may run over two 35-character lines).
    pub name: Option<Text>,
    /// Address lines, structured parts included (street, building, post code…).
    pub address: Vec<Text>,
    pub town: Option<Text>,
    /// ISO 3166 alpha-2 code as written (MT 50F line 3, MX Ctry, CtryOfRes).
    pub country: Option<Text>,
    /// Account: an IBAN or another account number.
    pub account: Option<Text>,
    pub bic: Option<Text>,
    pub lei: Option<Text>,
    /// Other identifiers: national ids, passport numbers, party identifiers of MT 50F.
    pub identifiers: Vec<Text>,
    /// Every line of the party as written, for the free-text scan of names split over
    /// lines or written into the address.
    pub lines: Vec<Text>,
    /// The transactions of the message the party belongs to (positions in
    /// [`Message::transactions`]): one for a transaction's creditor, those of its payment
    /// information block for a pain.001 debtor; `None`: the whole message (headers, group
    /// header, MT).
    pub transactions: Option<Range<usize>>,
}

impl Party {
    pub fn new(role: Role, location: impl Into<String>, underlying: bool) -> Party {
        Party {
            role,
            location: location.into(),
            underlying,
            name: None,
            address: Vec::new(),
            town: None,
            country: None,
            account: None,
            bic: None,
            lei: None,
            identifiers: Vec::new(),
            lines: Vec::new(),
            transactions: None,
        }
    }
}

/// One free-text field: MT 70, 72, 77B; MX Ustrd, InstrInf, RgltryRptg, Purp.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FreeText {
    pub location: String,
    pub underlying: bool,
    /// The field's lines as written (35 characters each in MT).
    pub lines: Vec<Text>,
    /// The transactions it belongs to, as [`Party::transactions`].
    pub transactions: Option<Range<usize>>,
}

/// One transaction of a message that carries several: an ISO 20022 CdtTrfTxInf (pacs.008,
/// pacs.009, each of pain.001's payment information blocks), an MT101's sequence B.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Transaction {
    /// Its element's path (`FIToFICstmrCdtTrf/CdtTrfTxInf`), or `B` for an MT101's
    /// sequence B.
    pub location: String,
    /// Its end-to-end id (else its instruction or transaction id; MT101: field 21).
    pub reference: Option<Text>,
    /// Its element's bytes in the input (MT101: from field 21 to the sequence's last field).
    pub span: Range<usize>,
}

/// One payment message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    pub syntax: Syntax,
    /// `MT103`, `MT103STP`, `MT202COV`, `pacs.008.001.08`, … `MT` when an MT message has no
    /// application header to say which.
    pub kind: String,
    /// The sender's reference: MT field 20, MX BizMsgIdr or MsgId.
    pub reference: Option<Text>,
    /// Byte range of the message in the input (several MT messages share one RJE file).
    pub span: Range<usize>,
    pub parties: Vec<Party>,
    /// Every BIC written anywhere in the message: headers, parties, agents.
    pub bics: Vec<Text>,
    pub free_texts: Vec<FreeText>,
    /// The transactions of an ISO 20022 message or an MT101, each screened to a verdict of
    /// its own; empty for the other MT types (one transfer per message).
    pub transactions: Vec<Transaction>,
}

impl Message {
    pub fn is_cover(&self) -> bool {
        self.kind.ends_with("COV") || self.parties.iter().any(|party| party.underlying)
    }
}

/// Why a message could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MessageError {
    #[error("message of {found} bytes is larger than max_message_bytes ({limit})")]
    TooLarge { found: usize, limit: usize },
    #[error("empty input: no message")]
    Empty,
    #[error("not a payment message: neither SWIFT MT (`{{1:` or `:20:`) nor ISO 20022 XML (`<`)")]
    UnknownSyntax,
    #[error("byte {offset}: {reason}")]
    Malformed { offset: usize, reason: String },
    #[error("byte {offset}: XML nesting deeper than max_xml_depth ({limit})")]
    TooDeep { offset: usize, limit: usize },
}

impl MessageError {
    pub(crate) fn malformed(offset: usize, reason: impl Into<String>) -> MessageError {
        MessageError::Malformed {
            offset,
            reason: reason.into(),
        }
    }
}

/// Reads every message in `input`: MT (one message, or an RJE file) or MX, told apart by
/// the first non-blank byte.
pub fn read(input: &[u8], limits: &Limits) -> Result<Vec<Message>, MessageError> {
    if input.len() > limits.max_message_bytes {
        return Err(MessageError::TooLarge {
            found: input.len(),
            limit: limits.max_message_bytes,
        });
    }
    let after_bom = if input.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let start = input[after_bom..]
        .iter()
        .position(|byte| !byte.is_ascii_whitespace())
        .map(|position| after_bom + position)
        .ok_or(MessageError::Empty)?;
    match input[start] {
        b'<' => mx::read(input, limits).map(|message| vec![message]),
        b'{' | b':' | b'$' => mt::read(input, limits),
        _ => Err(MessageError::UnknownSyntax),
    }
}
