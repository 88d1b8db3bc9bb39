//! SWIFT FIN (MT) messages: blocks, fields, and what each field option holds.
//!
//! A message is `{1:basic header}{2:application header}{3:user header}{4:\n:tag:value\n…-}
//! {5:trailer}`; an RJE file holds several, separated by `$`. The text block is a sequence
//! of fields, each `:NNa:` at the start of a line with its value running to the next field;
//! the tag's number says which party (50 originator … 59 beneficiary) and its option letter
//! how the value is written (A: account line and BIC; D and K: account line, name and
//! address; F: numbered lines `1/name`, `2/address`, `3/country/town`). Headers give the
//! sender's and receiver's BICs and, in block 3's field 119, `COV` or `STP`. An MT101
//! carries several transfers: sequence A (the ordering customer and its bank, for all),
//! then one sequence B per transaction, each opened by its reference, field 21; each B is a
//! [`Transaction`] and its parties and texts are placed in it.
//!
//! The reader keeps every value's byte span, accepts CRLF or LF, and refuses what it cannot
//! place: a block that never closes, a text block without its `-}` end (a truncated
//! message), text before the first field.

use crate::ident;
use crate::{FreeText, Message, MessageError, Party, Role, Syntax, Text, Transaction};
use sanctum_limits::Limits;

/// The request for transfer: one message, several transactions.
const MULTIPLE_TRANSFER_KIND: &str = "MT101";

/// The field that opens each transaction of an MT101 (its sequence B): the transaction
/// reference.
const TRANSACTION_TAG: &str = "21";

/// [`Transaction::location`] of an MT101 transaction: its sequence.
const TRANSACTION_LOCATION: &str = "B";

/// Free-text fields: remittance information (70), sender to receiver information (72),
/// regulatory reporting (77B), envelope contents (77T), narrative (79).
const FREE_TEXT_TAGS: [&str; 5] = ["70", "72", "77B", "77T", "79"];

/// Reads every message of an MT input: one message, or an RJE file of several.
pub fn read(input: &[u8], _limits: &Limits) -> Result<Vec<Message>, MessageError> {
    let text = std::str::from_utf8(input).map_err(|error| {
        MessageError::malformed(
            error.valid_up_to(),
            "not UTF-8 text (FIN messages are written in the SWIFT character set)",
        )
    })?;
    let mut messages = Vec::new();
    for (start, end) in split_rje(text) {
        let chunk = &text[start..end];
        let trimmed_start = start + (chunk.len() - chunk.trim_start().len());
        let trimmed_end = start + chunk.trim_end().len();
        if trimmed_start >= trimmed_end {
            continue;
        }
        messages.push(read_one(text, trimmed_start..trimmed_end)?);
    }
    if messages.is_empty() {
        return Err(MessageError::Empty);
    }
    Ok(messages)
}

/// The byte ranges between `$` separators outside any block.
fn split_rje(text: &str) -> Vec<(usize, usize)> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (offset, byte) in text.bytes().enumerate() {
        match byte {
            b'{' => depth += 1,
            b'}' => depth = depth.saturating_sub(1),
            b'$' if depth == 0 => {
                parts.push((start, offset));
                start = offset + 1;
            }
            _ => {}
        }
    }
    parts.push((start, text.len()));
    parts
}

/// The blocks of one message, as byte ranges of their contents.
#[derive(Default)]
struct Blocks {
    basic: Option<std::ops::Range<usize>>,
    application: Option<std::ops::Range<usize>>,
    user: Option<std::ops::Range<usize>>,
    text: Option<std::ops::Range<usize>>,
}

