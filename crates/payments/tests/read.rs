//! ISO 20022 and MT messages read into parties, BICs and free text, on the fixtures in
//! `tests/messages/` (written by hand from the standards' schemas and field formats).

use sanctum_limits::Limits;
use sanctum_payments::{Message, MessageError, Role, Syntax, read};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/messages/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

fn one(input: &[u8]) -> Message {
    let mut messages = read(input, &Limits::default()).unwrap();
    assert_eq!(messages.len(), 1);
    messages.remove(0)
}

fn party(message: &Message, role: Role) -> &sanctum_payments::Party {
    message
        .parties
        .iter()
        .find(|party| party.role == role)
        .unwrap_or_else(|| panic!("no {role:?} in {:#?}", message.parties))
}

#[test]
fn pacs008_gives_every_party_agent_and_text_with_spans() {
    let input = fixture("pacs008_clean.xml");
    let message = one(&input);
    let raw =
        |span: &std::ops::Range<usize>| String::from_utf8_lossy(&input[span.clone()]).into_owned();
    assert_eq!(message.syntax, Syntax::Mx);
    assert_eq!(message.kind, "pacs.008.001.08");
    assert_eq!(
        message.reference.as_ref().unwrap().value,
        "MSG-20220301-0001"
    );

    let debtor = party(&message, Role::Originator);
    assert_eq!(debtor.location, "FIToFICstmrCdtTrf/CdtTrfTxInf/Dbtr");
    let name = debtor.name.as_ref().unwrap();
    assert_eq!(name.value, "Hans Mueller");
    assert_eq!(raw(&name.span), "Hans Mueller");
    assert_eq!(debtor.town.as_ref().unwrap().value, "Duesseldorf");
    assert_eq!(debtor.country.as_ref().unwrap().value, "DE");
    assert_eq!(
        debtor
            .address
            .iter()
            .map(|line| line.value.as_str())
            .collect::<Vec<_>>(),
        ["Koenigsallee", "1", "40212"]
    );
    assert_eq!(
        debtor.account.as_ref().unwrap().value,
        "DE89370400440532013000"
    );

    let creditor = party(&message, Role::Beneficiary);
    assert_eq!(creditor.name.as_ref().unwrap().value, "Acme Trading SPRL");
    assert_eq!(creditor.lei.as_ref().unwrap().value, "5493001KJTIIGC8Y1R12");
    assert_eq!(creditor.account.as_ref().unwrap().value, "BE71096123456769");

    let ordering = party(&message, Role::OrderingInstitution);
    assert_eq!(ordering.bic.as_ref().unwrap().value, "BANKDEFFXXX");
    // Header and transaction BICs: Fr, To, InstgAgt, InstdAgt, DbtrAgt, CdtrAgt.
    assert_eq!(message.bics.len(), 6);
    assert!(message.bics.iter().all(|bic| raw(&bic.span) == bic.value));
    assert!(
        message
            .parties
            .iter()
            .any(|party| party.role == Role::Sender && party.location == "AppHdr/Fr")
    );

    // Two Ustrd lines are one remittance text; the entity is resolved in the value and
    // the span covers the raw text.
    assert_eq!(message.free_texts.len(), 1);
    let remittance = &message.free_texts[0];
    assert_eq!(
        remittance.location,
        "FIToFICstmrCdtTrf/CdtTrfTxInf/RmtInf/Ustrd"
    );
    assert_eq!(
        remittance.lines[0].value,
        "Invoice 2022-114, machine parts & spare"
    );
    assert_eq!(
        raw(&remittance.lines[0].span),
        "Invoice 2022-114, machine parts &amp; spare"
    );
    assert_eq!(remittance.lines[1].value, "parts for the Antwerp plant");
}

