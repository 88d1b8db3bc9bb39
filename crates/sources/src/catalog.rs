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
];

/// Sources that are only ingested from files (`--from`), never downloaded by default.
pub static FILE_ONLY_SOURCES: &[&str] = &["ftm"];

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