fn read_one(text: &str, span: std::ops::Range<usize>) -> Result<Message, MessageError> {
    let bytes = text.as_bytes();
    let blocks = if bytes[span.start] == b':' {
        // A bare text block, as operators paste it: no headers.
        let body_end = text[span.clone()]
            .trim_end()
            .strip_suffix('-')
            .map_or(span.end, |body| span.start + body.len());
        Blocks {
            text: Some(span.start..body_end),
            ..Blocks::default()
        }
    } else {
        read_blocks(text, span.clone())?
    };
    let Some(body) = blocks.text.clone() else {
        return Err(MessageError::malformed(
            span.start,
            "no text block ({4:…-}): nothing to screen",
        ));
    };

    let mut bics = Vec::new();
    let mut parties = Vec::new();
    let mut message_type = None;
    let header_party = |role, location: &str, lt: &str, at: usize, parties: &mut Vec<Party>| {
        if let Some(bic) = ident::bic_from_lt_address(lt) {
            let mut party = Party::new(role, location, false);
            party.bic = Some(Text::new(bic, at..at + lt.len()));
            parties.push(party);
        }
    };
    if let Some(basic) = &blocks.basic {
        // F01 + the logical terminal's 12-character address + session + sequence.
        if let Some(lt) = text.get(basic.start + 3..basic.start + 15) {
            // Block 1 is the sender of an input message and the receiver of an output one.
            let output = blocks
                .application
                .as_ref()
                .is_some_and(|application| text[application.clone()].starts_with('O'));
            let role = if output { Role::Receiver } else { Role::Sender };
            header_party(role, "1", lt, basic.start + 3, &mut parties);
        }
    }
    if let Some(application) = &blocks.application {
        let header = &text[application.clone()];
        message_type = header.get(1..4).map(str::to_string);
        // Input: I + type + receiver's address; output: O + type + input time + the message
        // input reference (date, the sender's address, session, sequence).
        let (role, offset) = if header.starts_with('O') {
            (Role::Sender, 14)
        } else {
            (Role::Receiver, 4)
        };
        if let Some(lt) = header.get(offset..offset + 12) {
            header_party(role, "2", lt, application.start + offset, &mut parties);
        }
    }
    let validation = blocks.user.as_ref().and_then(|user| {
        let header = &text[user.clone()];
        let at = header.find("{119:")?;
        let rest = &header[at + 5..];
        Some(rest[..rest.find('}').unwrap_or(rest.len())].to_string())
    });
    let kind = match (&message_type, validation.as_deref()) {
        (Some(number), Some(flag @ ("COV" | "STP"))) => format!("MT{number}{flag}"),
        (Some(number), _) => format!("MT{number}"),
        (None, _) => "MT".to_string(),
    };
    let cover = kind.ends_with("COV");

    let fields = read_fields(text, body)?;
    let mut reference = None;
    let mut free_texts = Vec::new();
    let mut transactions: Vec<Transaction> = Vec::new();
    // In a cover payment, the underlying customer credit transfer (sequence B) starts with
    // its ordering customer, field 50a.
    let mut in_underlying = false;
    let several_transactions = kind == MULTIPLE_TRANSFER_KIND;
    for field in &fields {
        let number = &field.tag[..2];
        let option = field.tag[2..].chars().next();
        if cover && number == "50" {
            in_underlying = true;
        }
        if field.tag == "20" {
            reference = field.lines.first().cloned();
            continue;
        }
        if several_transactions && field.tag == TRANSACTION_TAG {
            transactions.push(Transaction {
                location: TRANSACTION_LOCATION.to_string(),
                reference: field.lines.first().cloned(),
                span: field.span.clone(),
            });
            continue;
        }
        // The fields of an MT101's sequence B belong to its transaction; those before the
        // first (sequence A) to every one.
        let transaction = transactions.len().checked_sub(1).map(|last| {
            if let Some(open) = transactions.last_mut() {
                open.span.end = field.span.end;
            }
            last..last + 1
        });
        if FREE_TEXT_TAGS.contains(&field.tag.as_str()) {
            free_texts.push(FreeText {
                location: field.tag.clone(),
                underlying: in_underlying,
                lines: field.lines.clone(),
                transactions: transaction,
            });
            continue;
        }
        let role = match (number, option) {
            ("50", Some('C' | 'L')) => Role::InitiatingParty,
            ("50", _) => Role::Originator,
            ("51", _) => Role::SendingInstitution,
            ("52", _) => Role::OrderingInstitution,
            ("53", _) => Role::SendersCorrespondent,
            ("54", _) => Role::ReceiversCorrespondent,
            ("55", _) => Role::ThirdReimbursementInstitution,
            ("56", _) => Role::Intermediary,
            ("57", _) => Role::AccountWithInstitution,
            ("58", _) => Role::BeneficiaryInstitution,
            ("59", _) => Role::Beneficiary,
            _ => continue,
        };
        let mut party = Party::new(role, field.tag.clone(), in_underlying);
        party.lines = field.lines.clone();
        party.transactions = transaction;
        read_party(&mut party, option, &field.lines);
        parties.push(party);
    }
    for party in &parties {
        if let Some(bic) = &party.bic {
            bics.push(bic.clone());
        }
    }
    Ok(Message {
        syntax: Syntax::Mt,
        kind,
        reference,
        span,
        parties,
        bics,
        free_texts,
        transactions,
    })
}

