//! ISO 20022 (MX) messages: a streaming walk over the XML and a table of the elements that
//! screening needs.
//!
//! The walk keeps only the stack of open element names (local names: the namespace differs
//! from one message version to the next, pacs.008.001.08 to .13, while the element names
//! screening needs do not). Elements are placed by their names:
//! - a *party* container ([`PARTIES`]: Dbtr, Cdtr, UltmtDbtr, UltmtCdtr, InitgPty) or an
//!   *agent* container (DbtrAgt, CdtrAgt, IntrmyAgt1–3, InstgAgt, InstdAgt, any other `…Agt`,
//!   and the header's Fr and To) collects the leaves inside it: Nm, the postal address
//!   (AdrLine, StrtNm, TwnNm, Ctry, …), BICFI/AnyBIC, LEI and other identifiers;
//! - an account (DbtrAcct, CdtrAcct, …) gives its IBAN or other id to the party it follows;
//! - free text ([`FREE_TEXT`]): remittance information, instructions to agents, regulatory
//!   reporting, proprietary purpose;
//! - inside UndrlygCstmrCdtTrf (pacs.009 COV) everything is marked underlying;
//! - each CdtTrfTxInf is a [`Transaction`]: what is read inside it belongs to it, what a
//!   pain.001 payment information block (PmtInf) says outside its transactions (the
//!   debtor, its agent) belongs to each of the block's transactions, and the headers to
//!   every transaction.
//!
//! A DOCTYPE is refused (ISO 20022 messages have none; it is how entity attacks start), as
//! is nesting past `max_xml_depth` and a document that ends inside an element.

use crate::ident;
use crate::{FreeText, Message, MessageError, Party, Role, Syntax, Text, Transaction};
use quick_xml::Reader;
use quick_xml::events::Event;
use sanctum_limits::Limits;

/// Party containers and their roles.
const PARTIES: [(&str, Role); 5] = [
    ("Dbtr", Role::Originator),
    ("Cdtr", Role::Beneficiary),
    ("UltmtDbtr", Role::UltimateDebtor),
    ("UltmtCdtr", Role::UltimateCreditor),
    ("InitgPty", Role::InitiatingParty),
];

/// Agent containers with a role of their own; any other element ending in `Agt` (or
/// `Agt1`–`Agt3`) is [`Role::OtherAgent`].
const AGENTS: [(&str, Role); 7] = [
    ("DbtrAgt", Role::OrderingInstitution),
    ("CdtrAgt", Role::AccountWithInstitution),
    ("IntrmyAgt1", Role::Intermediary),
    ("IntrmyAgt2", Role::Intermediary),
    ("IntrmyAgt3", Role::Intermediary),
    ("InstgAgt", Role::Sender),
    ("InstdAgt", Role::Receiver),
];

/// Accounts and the container whose party they belong to.
const ACCOUNTS: [(&str, &str); 4] = [
    ("DbtrAcct", "Dbtr"),
    ("CdtrAcct", "Cdtr"),
    ("DbtrAgtAcct", "DbtrAgt"),
    ("CdtrAgtAcct", "CdtrAgt"),
];

/// Free-text leaves, each as (its parent, itself): unstructured remittance information,
/// additional remittance information, instructions for the creditor's agent and the next
/// agent, regulatory reporting details, a proprietary purpose.
const FREE_TEXT: [(&str, &str); 6] = [
    ("RmtInf", "Ustrd"),
    ("Strd", "AddtlRmtInf"),
    ("InstrForCdtrAgt", "InstrInf"),
    ("InstrForNxtAgt", "InstrInf"),
    ("Dtls", "Inf"),
    ("Purp", "Prtry"),
];

/// Postal address parts kept as address lines (town and country have fields of their own).
const ADDRESS_PARTS: [&str; 14] = [
    "AdrLine",
    "StrtNm",
    "BldgNb",
    "BldgNm",
    "Flr",
    "PstBx",
    "Room",
    "PstCd",
    "TwnLctnNm",
    "DstrctNm",
    "CtrySubDvsn",
    "Dept",
    "SubDept",
    "CareOf",
];

