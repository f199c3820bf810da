//! text: English abbreviations, after which a `.` does not end a sentence
//! (`Dr. Smith`, `the U.S. economy`, `J. K. Rowling`).

/// Abbreviations written with one final dot, as they are usually
/// capitalized. `No.` is left out on purpose: before a number (`No. 7`) the
/// digit already keeps the sentence going, and elsewhere `No.` is usually the
/// word.
const ABBREVIATIONS: &[&str] = &[
    // titles and ranks
    "Mr", "Mrs", "Ms", "Mx", "Dr", "Prof", "Rev", "Hon", "Sr", "Jr", "St", "Mt", "Ft", "Gov", "Sen",
    "Rep", "Pres", "Gen", "Col", "Lt", "Capt", "Cmdr", "Adm", "Maj", "Sgt", "Cpl", "Pvt", "Supt",
    "Insp", "Fr", // companies
    "Inc", "Ltd", "Co", "Corp", "Bros", "Plc", // months
    "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
    // others
    "vs", "Vs", "etc", "Etc", "approx", "Approx", "dept", "Dept", "est", "Est", "fig", "Fig", "vol",
    "Vol", "al", "cf", "Ave", "Blvd", "Rd",
];

/// Longest token worth looking at.
pub(crate) const MAX_ABBREVIATION_CHARS: usize = 12;

/// Whether `token` (the word before a `.`, without that dot) is an
/// abbreviation or an initial.
pub(crate) fn is_abbreviation(token: &str) -> bool {
    if ABBREVIATIONS.contains(&token) {
        return true;
    }
    let mut chars = token.chars();
    // A single capital is an initial (`J. K. Rowling`); `I` is the pronoun.
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return c.is_uppercase() && c != 'I';
    }
    // Dotted: `U.S`, `e.g`, `i.e`, `a.m`, `Ph.D`.
    token.contains('.')
        && token.split('.').all(|part| {
            (1..=2).contains(&part.chars().count()) && part.chars().all(char::is_alphabetic)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_initials_and_dotted() {
        for t in [
            "Dr", "Capt", "Nov", "etc", "vs", "J", "K", "U.S", "U.K", "U.N", "e.g", "i.e", "a.m",
            "p.m", "Ph.D",
        ] {
            assert!(is_abbreviation(t), "{t}");
        }
        for t in [
            "I",
            "talked",
            "7",
            "No",
            "Smith",
            "",
            "U..S",
            "example.com",
            "中",
        ] {
            assert!(!is_abbreviation(t), "{t}");
        }
    }
}
