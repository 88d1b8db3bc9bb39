//! Lists grown to a given size with generated parties, to measure how screening cost grows
//! with the lists (BENCHMARKS.md, "How cost grows").
//!
//! A generated party is a real party of the same kind with its names recombined: a person
//! keeps the given names of one listed person and takes the family name (last word) of
//! another; an organization or vessel takes its first word from another party of its kind.
//! Birth dates and countries are the base party's; identifiers are dropped, so no generated
//! party matches by identifier. The same parties and seed give the same lists.

use crate::customers::Mix;
use sanctum_model::{Entity, EntityKind, Name, NameKind};
use sanctum_screen::lists::Role;

/// `parties` cut or grown to `target` parties.
pub fn grow(mut parties: Vec<(Entity, Role)>, target: usize, seed: u64) -> Vec<(Entity, Role)> {
    if parties.len() >= target || parties.is_empty() {
        parties.truncate(target);
        return parties;
    }
    let words = |e: &Entity| -> Vec<String> {
        e.names
            .iter()
            .find(|n| n.kind == NameKind::Primary)
            .or(e.names.first())
            .map(|n| n.full.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default()
    };
    let real = parties.len();
    let mut rng = Mix(seed);
    let mut generated = Vec::with_capacity(target - real);
    while real + generated.len() < target {
        let base = &parties[rng.below(real)].0;
        let other = &parties[rng.below(real)].0;
        let (mut name, donor) = (words(base), words(other));
        let (Some(_), Some(donor_word)) = (name.first(), donor.last()) else {
            continue;
        };
        if base.kind == EntityKind::Person {
            let last = name.len() - 1;
            name[last] = donor_word.clone();
        } else if let Some(first) = donor.first() {
            name[0] = first.clone();
        }
        let mut party = base.clone();
        party.source_id = format!("generated-{}", real + generated.len());
        party.names = vec![Name::new(name.join(" "), NameKind::Primary)];
        party.identifiers.clear();
        party.links.clear();
        generated.push((party, Role::Listed));
    }
    parties.extend(generated);
    parties
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(id: &str, name: &str) -> (Entity, Role) {
        let mut e = Entity::new("test", id, EntityKind::Person);
        e.names.push(Name::new(name, NameKind::Primary));
        (e, Role::Listed)
    }

    #[test]
    fn grows_to_the_size_asked_with_recombined_names() {
        let real = vec![person("1", "Ivan Petrov"), person("2", "Anna Sidorova")];
        let grown = grow(real.clone(), 50, 7);
        assert_eq!(grown.len(), 50);
        assert_eq!(grown[..2], real[..]);
        for (e, _) in &grown[2..] {
            let name = &e.names[0].full;
            let (given, family) = name.split_once(' ').unwrap();
            assert!(["Ivan", "Anna"].contains(&given), "{name}");
            assert!(["Petrov", "Sidorova"].contains(&family), "{name}");
            assert!(e.source_id.starts_with("generated-"));
        }
        assert_eq!(grow(real.clone(), 50, 7), grown, "same seed, same lists");
        assert_eq!(grow(real, 1, 7).len(), 1);
    }
}
