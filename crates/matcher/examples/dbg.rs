//! Prints how the matcher sees two names: `cargo run --example dbg -- QUERY LISTED [person]`.
use sanctum_matcher::{Matcher, PreparedEntity, PreparedName, Query};
use sanctum_model::{Entity, EntityKind, Name, NameKind};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (query, listed) = match args.as_slice() {
        [q, l, ..] => (q, l),
        _ => {
            eprintln!("usage: dbg QUERY LISTED [person]");
            return;
        }
    };
    let kind = if args.len() > 2 {
        EntityKind::Person
    } else {
        EntityKind::Organization
    };
    for n in [query, listed] {
        let p = PreparedName::new(n, NameKind::Primary, None, kind == EntityKind::Person);
        let toks: Vec<String> = p
            .tokens
            .tokens
            .iter()
            .zip(&p.tokens.weights)
            .map(|(t, w)| format!("{}[{}|{:?}|{w}]", t.text, t.key, t.kind))
            .collect();
        println!("{n:?}: {} legal={:?}", toks.join(" "), p.tokens.legal_form);
    }
    let mut e = Entity::new("x", "1", kind);
    e.names.push(Name::new(listed.as_str(), NameKind::Primary));
    let q = Query::name(query.as_str()).prepare().expect("query");
    match Matcher::default().score(&q, &PreparedEntity::new(e)) {
        Some(hit) => println!("{}", hit.explanation),
        None => println!("no comparable name"),
    }
}
