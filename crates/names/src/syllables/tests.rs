use super::*;

fn compare(a: &str, b: &str, system: System) -> SyllableMatch {
    Syllables::of(a).compare(&Syllables::of(b), Systems::of(system))
}

fn keys_meet(a: &str, b: &str) -> bool {
    let (a, b) = (Syllables::of(a), Syllables::of(b));
    a.keys().any(|ka| b.keys().any(|kb| ka == kb))
}

#[test]
fn mandarin_romanisations_are_one_syllable() {
    for (a, b) in [
        ("zhang", "chang"),
        ("xiao", "hsiao"),
        ("xu", "hsu"),
        ("jiang", "chiang"),
        ("guo", "kuo"),
        ("zhang", "cheung"),
        ("chen", "chan"),
        ("huang", "wong"),
        ("li", "lee"),
        ("xiaoming", "hsiaoming"),
        ("zhou", "chou"),
        ("cai", "tsai"),
        ("xie", "hsieh"),
    ] {
        assert_eq!(
            compare(a, b, System::Mandarin),
            SyllableMatch::Same,
            "{a} {b}"
        );
        assert!(keys_meet(a, b), "{a} {b}");
    }
}

#[test]
fn wade_giles_names_read_plain_and_aspirated_alike() {
    for (a, b) in [
        ("zhengzhong", "chengchung"),
        ("guangfu", "kuangfu"),
        ("jun", "chun"),
    ] {
        assert_eq!(
            compare(a, b, System::WadeGiles),
            SyllableMatch::Same,
            "{a} {b}"
        );
        assert!(keys_meet(a, b), "{a} {b}");
    }
    // In pinyin they are other syllables.
    assert_eq!(
        compare("jun", "chun", System::Mandarin),
        SyllableMatch::Different
    );
    assert_eq!(
        compare("guang", "kuang", System::Mandarin),
        SyllableMatch::Different
    );
}

#[test]
fn an_edit_into_another_syllable_is_another_name() {
    for (a, b) in [
        ("fang", "wang"),
        ("ying", "bing"),
        ("xiaohong", "xiaoming"),
        ("bin", "bing"),
        ("ping", "bing"),
        ("jianguo", "jianhua"),
    ] {
        assert_eq!(
            compare(a, b, System::Mandarin),
            SyllableMatch::Different,
            "{a} {b}"
        );
    }
    // Syllable order inside a given name is part of the name.
    assert_eq!(
        compare("mingxiao", "xiaoming", System::Mandarin),
        SyllableMatch::Different
    );
}

#[test]
fn korean_romanisations_are_one_syllable() {
    for (a, b) in [
        ("yong", "yeong"),
        ("yong", "young"),
        ("chol", "cheol"),
        ("chol", "chul"),
        ("sung", "song"),
        ("sung", "seong"),
        ("jung", "jeong"),
        ("jung", "chong"),
        ("jung", "chung"),
        ("kim", "gim"),
        ("lee", "yi"),
        ("lee", "rhee"),
        ("lee", "ri"),
        ("park", "pak"),
        ("park", "bak"),
        ("choi", "choe"),
        ("hyun", "hyeon"),
        ("eun", "un"),
        ("joon", "jun"),
        ("hee", "hui"),
    ] {
        assert_eq!(
            compare(a, b, System::Korean),
            SyllableMatch::Same,
            "{a} {b}"
        );
        assert!(keys_meet(a, b), "{a} {b}");
    }
    for (a, b) in [
        ("sang", "song"),
        ("yong", "song"),
        ("yong", "tong"),
        ("ho", "hong"),
    ] {
        assert_eq!(
            compare(a, b, System::Korean),
            SyllableMatch::Different,
            "{a} {b}"
        );
    }
    // A slip that makes no syllable is left to the spelling rules.
    assert_eq!(
        compare("nqm", "nam", System::Korean),
        SyllableMatch::Unknown
    );
    assert_eq!(compare("fi", "ri", System::Korean), SyllableMatch::Unknown);
}

#[test]
fn vietnamese_syllables_are_their_spelling() {
    assert_eq!(
        compare("minh", "linh", System::Vietnamese),
        SyllableMatch::Different
    );
    assert_eq!(
        compare("nguyen", "nguyen", System::Vietnamese),
        SyllableMatch::Same
    );
    assert_eq!(
        compare("nguyne", "nguyen", System::Vietnamese),
        SyllableMatch::Unknown
    );
}

#[test]
fn names_read_as_syllabic() {
    let systems = |text: &str| {
        let latin = crate::to_latin(&crate::normalize(text));
        let words: Vec<&str> = latin.split_whitespace().collect();
        let syllables: Vec<Syllables> = words.iter().map(|w| Syllables::of(w)).collect();
        let refs: Vec<&Syllables> = syllables.iter().collect();
        name_systems(text, &words, &refs)
    };
    assert!(systems("陈芳").contains(System::Mandarin));
    assert!(systems("Chen Fang").contains(System::Mandarin));
    assert!(systems("CHANG Hsiao-ming").contains(System::Mandarin));
    assert!(systems("김영호").contains(System::Korean));
    assert!(systems("KIM Yong Ho").contains(System::Korean));
    assert!(systems("Jang Yeong-cheol").contains(System::Korean));
    assert!(systems("Nguyễn Văn Minh").contains(System::Vietnamese));
    assert!(systems("Nguyen Van Minh").contains(System::Vietnamese));
    assert!(systems("John Smith").is_empty());
    assert!(systems("Ali Hasan").is_empty());
    assert!(systems("Vladimir Putin").is_empty());
    assert!(systems("佐藤 健太 さくら").is_empty());
}

#[test]
fn readings_are_bounded() {
    // A long string of vowels reads many ways: a few are kept.
    let s = Syllables::of("aeaeaeaeaeaeaeaeaeae");
    assert!(s.keys().count() <= 3 * MAX_READINGS);
    assert!(Syllables::of(&"a".repeat(500)).keys().next().is_none());
}
