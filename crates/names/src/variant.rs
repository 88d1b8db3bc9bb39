//! Romanisation variant folding: one key for Muhammad/Mohammed/Mohamad,
//! Husayn/Hussein, Dmitriy/Dmitry, Yevgeniy/Evgeny, -ov/-off …

use std::borrow::Cow;

/// Maps a token (lower-case Latin, as [`tokens`](crate::tokens) gives) to a
/// key shared by its common romanisation variants.
///
/// The key is for finding and comparing candidates, not for display; the
/// matcher should still compare the tokens themselves. Rules, in order:
///
/// 0. Particles: ben/ibn → bin, el/ul → al, abou → abu, binti/bte → bint.
/// 1. The abd family at the start: abdel-, abdal-, abdol-, abdoul-, abdou-,
///    abdu- → abdul- (Abdel/Abd al/Abdul; `abdallah` → abdullah).
/// 2. Clusters, left to right: dzh, dj → j; tsch, tch → ch; sch → sh;
///    ph → f; ks → x; ck → k; q → k; w → v; kh → h except at the start
///    (Akhmed/Ahmed, Mikhail/Mihail; initial Kh stays: Khan ≠ Han). In words
///    of two or more syllables also ou, oo → u; ee → i; c → k unless before
///    h, e, i, y (Yousef/Yusef, Mahmood/Mahmud, Victor/Viktor); one-syllable
///    words (pinyin Zhou ≠ Zhu, Cao ≠ Kao, Lee) are left alone.
/// 3. Start of a word of two or more syllables: i/j + vowel → y (Iakov,
///    Jakov → Yakov; Iurii → Yurii); then ye → e (Yevgeniy/Evgeniy,
///    Yelena/Elena). Korean and Chinese syllables (Jong ≠ Yong) are one
///    syllable and keep their j.
/// 4. Inside the word: i + y/i + vowel → i + vowel (Aliyev/Aliev,
///    Mariya/Maria, Yuliia/Yulia); consonant + i + vowel → consonant + y +
///    vowel (Tatiana/Tatyana, Liudmyla/Lyudmila); y between consonants → i
///    (Yanukovych/Yanukovich); ay, ey, ei before a consonant → ai
///    (Husayn/Hussein/Husain, Zeynab/Zaynab/Zainab, Sheikh/Shaykh); j between
///    vowels → y (German and Slavic spellings: Sergejewitsch/Sergeyevich).
/// 5. Endings, when at least two letters remain: -off → -ov, -eff → -ev;
///    -iy/-ii/-ij/-yy/-yi/-yj → -i and consonant + y → consonant + i
///    (Dmitriy/Dmitry/Dmitrii, Zelenskyy/Zelensky); -ei/-ej → -ey,
///    -ai/-aj → -ay, -oi/-oj → -oy (Sergei/Sergej/Sergey, Nikolai/Nikolay);
///    d, t, b, p, g, k, v + r → …er (Aleksandr/Alexander, Petr/Peter).
/// 6. Doubled letters collapse (Mohammed → mohamed, Hussain → husain).
/// 7. A small table of irregular given names maps the result to one key
///    (mohamed, mohamad, mehmet … → muhamad; yusef, usuf → yusuf;
///    osama → usama; ahmed → ahmad …).
///
/// Deliberately not folded: gender endings (Ivanov ≠ Ivanova, Petrov ≠
/// Petrova: often different people), final vowels (Maria ≠ Mario), initial
/// kh/h, g/h (Ukrainian Hryhorii vs Russian Grigoriy are different
/// romanisations of different-language names, left to the phonetic key).
pub fn fold_variant(token: &str) -> Cow<'_, str> {
    if let Some(key) = particle_key(token) {
        return Cow::Borrowed(key);
    }
    if !token.is_ascii() || token.len() < 2 {
        return Cow::Borrowed(token);
    }
    let multi_syllable = vowel_groups(token.as_bytes().get(1..).unwrap_or_default()) >= 2;
    let mut word = token.as_bytes().to_ascii_lowercase();
    abd_prefix(&mut word);
    word = clusters(&word, multi_syllable);
    if multi_syllable {
        word_start(&mut word);
    }
    word = inside(&word);
    endings(&mut word);
    word.dedup();
    if let Some(key) = irregular(&word) {
        return Cow::Borrowed(key);
    }
    if word == token.as_bytes() {
        Cow::Borrowed(token)
    } else {
        // only ASCII bytes were written, so this never fails
        Cow::Owned(String::from_utf8(word).unwrap_or_else(|_| token.to_string()))
    }
}

