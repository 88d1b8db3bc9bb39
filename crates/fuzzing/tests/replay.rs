//! Replays every seed and every kept crash of every fuzz target through `run`, on the stable
//! toolchain, so that a crash once found stays fixed on each `cargo test`.

use sanctum_fuzzing::{Target, run};
use std::path::{Path, PathBuf};

/// `fuzz/` at the top of the checkout: this crate is `crates/fuzzing` in it.
fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

/// The files of `dir`, sorted; none when it does not exist.
fn files_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("a readable folder entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// Runs each file of `fuzz/<kind>/<target>/` through its target; returns how many ran.
fn replay(kind: &str, target: Target) -> usize {
    let files = files_in(&fuzz_dir().join(kind).join(target.name()));
    for file in &files {
        let data = std::fs::read(file).expect("a readable input file");
        eprintln!("{kind} {}: {}", target.name(), file.display());
        run(target, &data);
    }
    files.len()
}

#[test]
fn every_target_has_seeds_and_replays_them_without_a_panic() {
    for target in Target::ALL {
        let seeds = replay("seeds", target);
        assert!(seeds > 0, "fuzz/seeds/{} has no seed", target.name());
    }
}

#[test]
fn every_kept_crash_replays_without_a_panic() {
    for target in Target::ALL {
        replay("regressions", target);
    }
}

#[test]
fn every_folder_of_inputs_names_a_target() {
    // A regression filed under a misspelt target name would never be replayed.
    for kind in ["seeds", "regressions"] {
        let Ok(entries) = std::fs::read_dir(fuzz_dir().join(kind)) else {
            continue;
        };
        for entry in entries {
            let name = entry.expect("a readable folder entry").file_name();
            let name = name.to_string_lossy();
            assert!(
                Target::from_name(&name).is_some(),
                "fuzz/{kind}/{name} is no fuzz target's folder"
            );
        }
    }
}

#[test]
fn every_target_has_a_cargo_fuzz_binary() {
    let manifest = std::fs::read_to_string(fuzz_dir().join("Cargo.toml")).expect("fuzz/Cargo.toml");
    for target in Target::ALL {
        let name = target.name();
        assert!(
            manifest.contains(&format!("name = \"{name}\"")),
            "fuzz/Cargo.toml has no [[bin]] {name}"
        );
        let body = std::fs::read_to_string(fuzz_dir().join(format!("fuzz_targets/{name}.rs")))
            .unwrap_or_else(|e| panic!("fuzz/fuzz_targets/{name}.rs: {e}"));
        let variant = format!("{target:?}");
        assert!(
            body.contains(&format!("Target::{variant}")),
            "fuzz/fuzz_targets/{name}.rs does not run Target::{variant}"
        );
    }
}

#[test]
fn target_names_round_trip() {
    for target in Target::ALL {
        assert_eq!(Target::from_name(target.name()), Some(target));
    }
    assert_eq!(Target::from_name("no_such_target"), None);
}

#[test]
fn each_list_target_reads_its_first_seed_into_parties() {
    // The harness hands each parser its own format: were it wired to the wrong one, every
    // input would fail early and the fuzzer would explore nothing. Lenient, as some
    // fixtures carry a bad row on purpose.
    let good = [
        (Target::OfacCsv, "main.csv"),
        (Target::OfacLegacyXml, "legacy_sdn.xml"),
        (Target::OfacAdvancedXml, "advanced_sdn.xml"),
        (Target::OfacEnhancedXml, "enhanced_sdn.xml"),
        (Target::UsCslCsv, "basic.csv"),
        (Target::UsCslJson, "sample.json"),
        (Target::UkOfsiCsv, "conlist.csv"),
        (Target::UkOfsiXlsx, "conlist.xlsx"),
        (Target::UkOfsiXml, "conlist.xml"),
        (Target::UkFcdoCsv, "fcdo.csv"),
        (Target::UkFcdoXml, "fcdo.xml"),
        (Target::UnSc, "consolidated_small.xml"),
        (Target::EuFsfXml, "fsf_small.xml"),
        (Target::EuFsfCsv, "fsf_small.csv"),
        (Target::CaSema, "sema_2025.xml"),
        (Target::ChSeco, "whole_list_small.xml"),
        (Target::JpMof, "mof_sample.xlsx"),
        (Target::JpMetiText, "meti_sample.txt"),
        (Target::JpMetiPdf, "meti_synthetic.pdf"),
        (Target::Ftm, "opensanctions_putin.ftm.json"),
    ];
    let opts = sanctum_sources::ParseOptions {
        lenient: true,
        limits: sanctum_fuzzing::fuzz_limits(),
    };
    for (target, seed) in good {
        let path = fuzz_dir().join("seeds").join(target.name()).join(seed);
        let data = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let parsed = sanctum_fuzzing::parse_list(target, &data, &opts)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            !parsed.entities.is_empty(),
            "{} read into no party",
            path.display()
        );
    }
    let not_a_list = sanctum_fuzzing::parse_list(Target::Query, b"name=x", &opts);
    assert!(not_a_list.is_err());
}

#[test]
fn a_query_is_read_line_by_line() {
    let query = sanctum_fuzzing::decode_query(
        b"name=Vladimir Putin\nbirth_date=1952-10-07\ncountry=ru\nid=passport:100\nid=X1\n\
          kind=vessel\ngender=female\nBank Rossiya",
    );
    assert_eq!(query.names, ["Vladimir Putin", "Bank Rossiya"]);
    assert_eq!(query.birth_dates, ["1952-10-07"]);
    assert_eq!(query.countries, ["ru"]);
    assert_eq!(query.identifiers.len(), 2);
    assert_eq!(
        query.identifiers[0].kind,
        Some(sanctum_model::IdKind::Passport)
    );
    assert_eq!(query.identifiers[0].value, "100");
    assert_eq!(query.identifiers[1].kind, None);
    assert_eq!(query.kind, Some(sanctum_model::EntityKind::Vessel));
    assert_eq!(query.gender, Some(sanctum_model::Gender::Female));
}

#[test]
fn each_detect_seed_is_detected_and_read_into_parties() {
    // Plain, gzip and zip files, each under the name its first byte picks.
    let opts = sanctum_sources::ParseOptions {
        lenient: true,
        limits: sanctum_fuzzing::fuzz_limits(),
    };
    let seeds = files_in(&fuzz_dir().join("seeds/detect"));
    assert!(seeds.len() >= 10, "{} detect seeds", seeds.len());
    for path in seeds {
        let data = std::fs::read(&path).expect("a readable seed");
        let parsed = sanctum_fuzzing::detect_and_read(&data, &opts)
            .unwrap_or_else(|| panic!("{}: no format detected", path.display()))
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            !parsed.entities.is_empty(),
            "{} read into no party",
            path.display()
        );
    }
}
