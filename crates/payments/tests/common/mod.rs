//! The OFAC SDN of 2022-05-08 (the shared folder's real file) prepared once per test binary
//! for payment screening: the screener and the payment filter over it.

use sanctum_matcher::MatchOptions;
use sanctum_payments::{Jurisdictions, PaymentFilter};
use sanctum_screen::Screener;
use sanctum_screen::lists::Role as ListRole;
use sanctum_sources::{ParseOptions, detect};
use std::sync::OnceLock;

pub struct Lists {
    pub screener: Screener,
    pub filter: PaymentFilter,
}

/// The lists, or `None` (a skip notice) without the shared folder.
pub fn lists(test: &str) -> Option<&'static Lists> {
    static LISTS: OnceLock<Option<Lists>> = OnceLock::new();
    let dir = sanctum_testkit::shared_lists(test)?;
    LISTS
        .get_or_init(|| {
            let path = dir.join("ofac_sdn_csv/sdn_2022-05-08.csv");
            let (publications, _) = detect::plan(&path, Some("us_ofac_sdn")).expect("plan");
            let parsed = detect::read(&publications[0], &ParseOptions::default()).expect("parse");
            let parties = parsed
                .entities
                .into_iter()
                .map(|entity| (entity, ListRole::Listed))
                .collect();
            let screener = Screener::new(parties, MatchOptions::default());
            let filter = PaymentFilter::new(&screener, Jurisdictions::default());
            Some(Lists { screener, filter })
        })
        .as_ref()
}