/// The role of a container element, if it is one.
fn container_role(name: &str, parent: Option<&str>) -> Option<Role> {
    if let Some((_, role)) = PARTIES.iter().find(|(party, _)| *party == name) {
        return Some(*role);
    }
    if let Some((_, role)) = AGENTS.iter().find(|(agent, _)| *agent == name) {
        return Some(*role);
    }
    if parent == Some("AppHdr") {
        return match name {
            "Fr" => Some(Role::Sender),
            "To" => Some(Role::Receiver),
            _ => None,
        };
    }
    let stem = name.trim_end_matches(['1', '2', '3']);
    stem.ends_with("Agt").then_some(Role::OtherAgent)
}

/// A transaction element (CdtTrfTxInf) or a payment information block (PmtInf) being read:
/// where it starts, and the first transaction, party and free text read inside it.
struct Scope {
    depth: usize,
    first_transaction: usize,
    first_party: usize,
    first_text: usize,
}

impl Scope {
    /// Gives the parties and free texts read inside the scope, not yet placed in a
    /// narrower one, the transactions from its first to `transactions_end`.
    fn close(&self, parties: &mut [Party], free_texts: &mut [FreeText], transactions_end: usize) {
        let range = self.first_transaction..transactions_end;
        for party in parties.iter_mut().skip(self.first_party) {
            party.transactions.get_or_insert(range.clone());
        }
        for text in free_texts.iter_mut().skip(self.first_text) {
            text.transactions.get_or_insert(range.clone());
        }
    }
}

/// An open container: its party and where it sits in the stack.
struct Open {
    party: Party,
    depth: usize,
    /// For an account element, the container name of the party it belongs to.
    account_of: Option<&'static str>,
}