fn particle_key(token: &str) -> Option<&'static str> {
    Some(match token {
        "ben" | "ibn" => "bin",
        "el" | "ul" => "al",
        "abou" => "abu",
        "binti" | "bte" => "bint",
        _ => return None,
    })
}

fn is_vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y')
}

fn is_consonant(b: u8) -> bool {
    b.is_ascii_alphabetic() && !is_vowel(b)
}

fn vowel_groups(bytes: &[u8]) -> usize {
    let mut groups = 0;
    let mut in_vowel = false;
    for &b in bytes {
        let vowel = is_vowel(b);
        if vowel && !in_vowel {
            groups += 1;
        }
        in_vowel = vowel;
    }
    groups
}

fn abd_prefix(word: &mut Vec<u8>) {
    const VARIANTS: [&[u8]; 6] = [b"abdoul", b"abdel", b"abdal", b"abdol", b"abdou", b"abdu"];
    if word.starts_with(b"abdul") {
        return;
    }
    if let Some(variant) = VARIANTS.iter().find(|variant| word.starts_with(variant)) {
        word.splice(..variant.len(), b"abdul".iter().copied());
    }
}

fn clusters(word: &[u8], multi_syllable: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(word.len());
    let mut index = 0;
    while let Some(rest) = word.get(index..).filter(|rest| !rest.is_empty()) {
        let first = rest.first().copied().unwrap_or_default();
        let second = rest.get(1).copied();
        let (replacement, used): (&[u8], usize) = if rest.starts_with(b"dzh") {
            (b"j", 3)
        } else if rest.starts_with(b"dj") {
            (b"j", 2)
        } else if rest.starts_with(b"tsch") {
            (b"ch", 4)
        } else if rest.starts_with(b"tch") {
            (b"ch", 3)
        } else if rest.starts_with(b"sch") {
            (b"sh", 3)
        } else if rest.starts_with(b"ph") {
            (b"f", 2)
        } else if rest.starts_with(b"ks") {
            (b"x", 2)
        } else if rest.starts_with(b"ck") {
            (b"k", 2)
        } else if rest.starts_with(b"kh") && index > 0 {
            (b"h", 2)
        } else if multi_syllable && (rest.starts_with(b"ou") || rest.starts_with(b"oo")) {
            (b"u", 2)
        } else if multi_syllable && rest.starts_with(b"ee") {
            (b"i", 2)
        } else if first == b'q' {
            (b"k", 1)
        } else if first == b'w' {
            (b"v", 1)
        } else if multi_syllable
            && first == b'c'
            && !matches!(second, Some(b'h' | b'e' | b'i' | b'y'))
        {
            (b"k", 1)
        } else {
            (rest.get(..1).unwrap_or_default(), 1)
        };
        out.extend_from_slice(replacement);
        index += used;
    }
    out
}

fn word_start(word: &mut Vec<u8>) {
    if let [first @ (b'i' | b'j'), b'a' | b'e' | b'o' | b'u', ..] = word.as_mut_slice() {
        *first = b'y';
    }
    if word.starts_with(b"ye") {
        word.remove(0);
    }
}