/// The blocks of a message with headers.
fn read_blocks(text: &str, span: std::ops::Range<usize>) -> Result<Blocks, MessageError> {
    let bytes = text.as_bytes();
    let mut blocks = Blocks::default();
    let mut at = span.start;
    while at < span.end {
        if bytes[at].is_ascii_whitespace() {
            at += 1;
            continue;
        }
        if bytes[at] != b'{' {
            return Err(MessageError::malformed(
                at,
                "expected `{` to open a block (FIN blocks are `{1:…}` to `{5:…}`)",
            ));
        }
        let colon = text[at..span.end]
            .find(':')
            .map(|offset| at + offset)
            .ok_or_else(|| MessageError::malformed(at, "block without `:` after its number"))?;
        let id = &text[at + 1..colon];
        let content_start = colon + 1;
        let content_end;
        if id == "4" {
            // The text block ends with a line holding only `-`, then `}`.
            let rest = &text[content_start..span.end];
            let end = rest
                .find("\n-}")
                .map(|offset| offset + 1)
                .or_else(|| rest.starts_with("-}").then_some(0));
            let Some(end) = end else {
                return Err(MessageError::malformed(
                    at,
                    "the text block {4: never ends with `-}`: the message is cut short",
                ));
            };
            content_end = content_start + end;
            blocks.text = Some(content_start..content_end);
            at = content_end + 2;
            continue;
        }
        if !matches!(id, "1" | "2" | "3" | "5" | "S") {
            return Err(MessageError::malformed(
                at,
                format!("`{{{id}:` is not a block: FIN blocks are 1 to 5 (and S)"),
            ));
        }
        // Blocks 3 and 5 hold sub-blocks `{108:…}`: count braces to the closing one.
        let mut depth = 1usize;
        let mut end = None;
        for (offset, byte) in text[content_start..span.end].bytes().enumerate() {
            match byte {
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(content_start + offset);
                        break;
                    }
                }
                _ => {}
            }
        }
        let Some(end) = end else {
            return Err(MessageError::malformed(
                at,
                format!("block {{{id}: never closes: the message is cut short"),
            ));
        };
        content_end = end;
        match id {
            "1" => blocks.basic = Some(content_start..content_end),
            "2" => blocks.application = Some(content_start..content_end),
            "3" => blocks.user = Some(content_start..content_end),
            _ => {}
        }
        at = content_end + 1;
    }
    Ok(blocks)
}

/// One field of the text block: its tag and its lines.
struct Field {
    tag: String,
    lines: Vec<Text>,
    /// From the `:` opening its tag to the end of its last line.
    span: std::ops::Range<usize>,
}

/// A tag at the start of a line: `:` two digits, an optional upper-case option letter, `:`.
fn tag_at(line: &str) -> Option<(&str, usize)> {
    let bytes = line.as_bytes();
    if bytes.len() < 4
        || bytes[0] != b':'
        || !bytes[1].is_ascii_digit()
        || !bytes[2].is_ascii_digit()
    {
        return None;
    }
    if bytes[3] == b':' {
        return Some((&line[1..3], 4));
    }
    if bytes.len() >= 5 && bytes[3].is_ascii_uppercase() && bytes[4] == b':' {
        return Some((&line[1..4], 5));
    }
    None
}