/// Reads one MX document (with its header, if any).
pub fn read(input: &[u8], limits: &Limits) -> Result<Message, MessageError> {
    let mut reader = Reader::from_reader(input);
    let config = reader.config_mut();
    config.expand_empty_elements = true;
    config.check_end_names = true;
    let mut stack: Vec<String> = Vec::new();
    // A number per element opened, beside `stack`: tells two RmtInf elements apart.
    let mut element_ids: Vec<u64> = Vec::new();
    let mut elements_opened = 0u64;
    let mut free_text_parent: Option<u64> = None;
    let mut open: Vec<Open> = Vec::new();
    let mut parties: Vec<Party> = Vec::new();
    let mut bics = Vec::new();
    let mut free_texts: Vec<FreeText> = Vec::new();
    let mut reference: Option<Text> = None;
    let mut kind: Option<String> = None;
    let mut transactions: Vec<Transaction> = Vec::new();
    // The open transaction (CdtTrfTxInf) and payment information block (PmtInf).
    let mut transaction_scope: Option<Scope> = None;
    let mut block_scope: Option<Scope> = None;
    let mut saw_document = false;
    let mut text = String::new();
    let mut text_span = 0..0;
    let mut buf = Vec::new();
    loop {
        let before = reader.buffer_position() as usize;
        buf.clear();
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|error| MessageError::malformed(before, format!("malformed XML: {error}")))?;
        let after = reader.buffer_position() as usize;
        match event {
            Event::DocType(_) => {
                return Err(MessageError::malformed(
                    before,
                    "a DOCTYPE is not allowed in an ISO 20022 message",
                ));
            }
            Event::Start(start) => {
                if stack.len() >= limits.max_xml_depth {
                    return Err(MessageError::TooDeep {
                        offset: before,
                        limit: limits.max_xml_depth,
                    });
                }
                let name = start.local_name().as_ref().to_string();
                if name == "Document" {
                    saw_document = true;
                    for attribute in start.attributes().flatten() {
                        let key: &str = attribute.key.as_ref();
                        if (key == "xmlns" || key.starts_with("xmlns:"))
                            && let Some(version) = attribute
                                .value
                                .strip_prefix("urn:iso:std:iso:20022:tech:xsd:")
                        {
                            kind.get_or_insert_with(|| version.to_string());
                        }
                    }
                }
                let parent = stack.last().map(String::as_str);
                let account_of = ACCOUNTS
                    .iter()
                    .find(|(account, _)| *account == name)
                    .map(|(_, owner)| *owner);
                let role = match account_of {
                    Some(owner) => container_role(owner, None),
                    None => container_role(&name, parent),
                };
                let scope = || Scope {
                    depth: stack.len(),
                    first_transaction: transactions.len(),
                    first_party: parties.len(),
                    first_text: free_texts.len(),
                };
                if name == "CdtTrfTxInf" && transaction_scope.is_none() {
                    transaction_scope = Some(scope());
                    transactions.push(Transaction {
                        location: path(&stack, &name),
                        reference: None,
                        span: before..after,
                    });
                } else if name == "PmtInf" && block_scope.is_none() {
                    block_scope = Some(scope());
                }
                if let Some(role) = role {
                    let underlying = stack.iter().any(|element| element == "UndrlygCstmrCdtTrf");
                    let location = path(&stack, account_of.unwrap_or(&name));
                    open.push(Open {
                        party: Party::new(role, location, underlying),
                        depth: stack.len(),
                        account_of,
                    });
                }
                stack.push(name);
                element_ids.push(elements_opened);
                elements_opened += 1;
                text.clear();
                text_span = after..after;
            }
            Event::Text(content) => {
                if text.is_empty() {
                    text_span = before..after;
                } else {
                    text_span.end = after;
                }
                text.push_str(&content.xml10_content());
            }
            Event::CData(content) => {
                if text.is_empty() {
                    text_span = before..after;
                } else {
                    text_span.end = after;
                }
                text.push_str(&content.xml10_content());
            }
            Event::GeneralRef(reference) => {
                let resolved = match reference.strip_prefix('#') {
                    Some(number) => char_ref(number).map(String::from),
                    None => {
                        quick_xml::escape::resolve_predefined_entity(&reference).map(str::to_string)
                    }
                };
                let Some(resolved) = resolved else {
                    return Err(MessageError::malformed(
                        before,
                        format!("unknown entity reference &{};", &*reference),
                    ));
                };
                if text.is_empty() {
                    text_span = before..after;
                } else {
                    text_span.end = after;
                }
                text.push_str(&resolved);
            }
            Event::End(_) => {
                let Some(name) = stack.pop() else {
                    return Err(MessageError::malformed(before, "end tag without a start"));
                };
                element_ids.pop();
                let value = text.trim();
                if !value.is_empty() {
                    let leaf = Text::new(value, text_span.clone());
                    let parent = stack.last().map(String::as_str);
                    if transaction_scope.is_some()
                        && let Some(current) = transactions.last_mut()
                        && parent == Some("PmtId")
                    {
                        match name.as_str() {
                            "EndToEndId" => current.reference = Some(leaf.clone()),
                            "InstrId" | "TxId" => {
                                current.reference.get_or_insert(leaf.clone());
                            }
                            _ => {}
                        }
                    }
                    let into = Gathered {
                        open: &mut open,
                        bics: &mut bics,
                        free_texts: &mut free_texts,
                        free_text_parent: &mut free_text_parent,
                        reference: &mut reference,
                        kind: &mut kind,
                    };
                    place_leaf(
                        &name,
                        parent,
                        element_ids.last().copied(),
                        &stack,
                        leaf,
                        into,
                    );
                }
                text.clear();
                if open.last().is_some_and(|top| top.depth == stack.len())
                    && let Some(done) = open.pop()
                {
                    match done.account_of {
                        Some(_) => attach_account(&mut parties, done.party),
                        None => parties.push(done.party),
                    }
                }
                if let Some(scope) = transaction_scope.take_if(|scope| scope.depth == stack.len()) {
                    scope.close(&mut parties, &mut free_texts, transactions.len());
                    if let Some(current) = transactions.last_mut() {
                        current.span.end = after;
                    }
                }
                if let Some(scope) = block_scope.take_if(|scope| scope.depth == stack.len()) {
                    scope.close(&mut parties, &mut free_texts, transactions.len());
                }
            }
            Event::Eof => {
                if let Some(inside) = stack.last() {
                    return Err(MessageError::malformed(
                        before,
                        format!("the message ends inside <{inside}>: it is cut short"),
                    ));
                }
                break;
            }
            _ => {}
        }
    }
    if !saw_document {
        return Err(MessageError::malformed(
            0,
            "no ISO 20022 <Document> element: not a payment message",
        ));
    }
    Ok(Message {
        syntax: Syntax::Mx,
        kind: kind.unwrap_or_else(|| "MX".to_string()),
        reference,
        span: 0..input.len(),
        parties,
        bics,
        free_texts,
        transactions,
    })
}

/// The path of an element below the document (or the header), for locations.
fn path(stack: &[String], name: &str) -> String {
    let from = stack
        .iter()
        .rposition(|element| element == "Document")
        .map_or_else(
            || {
                stack
                    .iter()
                    .rposition(|element| element == "AppHdr")
                    .unwrap_or(0)
            },
            |document| document + 1,
        );
    let mut parts: Vec<&str> = stack[from..].iter().map(String::as_str).collect();
    parts.push(name);
    parts.join("/")
}