fn inside(word: &[u8]) -> Vec<u8> {
    let is_plain_vowel = |b: Option<&u8>| matches!(b, Some(b'a' | b'e' | b'o' | b'u'));
    let is_vowel = |b: Option<&u8>| matches!(b, Some(b'a' | b'e' | b'i' | b'o' | b'u'));
    // vowel + j + vowel → y (German and Slavic j: Sergejewitsch/Sergeyevich, Atabijew)
    let word: Vec<u8> = (0..word.len())
        .map(|index| match word[index] {
            b'j' if index > 0 && is_vowel(word.get(index - 1)) && is_vowel(word.get(index + 1)) => {
                b'y'
            }
            b => b,
        })
        .collect();
    // i + y/i + vowel → i + vowel
    let mut pass: Vec<u8> = Vec::with_capacity(word.len());
    for (index, &b) in word.iter().enumerate() {
        let after_i = index > 0 && word.get(index - 1) == Some(&b'i');
        if after_i && matches!(b, b'y' | b'i') && is_plain_vowel(word.get(index + 1)) {
            continue;
        }
        pass.push(b);
    }
    // consonant + i + vowel → consonant + y + vowel; y between consonants → i
    let mut out = pass.clone();
    for index in 1..pass.len() {
        let previous = pass.get(index - 1).copied().unwrap_or_default();
        let next = pass.get(index + 1);
        let Some(slot) = out.get_mut(index) else {
            continue;
        };
        match *slot {
            b'i' if is_consonant(previous) && is_plain_vowel(next) => *slot = b'y',
            b'y' if is_consonant(previous) && next.is_some_and(|&b| is_consonant(b)) => {
                *slot = b'i'
            }
            _ => {}
        }
    }
    // ay, ey, ei before a consonant → ai
    let mut index = 0;
    while index + 2 < out.len() {
        let pair = (out.get(index).copied(), out.get(index + 1).copied());
        let diphthong = matches!(
            pair,
            (Some(b'a' | b'e'), Some(b'y')) | (Some(b'e'), Some(b'i'))
        );
        if diphthong && out.get(index + 2).is_some_and(|&b| is_consonant(b)) {
            if let Some(slot) = out.get_mut(index) {
                *slot = b'a';
            }
            if let Some(slot) = out.get_mut(index + 1) {
                *slot = b'i';
            }
            index += 2;
        } else {
            index += 1;
        }
    }
    out
}

fn replace_ending(word: &mut Vec<u8>, ending: &[u8], replacement: &[u8]) -> bool {
    if word.len() >= ending.len() + 2 && word.ends_with(ending) {
        word.truncate(word.len() - ending.len());
        word.extend_from_slice(replacement);
        true
    } else {
        false
    }
}

fn endings(word: &mut Vec<u8>) {
    const RULES: [(&[u8], &[u8]); 14] = [
        (b"off", b"ov"),
        (b"eff", b"ev"),
        (b"iy", b"i"),
        (b"ii", b"i"),
        (b"ij", b"i"),
        (b"yy", b"i"),
        (b"yi", b"i"),
        (b"yj", b"i"),
        (b"ei", b"ey"),
        (b"ej", b"ey"),
        (b"ai", b"ay"),
        (b"aj", b"ay"),
        (b"oi", b"oy"),
        (b"oj", b"oy"),
    ];
    for (ending, replacement) in RULES {
        if replace_ending(word, ending, replacement) {
            return;
        }
    }
    let length = word.len();
    if length < 3 {
        return;
    }
    let last = word.get(length - 1).copied().unwrap_or_default();
    let before = word.get(length - 2).copied().unwrap_or_default();
    if last == b'y' && is_consonant(before) {
        if let Some(slot) = word.last_mut() {
            *slot = b'i';
        }
    } else if last == b'r' && matches!(before, b'd' | b't' | b'b' | b'p' | b'g' | b'k' | b'v') {
        word.insert(length - 1, b'e');
    }
}