fn read_fields(text: &str, body: std::ops::Range<usize>) -> Result<Vec<Field>, MessageError> {
    let mut fields: Vec<Field> = Vec::new();
    let mut at = body.start;
    while at < body.end {
        let line_end = text[at..body.end]
            .find('\n')
            .map_or(body.end, |offset| at + offset);
        let raw = &text[at..line_end];
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some((tag, value_at)) = tag_at(line) {
            let value = &line[value_at..];
            let mut field = Field {
                tag: tag.to_string(),
                lines: Vec::new(),
                span: at..at + value_at,
            };
            if !value.trim().is_empty() {
                let value_span = at + value_at..at + value_at + value.trim_end().len();
                field.span.end = value_span.end;
                field.lines.push(Text::new(value.trim_end(), value_span));
            }
            fields.push(field);
        } else if !line.trim().is_empty() {
            let Some(field) = fields.last_mut() else {
                return Err(MessageError::malformed(
                    at,
                    "text before the first field of the text block",
                ));
            };
            let line_span = at..at + line.trim_end().len();
            field.span.end = line_span.end;
            field.lines.push(Text::new(line.trim_end(), line_span));
        }
        at = line_end + 1;
    }
    Ok(fields)
}

/// The part of `line` from byte `from`, with its span.
fn rest(line: &Text, from: usize) -> Text {
    let value = line.value.get(from..).unwrap_or("");
    Text::new(value.trim(), line.span.start + from..line.span.end)
}

/// Fills a party from its field's lines, by the field's option letter.
fn read_party(party: &mut Party, option: Option<char>, lines: &[Text]) {
    let mut lines = lines.iter().peekable();
    // Options A, B, C, D, G, H, K and none may open with an account line: `/C/…`, `/D/…`,
    // `//` national clearing codes, or `/` and the account.
    if option != Some('F')
        && let Some(line) = lines.next_if(|line| line.value.starts_with('/'))
    {
        let from = if line.value.starts_with("/C/") || line.value.starts_with("/D/") {
            3
        } else {
            line.value.bytes().take_while(|byte| *byte == b'/').count()
        };
        party.account = Some(rest(line, from));
    }
    match option {
        Some('A' | 'C' | 'G') => {
            for line in lines {
                let value = line.value.trim();
                if ident::is_bic(value) && party.bic.is_none() {
                    party.bic = Some(Text::new(value, line.span.clone()));
                } else {
                    party.identifiers.push(line.clone());
                }
            }
        }
        Some('L') => party.identifiers.extend(lines.cloned()),
        Some('B') => party.address.extend(lines.cloned()),
        Some('F') => read_structured(party, lines.cloned().collect()),
        // D, H, K, and 59 without a letter: name, then address lines.
        _ => {
            if let Some(name) = lines.next() {
                party.name = Some(name.clone());
            }
            party.address.extend(lines.cloned());
            party.country = party.address.iter().rev().find_map(country_of_town_line);
        }
    }
}

/// The country of an address line written `CC/TOWN`, as the free-format name and address
/// of 50K and 59 end in practice: the structured options' line 3 (`3/CC/TOWN`) written
/// without its number, which the translation rules between MT and ISO 20022 (CBPR+) map to
/// the postal address's country and town. A line whose first two characters are letters
/// before a slash and a place (`DE/DUESSELDORF`), not a code word (`/INV/`).
fn country_of_town_line(line: &Text) -> Option<Text> {
    let bytes = line.value.as_bytes();
    let written = bytes.len() > 3
        && bytes[..2].iter().all(u8::is_ascii_uppercase)
        && bytes[2] == b'/'
        && bytes[3..].iter().any(u8::is_ascii_alphabetic);
    (written && sanctum_model::country::code(&line.value[..2]).is_some())
        .then(|| Text::new(&line.value[..2], line.span.start..line.span.start + 2))
}

