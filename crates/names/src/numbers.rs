//! Numbers written in words (BRIGADE FORTY-FOUR / BRIGADE 44): a run of English number words
//! becomes its digits, so that both writings of an organisation's number meet.
// Hand-written: the English number words below a million are a closed list of 32 words,
// and the crates that read them (e.g. text2num) pull in a language model of their own.

/// The value of a number word, and whether it is a unit (one…nine), a word of its own
/// (ten…nineteen), a ten (twenty…ninety) or a multiplier (hundred, thousand).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Word {
    Unit(u64),
    Teen(u64),
    Ten(u64),
    Hundred,
    Thousand,
}

fn word(w: &str) -> Option<Word> {
    const UNITS: [&str; 9] = [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    ];
    const TEENS: [&str; 10] = [
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: [&str; 8] = [
        "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    if let Some(i) = UNITS.iter().position(|u| *u == w) {
        return Some(Word::Unit(i as u64 + 1));
    }
    if let Some(i) = TEENS.iter().position(|t| *t == w) {
        return Some(Word::Teen(i as u64 + 10));
    }
    // FOURTY is how forty is often misspelt.
    if w == "fourty" {
        return Some(Word::Ten(40));
    }
    if let Some(i) = TENS.iter().position(|t| *t == w) {
        return Some(Word::Ten(i as u64 * 10 + 20));
    }
    match w {
        "hundred" => Some(Word::Hundred),
        "thousand" => Some(Word::Thousand),
        _ => None,
    }
}

/// Whether `next` may follow `previous` in one number (FORTY FOUR, ONE HUNDRED TWELVE; not
/// FOUR FOUR, which are two).
fn follows(previous: Word, next: Word) -> bool {
    use Word::*;
    matches!(
        (previous, next),
        (Ten(_), Unit(_))
            | (Unit(_) | Teen(_) | Ten(_), Hundred | Thousand)
            | (Hundred, Unit(_) | Teen(_) | Ten(_) | Thousand)
            | (Thousand, Unit(_) | Teen(_) | Ten(_))
    )
}

/// Replaces each run of number words in `tokens` by its digits: runs of two words or more,
/// and single words from eleven up (ONE, TWO … TEN alone are as often words of a name).
pub(crate) fn number_words(tokens: &mut Vec<String>) {
    let mut out: Vec<String> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let Some(first) = word(&tokens[i]) else {
            out.push(std::mem::take(&mut tokens[i]));
            i += 1;
            continue;
        };
        let (mut total, mut current) = (0u64, 0u64);
        let add = |w: Word, total: &mut u64, current: &mut u64| match w {
            Word::Unit(v) | Word::Teen(v) | Word::Ten(v) => *current += v,
            Word::Hundred => *current = (*current).max(1) * 100,
            Word::Thousand => {
                *total += (*current).max(1) * 1000;
                *current = 0;
            }
        };
        add(first, &mut total, &mut current);
        let mut previous = first;
        let mut end = i + 1;
        loop {
            // "and" inside a number (ONE HUNDRED AND FIVE).
            let skip_and = tokens.get(end).is_some_and(|t| t == "and")
                && matches!(previous, Word::Hundred | Word::Thousand);
            let at = if skip_and { end + 1 } else { end };
            match tokens.get(at).and_then(|t| word(t)) {
                Some(next) if follows(previous, next) => {
                    add(next, &mut total, &mut current);
                    previous = next;
                    end = at + 1;
                }
                _ => break,
            }
        }
        let value = total + current;
        let single_small = end == i + 1 && matches!(first, Word::Unit(_) | Word::Teen(10));
        if single_small {
            out.push(std::mem::take(&mut tokens[i]));
        } else {
            out.push(value.to_string());
        }
        i = end;
    }
    *tokens = out;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(text: &str) -> String {
        let mut tokens: Vec<String> = text.split(' ').map(String::from).collect();
        number_words(&mut tokens);
        tokens.join(" ")
    }

    #[test]
    fn number_words_become_digits() {
        assert_eq!(numbers("brigade fourty four"), "brigade 44");
        assert_eq!(numbers("brigade forty four"), "brigade 44");
        assert_eq!(numbers("unit one hundred and five"), "unit 105");
        assert_eq!(numbers("two thousand twenty two"), "2022");
        assert_eq!(numbers("fifteen trading"), "15 trading");
        // A small number alone stays a word; two units are two numbers.
        assert_eq!(numbers("one bank"), "one bank");
        assert_eq!(numbers("four four"), "four four");
        assert_eq!(numbers("and twenty"), "and 20");
    }
}
