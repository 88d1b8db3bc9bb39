//! Familiar forms of given names (TED / Theodore, BOB / Robert, SASHA / Aleksandr): a person
//! goes by one in a customer file as often as by the name on the passport.
// Hand-written: a short table of the commonest familiar forms of the lists' languages
// (English, Russian, Spanish); no crate of the registry keeps one.

use crate::fold_variant;
use std::collections::HashMap;
use std::sync::OnceLock;

/// A familiar form and the given names it stands for.
const FAMILIAR: &[(&str, &[&str])] = &[
    ("ted", &["theodore", "edward"]),
    ("teddy", &["theodore", "edward"]),
    ("ed", &["edward"]),
    ("eddie", &["edward"]),
    ("bob", &["robert"]),
    ("bobby", &["robert"]),
    ("rob", &["robert"]),
    ("bill", &["william"]),
    ("billy", &["william"]),
    ("will", &["william"]),
    ("liz", &["elizabeth"]),
    ("beth", &["elizabeth"]),
    ("betty", &["elizabeth"]),
    ("jim", &["james"]),
    ("jimmy", &["james"]),
    ("mike", &["michael"]),
    ("mick", &["michael"]),
    ("dick", &["richard"]),
    ("rick", &["richard"]),
    ("tom", &["thomas"]),
    ("tommy", &["thomas"]),
    ("tony", &["anthony", "antonio"]),
    ("joe", &["joseph"]),
    ("jack", &["john"]),
    ("johnny", &["john"]),
    ("dave", &["david"]),
    ("dan", &["daniel"]),
    ("danny", &["daniel"]),
    ("sam", &["samuel"]),
    ("ben", &["benjamin"]),
    ("alex", &["alexander", "aleksandr", "alexei"]),
    ("sasha", &["aleksandr", "alexander"]),
    ("misha", &["mikhail"]),
    ("dima", &["dmitry"]),
    ("volodya", &["vladimir"]),
    ("vova", &["vladimir"]),
    ("kolya", &["nikolai"]),
    ("seryozha", &["sergei"]),
    ("zhenya", &["evgeny"]),
    ("pasha", &["pavel"]),
    ("petya", &["pyotr"]),
    ("vanya", &["ivan"]),
    ("lyosha", &["aleksei"]),
    ("kostya", &["konstantin"]),
    ("tolya", &["anatoly"]),
    ("andy", &["andrew"]),
    ("chris", &["christopher"]),
    ("steve", &["stephen", "steven"]),
    ("pete", &["peter"]),
    ("matt", &["matthew"]),
    ("nick", &["nicholas"]),
    ("pat", &["patrick"]),
    ("greg", &["gregory"]),
    ("larry", &["lawrence"]),
    ("jerry", &["gerald"]),
    ("harry", &["henry", "harold"]),
    ("hank", &["henry"]),
    ("chuck", &["charles"]),
    ("charlie", &["charles"]),
    ("fred", &["frederick"]),
    ("frank", &["francis", "franklin"]),
    ("kate", &["katherine", "catherine"]),
    ("kathy", &["katherine", "catherine"]),
    ("peggy", &["margaret"]),
    ("maggie", &["margaret"]),
    ("sue", &["susan"]),
    ("jenny", &["jennifer"]),
    ("pepe", &["jose"]),
    ("paco", &["francisco"]),
    ("pancho", &["francisco"]),
    ("nacho", &["ignacio"]),
    ("lupe", &["guadalupe"]),
];

struct Table {
    /// A familiar form's variant key, with the variant keys of the names it stands for.
    familiar: HashMap<String, Vec<String>>,
    /// The variant keys of the names some familiar form stands for.
    formal: std::collections::HashSet<String>,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut familiar = HashMap::new();
        let mut formal = std::collections::HashSet::new();
        for (short, names) in FAMILIAR {
            let keys: Vec<String> = names.iter().map(|n| fold_variant(n).into_owned()).collect();
            formal.extend(keys.iter().cloned());
            familiar.insert(fold_variant(short).into_owned(), keys);
        }
        Table { familiar, formal }
    })
}

/// The variant keys of the given names a token (by its variant key) may stand for as a
/// familiar form or be: a familiar form gives the names it stands for, a name some familiar
/// form stands for gives itself, any other token nothing. Two tokens that share one are a
/// name and its familiar form, or two familiar forms of one name.
pub fn given_name_keys(key: &str) -> &'static [String] {
    let t = table();
    if let Some(names) = t.familiar.get(key) {
        return names;
    }
    match t.formal.get(key) {
        Some(k) => std::slice::from_ref(k),
        None => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meet(a: &str, b: &str) -> bool {
        let (a, b) = (fold_variant(a), fold_variant(b));
        let (ka, kb) = (given_name_keys(&a), given_name_keys(&b));
        ka.iter().any(|k| kb.contains(k))
    }

    #[test]
    fn familiar_forms_meet_their_names() {
        assert!(meet("ted", "theodore") && meet("ted", "edward") && meet("ted", "eddie"));
        assert!(meet("bob", "robert") && meet("sasha", "alexander") && meet("sasha", "aleksandr"));
        assert!(!meet("bob", "william") && !meet("theodore", "edward"));
        assert!(given_name_keys(&fold_variant("smith")).is_empty());
    }
}