/// Option F (50F, 59F): a party identifier or account line, then numbered lines.
fn read_structured(party: &mut Party, lines: Vec<Text>) {
    let mut name_parts: Vec<Text> = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let value = line.value.as_str();
        let numbered =
            value.len() >= 2 && value.as_bytes()[0].is_ascii_digit() && value.as_bytes()[1] == b'/';
        if index == 0 && !numbered {
            if let Some(account) = value.strip_prefix('/') {
                party.account = Some(Text::new(
                    account.trim(),
                    line.span.start + 1..line.span.end,
                ));
            } else {
                // `CODE/country/identifier`: a passport, national id, customer number…
                party.identifiers.push(line.clone());
                if let Some(country) = value.split('/').nth(1).filter(|code| code.len() == 2) {
                    let at = line.span.start + value.find('/').unwrap_or(0) + 1;
                    party.country.get_or_insert(Text::new(country, at..at + 2));
                }
            }
            continue;
        }
        if !numbered {
            party.address.push(line.clone());
            continue;
        }
        let body = rest(line, 2);
        match value.as_bytes()[0] {
            b'1' => name_parts.push(body),
            b'2' => party.address.push(body),
            b'3' => {
                // `3/CC/town`.
                let (country, town) = body.value.split_once('/').unwrap_or((&body.value, ""));
                if country.len() == 2 {
                    party.country = Some(Text::new(country, body.span.start..body.span.start + 2));
                }
                if !town.trim().is_empty() {
                    party.town = Some(Text::new(town.trim(), body.span.start + 3..body.span.end));
                }
            }
            b'6' | b'7' => party.identifiers.push(body),
            _ => party.address.push(body),
        }
    }
    if let (Some(first), Some(last)) = (name_parts.first(), name_parts.last()) {
        let value = name_parts
            .iter()
            .map(|part| part.value.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        party.name = Some(Text::new(value, first.span.start..last.span.end));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_text(text: &str) -> Result<Vec<Message>, MessageError> {
        read(text.as_bytes(), &Limits::default())
    }

    const MT103: &str = "{1:F01BANKDEFFAXXX0000000000}{2:I103BANKBEBBXXXXN}{3:{121:8a562c67-ca16-48ba-b074-65581be6f011}}{4:\r\n\
:20:REF-0001\r\n\
:23B:CRED\r\n\
:32A:220301EUR12500,00\r\n\
:50K:/DE89370400440532013000\r\n\
HANS MUELLER\r\n\
KOENIGSALLEE 1\r\n\
DE/DUESSELDORF\r\n\
:52A:BANKDEFF\r\n\
:57A:BANKBEBB\r\n\
:59:/BE71096123456769\r\n\
ACME TRADING SPRL\r\n\
RUE DE LA LOI 16\r\n\
1000 BRUSSELS\r\n\
:70:/INV/2022-114 MACHINE PARTS\r\n\
:71A:SHA\r\n\
-}{5:{CHK:123456789ABC}}";

    #[test]
    fn an_mt103_gives_its_parties_with_spans() {
        let messages = read_text(MT103).unwrap();
        assert_eq!(messages.len(), 1);
        let message = &messages[0];
        assert_eq!(message.kind, "MT103");
        assert_eq!(message.reference.as_ref().unwrap().value, "REF-0001");
        let originator = message
            .parties
            .iter()
            .find(|party| party.role == Role::Originator)
            .unwrap();
        let name = originator.name.as_ref().unwrap();
        assert_eq!(name.value, "HANS MUELLER");
        assert_eq!(&MT103[name.span.clone()], "HANS MUELLER");
        assert_eq!(
            originator.account.as_ref().unwrap().value,
            "DE89370400440532013000"
        );
        let beneficiary = message
            .parties
            .iter()
            .find(|party| party.role == Role::Beneficiary)
            .unwrap();
        assert_eq!(
            beneficiary.name.as_ref().unwrap().value,
            "ACME TRADING SPRL"
        );
        assert_eq!(beneficiary.address.len(), 2);
        let bics: Vec<&str> = message.bics.iter().map(|bic| bic.value.as_str()).collect();
        assert_eq!(bics, ["BANKDEFFXXX", "BANKBEBBXXX", "BANKDEFF", "BANKBEBB"]);
        for bic in &message.bics {
            // The header's BIC is read from the terminal address around it.
            assert!(MT103[bic.span.clone()].starts_with(&bic.value[..8]));
        }
        assert_eq!(
            message.free_texts[0].lines[0].value,
            "/INV/2022-114 MACHINE PARTS"
        );
    }

    #[test]
    fn a_truncated_message_is_an_error_with_its_offset() {
        let cut = &MT103[..MT103.find(":70:").unwrap()];
        let error = read_text(cut).unwrap_err();
        assert!(
            matches!(&error, MessageError::Malformed { offset, reason } if *offset == MT103.find("{4:").unwrap() && reason.contains("cut short")),
            "{error}"
        );
        let error = read_text("{1:F01BANKDEFFAXXX0000000000}{2:I103BANK").unwrap_err();
        assert!(error.to_string().contains("never closes"), "{error}");
    }

    #[test]
    fn structured_option_f_gives_name_country_and_town() {
        let text = ":20:X\n:50F:/12345678\n1/IVANOV IVAN\n1/IVANOVICH\n2/LENINA 5\n3/RU/MOSCOW\n:59F:/GB33BUKB20201555555555\n1/JOHN SMITH\n3/GB/LONDON\n-";
        let message = &read_text(text).unwrap()[0];
        assert_eq!(message.kind, "MT");
        let originator = &message.parties[0];
        assert_eq!(
            originator.name.as_ref().unwrap().value,
            "IVANOV IVAN IVANOVICH"
        );
        assert_eq!(originator.country.as_ref().unwrap().value, "RU");
        assert_eq!(
            &text[originator.country.as_ref().unwrap().span.clone()],
            "RU"
        );
        assert_eq!(originator.town.as_ref().unwrap().value, "MOSCOW");
        assert_eq!(
            &text[originator.town.as_ref().unwrap().span.clone()],
            "MOSCOW"
        );
        assert_eq!(originator.account.as_ref().unwrap().value, "12345678");
        assert_eq!(message.parties[1].town.as_ref().unwrap().value, "LONDON");
    }

    #[test]
    fn a_free_format_address_ending_in_country_and_town_gives_the_country() {
        let text = ":20:X\n:50K:/DE89370400440532013000\nHANS MUELLER\n12 HAUPTSTRASSE\nDE/HAMBURG\n:59:/BE71096123456769\nACME TRADING SPRL\nBRUSSELS\n-\n";
        let message = &read_text(text).unwrap()[0];
        let (originator, beneficiary) = (&message.parties[0], &message.parties[1]);
        let country = originator.country.as_ref().expect("a country");
        assert_eq!(
            (country.value.as_str(), &text[country.span.clone()]),
            ("DE", "DE")
        );
        assert_eq!(originator.address.len(), 2, "the line stays address");
        assert_eq!(beneficiary.country, None, "a town alone names no country");
        // Neither a code word nor two letters that are no country.
        for line in ["/INV/77", "XX/SOMEWHERE", "DE/12"] {
            let text = format!(":20:X\n:59:/BE71096123456769\nACME\n{line}\n-\n");
            let message = &read_text(&text).unwrap()[0];
            assert_eq!(message.parties[0].country, None, "{line}");
        }
    }

    #[test]
    fn an_mt101_places_each_sequence_b_in_its_own_transaction() {
        let text = "{1:F01BANKDEFFAXXX0000000000}{2:I101BANKBEBBXXXXN}{4:\n:20:B1\n:28D:1/1\n:50H:/DE89370400440532013000\nMUSTER GMBH\n:30:220301\n:21:T1\n:32B:EUR1,\n:59:/1\nFIRST\n:70:ONE\n:21:T2\n:32B:EUR2,\n:50F:/DE89370400440532013000\n1/OTHER GMBH\n:59:/2\nSECOND\n-}";
        let message = &read_text(text).unwrap()[0];
        assert_eq!(message.kind, "MT101");
        assert_eq!(message.reference.as_ref().unwrap().value, "B1");
        let references: Vec<&str> = message
            .transactions
            .iter()
            .map(|transaction| transaction.reference.as_ref().unwrap().value.as_str())
            .collect();
        assert_eq!(references, ["T1", "T2"]);
        assert_eq!(
            &text[message.transactions[0].span.clone()],
            ":21:T1\n:32B:EUR1,\n:59:/1\nFIRST\n:70:ONE"
        );
        assert_eq!(
            &text[message.transactions[1].span.clone()],
            ":21:T2\n:32B:EUR2,\n:50F:/DE89370400440532013000\n1/OTHER GMBH\n:59:/2\nSECOND"
        );
        let placed: Vec<(&str, Option<std::ops::Range<usize>>)> = message
            .parties
            .iter()
            .filter(|party| party.name.is_some())
            .map(|party| {
                (
                    party.name.as_ref().unwrap().value.as_str(),
                    party.transactions.clone(),
                )
            })
            .collect();
        assert_eq!(
            placed,
            [
                ("MUSTER GMBH", None),
                ("FIRST", Some(0..1)),
                ("OTHER GMBH", Some(1..2)),
                ("SECOND", Some(1..2)),
            ]
        );
        assert_eq!(message.free_texts[0].transactions, Some(0..1));
        // Other types are one transfer: field 21 (a related reference) opens nothing.
        let mt202 =
            &read_text("{2:I202BANKBEBBXXXXN}{4:\n:20:A\n:21:R\n:58A:BANKBEBB\n-}").unwrap()[0];
        assert!(mt202.transactions.is_empty());
    }

    #[test]
    fn a_cover_payment_marks_its_underlying_customers() {
        let text = "{1:F01BANKDEFFAXXX0000000000}{2:I202BANKBEBBXXXXN}{3:{119:COV}}{4:\n:20:COV1\n:21:REL1\n:32A:220301USD100,\n:58A:BANKBEBB\n:50K:/123\nORIGINATOR NAME\n:59:/456\nBENEFICIARY NAME\n:70:INVOICE 7\n-}";
        let message = &read_text(text).unwrap()[0];
        assert_eq!(message.kind, "MT202COV");
        let institution = message
            .parties
            .iter()
            .find(|party| party.role == Role::BeneficiaryInstitution)
            .unwrap();
        assert!(!institution.underlying);
        let beneficiary = message
            .parties
            .iter()
            .find(|party| party.role == Role::Beneficiary)
            .unwrap();
        assert!(beneficiary.underlying);
        assert!(message.free_texts[0].underlying);
    }

    #[test]
    fn an_rje_file_holds_several_messages() {
        let one = ":20:A\n:59:/1\nFIRST\n-";
        let text = format!("{MT103}\n${one}\n$\n");
        let messages = read_text(&text).unwrap();
        assert_eq!(messages.len(), 2);
        assert_eq!(messages[1].parties[0].name.as_ref().unwrap().value, "FIRST");
        assert_eq!(&text[messages[1].span.clone()], one);
    }

    #[test]
    fn bad_input_is_refused_with_a_reason() {
        for (input, expected) in [
            ("{1:F01}{2:I103X}", "no text block"),
            ("{9x9:}{4:\n:20:A\n-}", "not a block"),
            ("{4:\nHELLO\n:20:A\n-}", "before the first field"),
            ("{1:F01}x", "expected `{`"),
        ] {
            let error = read(input.as_bytes(), &Limits::default()).unwrap_err();
            assert!(error.to_string().contains(expected), "{input}: {error}");
        }
        let error = read(b"{4:\n:20:\xff\n-}", &Limits::default()).unwrap_err();
        assert!(error.to_string().contains("UTF-8"), "{error}");
    }
}