/// What the walk has gathered, for [`place_leaf`] to add to.
struct Gathered<'a> {
    open: &'a mut [Open],
    bics: &'a mut Vec<Text>,
    free_texts: &'a mut Vec<FreeText>,
    /// The element holding the last free text, so repeated lines of one RmtInf join.
    free_text_parent: &'a mut Option<u64>,
    reference: &'a mut Option<Text>,
    kind: &'a mut Option<String>,
}

/// Files one leaf (an element with text) where it belongs.
fn place_leaf(
    name: &str,
    parent: Option<&str>,
    parent_id: Option<u64>,
    stack: &[String],
    leaf: Text,
    into: Gathered<'_>,
) {
    let Gathered {
        open,
        bics,
        free_texts,
        free_text_parent,
        reference,
        kind,
    } = into;
    match (parent, name) {
        (Some("AppHdr"), "BizMsgIdr") | (Some("GrpHdr"), "MsgId") => {
            reference.get_or_insert(leaf.clone());
        }
        (Some("AppHdr"), "MsgDefIdr") => {
            kind.get_or_insert_with(|| leaf.value.clone());
        }
        _ => {}
    }
    if matches!(name, "BICFI" | "AnyBIC" | "BIC") {
        bics.push(leaf.clone());
    }
    if let Some(top) = open.last_mut() {
        let party = &mut top.party;
        let in_address = parent == Some("PstlAdr");
        match name {
            "Nm" if matches!(parent, Some("FinInstnId" | "Pty")) || is_container(parent) => {
                party.lines.push(leaf.clone());
                party.name = Some(leaf);
            }
            "TwnNm" if in_address => {
                party.lines.push(leaf.clone());
                party.town = Some(leaf);
            }
            "Ctry" if in_address => party.country = Some(leaf),
            "CtryOfRes" => {
                party.country.get_or_insert(leaf);
            }
            _ if in_address && ADDRESS_PARTS.contains(&name) => {
                party.lines.push(leaf.clone());
                party.address.push(leaf);
            }
            "BICFI" | "AnyBIC" | "BIC" if ident::is_bic(leaf.value.trim()) => {
                party.bic.get_or_insert(leaf);
            }
            "BICFI" | "AnyBIC" | "BIC" => party.identifiers.push(leaf),
            "LEI" => {
                party.lei.get_or_insert(leaf);
            }
            "IBAN" => {
                party.account.get_or_insert(leaf);
            }
            "Id" if matches!(parent, Some("Othr")) && top.account_of.is_some() => {
                party.account.get_or_insert(leaf);
            }
            "Id" if matches!(parent, Some("Othr")) => party.identifiers.push(leaf),
            "MmbId" => party.identifiers.push(leaf),
            _ => {}
        }
        return;
    }
    if let Some(parent) = parent
        && FREE_TEXT
            .iter()
            .any(|(holder, element)| *holder == parent && *element == name)
    {
        let location = path(stack, name);
        let underlying = stack.iter().any(|element| element == "UndrlygCstmrCdtTrf");
        // Repeated Ustrd lines of one RmtInf make one text, as MT's 35-character lines do.
        if let Some(last) = free_texts.last_mut()
            && name == "Ustrd"
            && *free_text_parent == parent_id
        {
            last.lines.push(leaf);
        } else {
            *free_text_parent = parent_id;
            free_texts.push(FreeText {
                location,
                underlying,
                lines: vec![leaf],
                transactions: None,
            });
        }
    }
}

fn is_container(element: Option<&str>) -> bool {
    element.is_some_and(|name| container_role(name, None).is_some())
}

/// An account element closed: its account goes to the party it follows (DbtrAcct to the
/// Dbtr of the same transaction, which the schemas place just before it); an account with
/// no such party stands as a party of its own, so it is still screened.
fn attach_account(parties: &mut Vec<Party>, account: Party) {
    let Some(value) = account.account.clone() else {
        return;
    };
    match parties
        .iter_mut()
        .rev()
        .find(|party| party.location == account.location)
    {
        Some(party) if party.account.is_none() => party.account = Some(value),
        _ => parties.push(account),
    }
}

fn char_ref(number: &str) -> Option<char> {
    let code = match number.strip_prefix(['x', 'X']) {
        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
        None => number.parse().ok()?,
    };
    char::from_u32(code).filter(|&c| c != '\0')
}
