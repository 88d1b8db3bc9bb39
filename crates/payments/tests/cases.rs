//! Every planted case in every message type: for MT103, MT101, MT202 COV, pacs.008,
//! pacs.009 COV and pain.001, a message built here from the type's layout (fields and
//! elements as the standards define them) with one planted fact, screened against the OFAC
//! SDN of 2022-05-08: a clean message stays clean, and each plant is found in the field it
//! was planted in.

mod common;

use common::lists;
use sanctum_limits::Limits;
use sanctum_payments::{Decision, Verdict, Via, read};
use sanctum_screen::Scratch;

/// What a message of the case carries.
struct Plant {
    beneficiary: &'static str,
    beneficiary_town: &'static str,
    creditor_agent_bic: &'static str,
    /// Free-text lines (MT: 35 characters each; MX: one Ustrd each).
    remittance: Vec<String>,
}

fn clean() -> Plant {
    Plant {
        beneficiary: "ACME TRADING SPRL",
        beneficiary_town: "BRUSSELS",
        creditor_agent_bic: "BANKBEBBXXX",
        remittance: vec!["/INV/2022-114 MACHINE PARTS".into()],
    }
}

/// What must be found: the hit's kind and the listed party or jurisdiction it names (`None`:
/// the message stays clean).
type Expected = Option<(Via, &'static str)>;

/// A message type: its kind, how a message of it is built, its free-text line width.
type MessageType = (&'static str, fn(&Plant) -> String, usize);

/// The cases: name, the plant, and what must be found.
fn cases(width: usize) -> Vec<(&'static str, Plant, Expected)> {
    // A name cut by the end of a full free-text line (35 characters in MT, 140 in MX).
    let lead = "CONSULTING FEE GENNADY TIMCHEN";
    let first = format!("{}{lead}", "X".repeat(width - lead.len()));
    vec![
        ("clean", clean(), None),
        (
            "listed beneficiary",
            Plant {
                beneficiary: "ARKADY ROTENBERG",
                ..clean()
            },
            Some((Via::Name, "ROTENBERG, Arkady Romanovich")),
        ),
        (
            "name split over two free-text lines",
            Plant {
                remittance: vec![first, "KO MARCH 2022".into()],
                ..clean()
            },
            Some((Via::FreeText, "TIMCHENKO, Gennady Nikolayevich")),
        ),
        (
            "designated bank's BIC only",
            Plant {
                creditor_agent_bic: "VTBRRUMMXXX",
                ..clean()
            },
            Some((Via::Bic, "VTB BANK PUBLIC JOINT STOCK COMPANY")),
        ),
        (
            "vessel's IMO number in free text",
            Plant {
                remittance: vec!["BUNKER FUEL MV".into(), "IMO 9594339 LIMASSOL".into()],
                ..clean()
            },
            Some((Via::Imo, "LENA")),
        ),
        (
            "addressed in Sevastopol",
            Plant {
                beneficiary_town: "SEVASTOPOL",
                ..clean()
            },
            Some((Via::Place, "Crimea")),
        ),
    ]
}

const HEAD: &str = "{1:F01BANKDEFFAXXX0000000000}";

fn mt103(plant: &Plant) -> String {
    format!(
        "{HEAD}{{2:I103BANKBEBBXXXXN}}{{4:\r\n:20:C1\r\n:23B:CRED\r\n:32A:220301EUR100,\r\n:50K:/DE89370400440532013000\r\nHANS MUELLER\r\nDE/DUESSELDORF\r\n:52A:BANKDEFF\r\n:57A:{}\r\n:59:/BE71096123456769\r\n{}\r\n{}\r\n:70:{}\r\n:71A:SHA\r\n-}}",
        plant.creditor_agent_bic,
        plant.beneficiary,
        plant.beneficiary_town,
        plant.remittance.join("\r\n")
    )
}

fn mt101(plant: &Plant) -> String {
    format!(
        "{HEAD}{{2:I101BANKBEBBXXXXN}}{{4:\r\n:20:C1\r\n:28D:1/1\r\n:50H:/DE89370400440532013000\r\nMUSTER MASCHINENBAU GMBH\r\nSTUTTGART\r\n:30:220301\r\n:21:T1\r\n:32B:EUR100,\r\n:57A:{}\r\n:59:/BE71096123456769\r\n{}\r\n{}\r\n:70:{}\r\n:71A:SHA\r\n-}}",
        plant.creditor_agent_bic,
        plant.beneficiary,
        plant.beneficiary_town,
        plant.remittance.join("\r\n")
    )
}

fn mt202cov(plant: &Plant) -> String {
    format!(
        "{{1:F01BANKGB2LAXXX0000000000}}{{2:I202BANKUS33XXXXN}}{{3:{{119:COV}}}}{{4:\r\n:20:C1\r\n:21:R1\r\n:32A:220301USD100,\r\n:58A:BANKATWW\r\n:50K:/GB33BUKB20201555555555\r\nNORTHERN LIGHTS SHIPPING LTD\r\nLONDON\r\n:57A:{}\r\n:59:/BE71096123456769\r\n{}\r\n{}\r\n:70:{}\r\n-}}",
        plant.creditor_agent_bic,
        plant.beneficiary,
        plant.beneficiary_town,
        plant.remittance.join("\r\n")
    )
}

fn ustrd(plant: &Plant) -> String {
    plant
        .remittance
        .iter()
        .map(|line| format!("<Ustrd>{line}</Ustrd>"))
        .collect()
}

fn creditor(plant: &Plant) -> String {
    format!(
        "<CdtrAgt><FinInstnId><BICFI>{}</BICFI></FinInstnId></CdtrAgt><Cdtr><Nm>{}</Nm><PstlAdr><TwnNm>{}</TwnNm><Ctry>BE</Ctry></PstlAdr></Cdtr><CdtrAcct><Id><IBAN>BE71096123456769</IBAN></Id></CdtrAcct><RmtInf>{}</RmtInf>",
        plant.creditor_agent_bic,
        plant.beneficiary,
        plant.beneficiary_town,
        ustrd(plant)
    )
}

const DEBTOR: &str = "<Dbtr><Nm>Hans Mueller</Nm><PstlAdr><TwnNm>Duesseldorf</TwnNm><Ctry>DE</Ctry></PstlAdr></Dbtr><DbtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></DbtrAcct><DbtrAgt><FinInstnId><BICFI>BANKDEFFXXX</BICFI></FinInstnId></DbtrAgt>";

fn pacs008(plant: &Plant) -> String {
    format!(
        "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pacs.008.001.10\"><FIToFICstmrCdtTrf><GrpHdr><MsgId>C1</MsgId><NbOfTxs>1</NbOfTxs></GrpHdr><CdtTrfTxInf><PmtId><EndToEndId>E1</EndToEndId></PmtId><IntrBkSttlmAmt Ccy=\"EUR\">100</IntrBkSttlmAmt>{DEBTOR}{}</CdtTrfTxInf></FIToFICstmrCdtTrf></Document>",
        creditor(plant)
    )
}

fn pacs009cov(plant: &Plant) -> String {
    format!(
        "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pacs.009.001.08\"><FICdtTrf><GrpHdr><MsgId>C1</MsgId><NbOfTxs>1</NbOfTxs></GrpHdr><CdtTrfTxInf><PmtId><EndToEndId>E1</EndToEndId></PmtId><IntrBkSttlmAmt Ccy=\"USD\">100</IntrBkSttlmAmt><Dbtr><FinInstnId><BICFI>BANKGB2LXXX</BICFI></FinInstnId></Dbtr><Cdtr><FinInstnId><BICFI>BANKATWWXXX</BICFI></FinInstnId></Cdtr><UndrlygCstmrCdtTrf>{DEBTOR}{}</UndrlygCstmrCdtTrf></CdtTrfTxInf></FICdtTrf></Document>",
        creditor(plant)
    )
}

fn pain001(plant: &Plant) -> String {
    format!(
        "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.09\"><CstmrCdtTrfInitn><GrpHdr><MsgId>C1</MsgId><NbOfTxs>1</NbOfTxs><InitgPty><Nm>Hans Mueller</Nm></InitgPty></GrpHdr><PmtInf><PmtInfId>B1</PmtInfId>{DEBTOR}<CdtTrfTxInf><PmtId><EndToEndId>E1</EndToEndId></PmtId><Amt><InstdAmt Ccy=\"EUR\">100</InstdAmt></Amt>{}</CdtTrfTxInf></PmtInf></CstmrCdtTrfInitn></Document>",
        creditor(plant)
    )
}

#[test]
fn every_plant_is_found_in_every_message_type() {
    let Some(lists) = lists("every_plant_is_found_in_every_message_type") else {
        return;
    };
    let types: [MessageType; 6] = [
        ("MT103", mt103, 35),
        ("MT101", mt101, 35),
        ("MT202COV", mt202cov, 35),
        ("pacs.008.001.10", pacs008, 140),
        ("pacs.009.001.08", pacs009cov, 140),
        ("pain.001.001.09", pain001, 140),
    ];
    let mut failures = Vec::new();
    for (kind, build, width) in types {
        for (case, plant, expected) in cases(width) {
            let raw = build(&plant);
            let messages = match read(raw.as_bytes(), &Limits::default()) {
                Ok(messages) => messages,
                Err(error) => {
                    failures.push(format!("{kind} {case}: unreadable: {error}"));
                    continue;
                }
            };
            let verdict: Verdict =
                lists
                    .filter
                    .screen(&lists.screener, &messages[0], &mut Scratch::default());
            assert_eq!(verdict.kind, kind, "{case}");
            assert!(
                verdict.findings.is_empty(),
                "{kind} {case}: {:?}",
                verdict.findings
            );
            match expected {
                None if verdict.decision == Decision::Clean => {}
                None => failures.push(format!("{kind} {case}: held: {:?}", verdict.hits)),
                Some((via, listed)) => {
                    let found = verdict.hits.iter().any(|hit| {
                        hit.via == via
                            && (hit.listed_name.as_deref() == Some(listed)
                                || hit.jurisdiction.as_deref() == Some(listed))
                            && raw.get(hit.span.clone()).is_some()
                    });
                    if !found || verdict.decision != Decision::Hold {
                        failures.push(format!(
                            "{kind} {case}: no {via:?} hit on {listed}: {:?}",
                            verdict.hits
                        ));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
