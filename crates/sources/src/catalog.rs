//! The sources sanctum knows: what each is, where its publisher puts it, in which format.
//!
//! Default URLs are the publishers' own. Each can be overridden, file by file, by the
//! environment (`SANCTUM_URL_<SOURCE>_<ROLE>`, e.g. `SANCTUM_URL_US_OFAC_SDN_MAIN`) or by the
//! `[sources.<key>]` table of the configuration file (see the CLI).

use crate::detect::{Format, Role};

/// One downloadable file of a source.
#[derive(Debug, Clone, Copy)]
pub struct SourceFile {
    pub role: Role,
    pub url: &'static str,
}

#[derive(Debug, Clone, Copy)]
pub struct SourceInfo {
    /// The key used on the command line and in the store ("us_ofac_sdn").
    pub key: &'static str,
    pub title: &'static str,
    pub authority: &'static str,
    /// The format the default URLs serve.
    pub format: Format,
    pub files: &'static [SourceFile],
}

const fn file(role: Role, url: &'static str) -> SourceFile {
    SourceFile { role, url }
}

/// Every source `sanctum update` fetches by default, in update order.
///
/// OFAC lists default to the CSV sets: the format with the longest public archive, so a
/// history ingested from old snapshots and the live updates diff cleanly. The XML formats
/// (legacy, advanced, enhanced) are read too, through `--from` or a URL override.
pub static SOURCES: &[SourceInfo] = &[
    SourceInfo {
        key: "us_ofac_sdn",
        title: "US OFAC Specially Designated Nationals and Blocked Persons List",
        authority: "US OFAC",
        format: Format::OfacCsv,
        files: &[
            file(
                Role::Main,
                "https://www.treasury.gov/ofac/downloads/sdn.csv",
            ),
            file(
                Role::OfacAdd,
                "https://www.treasury.gov/ofac/downloads/add.csv",
            ),
            file(
                Role::OfacAlt,
                "https://www.treasury.gov/ofac/downloads/alt.csv",
            ),
            file(
                Role::OfacComments,
                "https://www.treasury.gov/ofac/downloads/sdn_comments.csv",
            ),
        ],
    },
    SourceInfo {
        key: "us_ofac_cons",
        title: "US OFAC Consolidated Sanctions List (non-SDN)",
        authority: "US OFAC",
        format: Format::OfacCsv,
        files: &[
            file(
                Role::Main,
                "https://www.treasury.gov/ofac/downloads/consolidated/cons_prim.csv",
            ),
            file(
                Role::OfacAdd,
                "https://www.treasury.gov/ofac/downloads/consolidated/cons_add.csv",
            ),
            file(
                Role::OfacAlt,
                "https://www.treasury.gov/ofac/downloads/consolidated/cons_alt.csv",
            ),
            file(
                Role::OfacComments,
                "https://www.treasury.gov/ofac/downloads/consolidated/cons_comments.csv",
            ),
        ],
    },
    SourceInfo {
        key: "us_csl",
        title: "US Consolidated Screening List (trade.gov: Treasury, Commerce, State)",
        authority: "US ITA",
        format: Format::UsCslCsv,
        files: &[file(
            Role::Main,
            "https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv",
        )],
    },
    SourceInfo {
        key: "uk_ofsi",
        title: "UK OFSI Consolidated List of Financial Sanctions Targets",
        authority: "UK OFSI",
        format: Format::UkOfsiCsv,
        files: &[file(
            Role::Main,
            "https://ofsistorage.blob.core.windows.net/publishlive/2022format/ConList.csv",
        )],
    },
    SourceInfo {
        key: "uk_fcdo",
        title: "UK Sanctions List (FCDO)",
        authority: "UK FCDO",
        format: Format::UkFcdoCsv,
        files: &[file(
            Role::Main,
            "https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.csv",
        )],
    },
    SourceInfo {
        key: "eu_fsf",
        title: "EU Financial Sanctions Files (consolidated list)",
        authority: "EU",
        format: Format::EuFsfXml,
        files: &[file(
            Role::Main,
            "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content?token=dG9rZW4tMjAxNw",
        )],
    },
    SourceInfo {
        key: "un_sc",
        title: "UN Security Council Consolidated List",
        authority: "UN SC",
        format: Format::UnScXml,
        files: &[file(
            Role::Main,
            "https://scsanctions.un.org/resources/xml/en/consolidated.xml",
        )],
    },
    SourceInfo {
        key: "ca_sema",
        title: "Consolidated Canadian Autonomous Sanctions List",
        authority: "CA GAC",
        format: Format::CaSemaXml,
        files: &[file(
            Role::Main,
            "https://www.international.gc.ca/world-monde/assets/office_docs/international_relations-relations_internationales/sanctions/sema-lmes.xml",
        )],
    },
    SourceInfo {
        key: "ch_seco",
        title: "Swiss SECO sanctions list (SESAM)",
        authority: "CH SECO",
        format: Format::ChSecoXml,
        files: &[file(
            Role::Main,
            "https://www.sesam.search.admin.ch/sesam-search-web/pages/downloadXmlGesamtliste.xhtml?lang=en&action=downloadXmlGesamtlisteAction",
        )],
    },
];

/// Sources that are only ingested from files (`--from`), never downloaded by default:
/// FtM imports, and Japan's lists, which their ministries publish as a workbook and a PDF
/// linked from web pages whose addresses change with each notice.
pub static FILE_ONLY_SOURCES: &[&str] = &["ftm", "jp_mof", "jp_meti"];

pub fn source(key: &str) -> Option<&'static SourceInfo> {
    SOURCES.iter().find(|s| s.key == key)
}

/// Whether `key` names a source sanctum can store (a catalog source, or an FtM import key).
pub fn is_known(key: &str) -> bool {
    source(key).is_some() || FILE_ONLY_SOURCES.contains(&key) || key.starts_with("ftm_")
}

/// The environment variable that overrides one file's URL.
pub fn url_env_var(key: &str, role: Role) -> String {
    format!(
        "SANCTUM_URL_{}_{}",
        key.to_ascii_uppercase(),
        role.as_str().to_ascii_uppercase()
    )
}
