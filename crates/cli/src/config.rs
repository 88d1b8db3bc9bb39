//! Where the store lives and what the configuration file says.
//!
//! The configuration file is TOML:
//! ```toml
//! [update]
//! max_removed_percent = 10   # reject a publication removing more of a source's parties
//! timeout_secs = 300         # per file
//! retries = 3
//! backoff_ms = 2000          # first pause between retries, doubled each time
//! lists_dir = "/srv/lists"   # serve files from here instead of the network
//!
//! [sources.us_ofac_sdn]      # per-file URL overrides: main, add, alt, comments
//! main = "https://mirror.example/sdn.csv"
//!
//! [limits]                   # any of sanctum_limits::Limits; README: "Limits"
//! max_name_chars = 1000
//!
//! [review]                   # alert review (sanctum_review::Policy)
//! reason_codes = ["birth_date_differs", "nationality_differs", "kind_differs",
//!                 "partial_name_only", "weak_alias", "other"]
//! memory_expiry_months = 12  # how long an approved false positive suppresses its pair
//! single_review_below = 0.85 # false positives scoring below close with one analyst
//! lease_minutes = 240        # how long a claim holds an alert
//! [review.sla_hours]         # hours an alert may wait in a state before it is overdue
//! open = 24
//! ```

use anyhow::{Context as _, Result};
use sanctum_review::{Actor, Review};
use sanctum_server::auth::KeyStore;
use sanctum_sources::detect::Role;
use sanctum_store::{Store, StoreLocation};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub update: UpdateConfig,
    #[serde(default)]
    pub sources: HashMap<String, HashMap<String, String>>,
    /// Every size, depth, count and time limit (README: "Limits").
    #[serde(default)]
    pub limits: sanctum_limits::Limits,
    /// Alert review: reason codes, memory expiry, single review, SLA hours.
    #[serde(default)]
    pub review: sanctum_review::Policy,
    /// Payment screening: the sanctioned jurisdictions.
    #[serde(default)]
    pub payments: PaymentsConfig,
}

/// `[payments]`: `[[payments.jurisdictions]]` entries (name, countries, places) replace the
/// default table of comprehensively sanctioned jurisdictions.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentsConfig {
    pub jurisdictions: Option<Vec<sanctum_payments::Jurisdiction>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateConfig {
    pub max_removed_percent: Option<f64>,
    pub timeout_secs: Option<u64>,
    pub retries: Option<u32>,
    /// Pause before the first retry, in milliseconds; doubled for each further one.
    pub backoff_ms: Option<u64>,
    pub lists_dir: Option<PathBuf>,
}

pub struct Context {
    pub data_dir: PathBuf,
    /// The PostgreSQL URL given by `--database` / `SANCTUM_DATABASE_URL`; `None`: the
    /// SQLite file in the data directory.
    pub database: Option<String>,
    pub config: Config,
    /// The configuration file named by `--config` / `SANCTUM_CONFIG`, if any (a child
    /// `sanctum update` run by `serve` is given the same).
    pub config_path: Option<PathBuf>,
}

impl Context {
    pub fn load(
        data_dir: Option<PathBuf>,
        config: Option<PathBuf>,
        database: Option<String>,
    ) -> Result<Context> {
        let data_dir = match data_dir {
            Some(d) => d,
            None => dirs::data_dir().map(|d| d.join("sanctum")).context(
                "no user data directory on this system: pass --data-dir or set SANCTUM_DATA_DIR",
            )?,
        };
        let config_path = config.clone();
        let (path, required) = match config {
            Some(p) => (p, true),
            None => (data_dir.join("sanctum.toml"), false),
        };
        let config = if path.is_file() {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            toml::from_str(&text)
                .with_context(|| format!("{}: invalid configuration", path.display()))?
        } else if required {
            anyhow::bail!("{}: configuration file not found", path.display());
        } else {
            Config::default()
        };
        Ok(Context {
            data_dir,
            database,
            config,
            config_path,
        })
    }

    /// Creates the data directory, private to the user (0700), if it is absent: for the
    /// commands that write there before opening the store (`keys`).
    pub fn ensure_data_dir(&self) -> Result<()> {
        sanctum_store::create_data_dir(&self.data_dir)
            .with_context(|| format!("creating the data directory {}", self.data_dir.display()))
    }