#[test]
fn pacs009_cover_marks_the_underlying_transfer() {
    let message = one(&fixture("pacs009cov_underlying_listed.xml"));
    assert_eq!(message.kind, "pacs.009.001.08");
    assert!(message.is_cover());
    let underlying: Vec<_> = message
        .parties
        .iter()
        .filter(|party| party.underlying)
        .collect();
    let names: Vec<_> = underlying
        .iter()
        .filter_map(|party| party.name.as_ref().map(|name| name.value.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            "Northern Lights Shipping Ltd",
            "VTB Bank Public Joint Stock Company"
        ]
    );
    let creditor = underlying
        .iter()
        .find(|party| party.role == Role::Beneficiary)
        .unwrap();
    assert_eq!(
        creditor.account.as_ref().unwrap().value,
        "40702810900000012345"
    );
    // The interbank debtor and creditor are banks, named by BIC only.
    let interbank = message
        .parties
        .iter()
        .find(|party| party.role == Role::Beneficiary && !party.underlying)
        .unwrap();
    assert_eq!(interbank.bic.as_ref().unwrap().value, "BANKATWWXXX");
    assert!(message.free_texts[0].underlying);
}

#[test]
fn pain001_gives_each_transfer_its_creditor_and_account() {
    let message = one(&fixture("pain001_clean.xml"));
    assert_eq!(message.kind, "pain.001.001.09");
    let creditors: Vec<_> = message
        .parties
        .iter()
        .filter(|party| party.role == Role::Beneficiary)
        .map(|party| {
            (
                party.name.as_ref().unwrap().value.as_str(),
                party.account.as_ref().unwrap().value.as_str(),
            )
        })
        .collect();
    assert_eq!(
        creditors,
        [
            ("Atelier Dupont SARL", "FR1420041010050500013M02606"),
            ("Rossi Ricambi SRL", "IT60X0542811101000000123456")
        ]
    );
    assert_eq!(
        party(&message, Role::InitiatingParty)
            .name
            .as_ref()
            .unwrap()
            .value,
        "Muster Maschinenbau GmbH"
    );
    assert_eq!(message.free_texts.len(), 2);
}

#[test]
fn hostile_and_broken_xml_is_refused_with_a_reason() {
    let limits = Limits::default();
    let clean = fixture("pacs008_clean.xml");
    let text = String::from_utf8(clean.clone()).unwrap();
    let at_tag = text.find("</Cdtr>").unwrap();
    let error = read(&clean[..at_tag], &limits).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("ends inside <Cdtr>: it is cut short"),
        "{error}"
    );
    let error = read(&clean[..at_tag + 3], &limits).unwrap_err();
    assert!(
        matches!(error, MessageError::Malformed { offset, .. } if offset <= at_tag + 3),
        "{error}"
    );

    let doctype = b"<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY x \"y\">]><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08\">&x;</Document>";
    let error = read(doctype, &limits).unwrap_err();
    assert!(error.to_string().contains("DOCTYPE"), "{error}");

    let deep = format!(
        "<Document>{}{}</Document>",
        "<a>".repeat(300),
        "</a>".repeat(300)
    );
    assert!(matches!(
        read(deep.as_bytes(), &limits),
        Err(MessageError::TooDeep { limit: 256, .. })
    ));

    let not_payment = b"<html><body>hello</body></html>";
    let error = read(not_payment, &limits).unwrap_err();
    assert!(
        error.to_string().contains("no ISO 20022 <Document>"),
        "{error}"
    );

    let mismatched = b"<Document><FIToFICstmrCdtTrf></Document>";
    let error = read(mismatched, &limits).unwrap_err();
    assert!(error.to_string().contains("malformed XML"), "{error}");
}

#[test]
fn a_message_over_the_size_limit_is_refused_before_reading() {
    // A 50 MB message, as the issue asks: refused by size, not read.
    let mut big = fixture("pacs008_clean.xml");
    big.resize(50 << 20, b' ');
    let error = read(&big, &Limits::default()).unwrap_err();
    assert_eq!(
        error,
        MessageError::TooLarge {
            found: 50 << 20,
            limit: 16 << 20
        }
    );
}
