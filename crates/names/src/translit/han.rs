//! Chinese characters → pinyin without tones (any_ascii), grouped as
//! surname + given name.

/// Two-character surnames (simplified and traditional).
const COMPOUND_SURNAMES: &[[char; 2]] = &[
    ['欧', '阳'],
    ['歐', '陽'],
    ['司', '马'],
    ['司', '馬'],
    ['诸', '葛'],
    ['諸', '葛'],
    ['上', '官'],
    ['东', '方'],
    ['東', '方'],
    ['皇', '甫'],
    ['尉', '迟'],
    ['尉', '遲'],
    ['公', '孙'],
    ['公', '孫'],
    ['慕', '容'],
    ['令', '狐'],
    ['司', '徒'],
    ['夏', '侯'],
    ['长', '孙'],
    ['長', '孫'],
    ['宇', '文'],
    ['端', '木'],
];

/// A name of 2–4 characters is surname + given name ("xi jinping", as the
/// lists write it); a longer run (an organisation) gives one word per
/// syllable. In a Japanese name the characters are kanji whose readings need a
/// table this crate does not have: they are given their Chinese readings, joined.
pub(crate) fn transliterate(run: &[char], japanese: bool, out: &mut String) {
    let syllable = |c: char| any_ascii::any_ascii_char(c);
    if japanese {
        run.iter().for_each(|&c| out.push_str(syllable(c)));
        return;
    }
    match run.len() {
        2..=4 => {
            let surname_length = match run {
                [first, second, _, ..] if COMPOUND_SURNAMES.contains(&[*first, *second]) => 2,
                _ => 1,
            };
            let (surname, given) = run.split_at(surname_length);
            surname.iter().for_each(|&c| out.push_str(syllable(c)));
            out.push(' ');
            given.iter().for_each(|&c| out.push_str(syllable(c)));
        }
        _ => {
            for &c in run {
                out.push_str(syllable(c));
                out.push(' ');
            }
        }
    }
}