/// Irregular given names, keyed by their spelling after rules 1–6.
fn irregular(word: &[u8]) -> Option<&'static str> {
    Some(match word {
        b"mohamed" | b"mohamad" | b"muhamed" | b"mohamet" | b"mahomed" | b"mohd" | b"mehmet"
        | b"mehmed" | b"mohamud" | b"muhamud" => "muhamad",
        b"ahmed" | b"achmed" | b"ahmat" | b"ahmet" => "ahmad",
        b"yusef" | b"usuf" | b"yusof" | b"yosuf" => "yusuf",
        b"osama" => "usama",
        b"omar" | b"omer" | b"umer" => "umar",
        b"osman" | b"usman" | b"uthman" | b"othman" => "usman",
        b"hosain" | b"husien" | b"hosein" => "husain",
        b"ebrahim" | b"ibragim" => "ibrahim",
        b"mostafa" | b"mustapha" => "mustafa",
        b"khaled" => "khalid",
        b"pyoter" => "peter",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::fold_variant;
    use crate::tokens;

    fn key(text: &str) -> String {
        tokens(text)
            .iter()
            .map(|token| fold_variant(token).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn variants_meet() {
        let groups: &[&[&str]] = &[
            &[
                "Muhammad", "Mohammed", "Mohamad", "Muhammed", "Mohammad", "Mohamed", "محمد",
            ],
            &["Husayn", "Hussein", "Hussain", "Husain", "حسين"],
            &[
                "Abdul Aziz",
                "Abdel Aziz",
                "Abd al-Aziz",
                "Abdulaziz",
                "Abdelaziz",
                "Abd el Aziz",
                "عبد العزيز",
            ],
            &["Abdullah", "Abdallah", "Abd Allah", "عبدالله"],
            &["Aleksandr", "Alexander", "Aleksander", "Александр"],
            &["Sergejewitsch", "Sergeyevich"],
            &["Atabijew", "Atabiyev"],
            &["Dmitriy", "Dmitry", "Dmitrii", "Dmitrij", "Дмитрий"],
            &[
                "Yevgeniy",
                "Evgeny",
                "Evgeniy",
                "Yevgeny",
                "Evgenii",
                "Jevgenij",
                "Евгений",
            ],
            &["Sergey", "Sergei", "Sergej", "Сергей"],
            &["Yuriy", "Yury", "Yuri", "Iurii", "Jurij", "Юрий"],
            &["Smirnov", "Smirnoff"],
            &["Lebedev", "Lebedeff"],
            &["Yusuf", "Yousef", "Youssef", "Usuf", "Jusuf", "يوسف"],
            &["Osama", "Usama", "أسامة"],
            &["Yakov", "Iakov", "Jakov", "Яков"],
            &["Aksenov", "Axenov"],
            &["Akhmed", "Ahmed", "Ahmad", "أحمد"],
            &["Mikhail", "Mihail", "Михаил"],
            &[
                "Arkady Rotenberg",
                "Arkadiy Rotenberg",
                "Arkadii Rotenberg",
                "Аркадий Ротенберг",
            ],
            &[
                "Viktor Yanukovych",
                "Viktor Yanukovich",
                "Victor Ianukovich",
                "Віктор Янукович",
            ],
            &[
                "Zelenskyy",
                "Zelensky",
                "Zelenskiy",
                "Zelenskyi",
                "Зеленський",
                "Зеленский",
            ],
            &[
                "Mohammed bin Salman",
                "Muhammad ibn Salman",
                "محمد بن سلمان",
            ],
            &["Ayman al-Zawahiri", "Ayman ALZAWAHIRI", "Aiman el Zawahiri"],
            &["Aliyev", "Aliev", "Алиев"],
            &["Tatiana", "Tatyana", "Татьяна"],
            &["Yulia", "Yuliya", "Iuliia", "Юлія", "Юлия"],
            &["Nikolai", "Nikolay", "Nicolai", "Nikolaj", "Николай"],
            &["Zeinab", "Zaynab", "Zainab"],
            &["Vladimir", "Wladimir", "Владимир"],
            &["Gorbachov", "Gorbatschow"],
            &["Kim Jong Un", "Kim Jong-un", "김정은"],
            &["Xi Jinping", "习近平"],
            &["Mahmood", "Mahmoud", "Mahmud", "محمود"],
            &["Waleed", "Walid"],
        ];
        for group in groups {
            let first = key(group.first().copied().unwrap_or_default());
            for name in group.iter().skip(1) {
                assert_eq!(key(name), first, "{name:?} should meet {:?}", group.first());
            }
        }
    }

    #[test]
    fn different_names_stay_apart() {
        let pairs = [
            ("Ivanov", "Ivanova"),
            ("Petrov", "Petrova"),
            ("Maria", "Mario"),
            ("Aleksandr", "Aleksandra"),
            ("Khan", "Han"),
            ("Khalid", "Halid"),
            ("Jong", "Yong"),
            ("Zhou", "Zhu"),
            ("Cao", "Kao"),
            ("Hassan", "Hussein"),
            ("Omar", "Amar"),
            ("Said", "Saad"),
            ("Mohammed", "Mahmoud"),
            ("Ali", "Alia"),
            ("Sergey", "Sergeyev"),
            ("Jamal", "Kamal"),
        ];
        for (left, right) in pairs {
            assert_ne!(
                key(left),
                key(right),
                "{left:?} and {right:?} must not fold together"
            );
        }
    }

    #[test]
    fn unchanged_tokens_are_borrowed() {
        assert!(matches!(
            fold_variant("putin"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(fold_variant("Путин"), "Путин");
        assert_eq!(fold_variant(""), "");
    }
}