    /// Where the lists are kept: `--database`, else the data directory.
    pub fn store_location(&self) -> Result<StoreLocation> {
        Ok(StoreLocation::new(
            &self.data_dir,
            self.database.as_deref(),
        )?)
    }

    /// Opens the list store (migrating its schema when it is older than this build's).
    pub fn open_store(&self) -> Result<Store> {
        let location = self.store_location()?;
        Store::connect(&location).with_context(|| format!("opening the store in {location}"))
    }

    /// The list store and the review tables beside it (the same SQLite file, or the same
    /// PostgreSQL database with `--database`).
    pub fn open_review(&self) -> Result<(Store, Review)> {
        let store = self.open_store()?;
        let review = self.review_tables()?;
        Ok((store, review))
    }

    /// The review tables where the store is (open the store first: it creates the data
    /// directory and runs the store's migrations).
    pub fn review_tables(&self) -> Result<Review> {
        let location = self.store_location()?;
        Review::connect(&location, self.config.review.clone())
            .with_context(|| format!("opening the review tables in {location}"))
    }

    /// The user a key acts as: refused without a key, with an unknown key, or with a key
    /// that belongs to no user (a service key).
    pub fn actor(&self, review: &Review, key: Option<&str>) -> Result<Actor> {
        let Some(key) = key.map(str::trim).filter(|k| !k.is_empty()) else {
            anyhow::bail!(
                "refused: this command acts as a user; give --key or set SANCTUM_KEY (the key `sanctum users add` printed)"
            );
        };
        let keys = KeyStore::open(&self.data_dir)?;
        let record = keys.lookup(key).context(
            "refused: the key is not known here (revoked, or from another data directory)",
        )?;
        let user = record.user.with_context(|| {
            format!(
                "refused: key {} belongs to no user (a service key); use a key from `sanctum users add`",
                record.id
            )
        })?;
        Ok(review.actor(&user)?)
    }

    /// URL overrides from the configuration, keyed as the downloader wants them.
    pub fn url_overrides(&self) -> Result<HashMap<(String, Role), String>> {
        let mut out = HashMap::new();
        for (source, files) in &self.config.sources {
            for (role, url) in files {
                let role = match role.as_str() {
                    "main" => Role::Main,
                    "add" => Role::OfacAdd,
                    "alt" => Role::OfacAlt,
                    "comments" => Role::OfacComments,
                    other => anyhow::bail!(
                        "[sources.{source}]: unknown file {other:?} (main, add, alt, comments)"
                    ),
                };
                out.insert((source.clone(), role), url.clone());
            }
        }
        Ok(out)
    }

    pub fn staging_dir(&self) -> PathBuf {
        self.data_dir.join("staging")
    }
}

/// Removes a staging directory, ignoring a directory that is already gone.
pub fn remove_dir(path: &Path) {
    let _ = std::fs::remove_dir_all(path);
}

/// The key of the user a command acts as.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct KeyArg {
    /// The API key of the user acting (printed once by `sanctum users add`).
    #[arg(long, env = "SANCTUM_KEY", hide_env_values = true, value_name = "KEY")]
    pub key: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use sanctum_review::AlertState;

    #[test]
    fn the_review_section_sets_the_policy_and_refuses_unknown_keys() {
        let config: Config = toml::from_str(
            "[review]\n\
             reason_codes = [\"same_dob_other_person\", \"other\"]\n\
             memory_expiry_months = 6\n\
             single_review_below = 0.85\n\
             [review.sla_hours]\n\
             open = 8\n",
        )
        .expect("valid");
        let policy = &config.review;
        assert_eq!(policy.reason_codes, ["same_dob_other_person", "other"]);
        assert_eq!(policy.memory_expiry_months, 6);
        assert_eq!(policy.single_review_below, Some(0.85));
        assert_eq!(policy.sla_hours.get(&AlertState::Open), Some(&8));
        assert_eq!(
            Config::default().review.memory_expiry_months,
            12,
            "the default"
        );
        let err = toml::from_str::<Config>("[review]\nmemory_months = 6\n").unwrap_err();
        assert!(err.to_string().contains("memory_months"), "{err}");
        let err = toml::from_str::<Config>("[review.sla_hours]\nsnoozed = 1\n").unwrap_err();
        assert!(err.to_string().contains("snoozed"), "{err}");
    }
}
