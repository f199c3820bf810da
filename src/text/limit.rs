//! text: a TTS backend's request limit, in characters or UTF-8 bytes.

use std::fmt;
use std::num::NonZeroUsize;

/// The most text a backend accepts in one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Limit {
    /// Unicode scalar values (Rust `char`s).
    Chars(NonZeroUsize),
    /// UTF-8 bytes.
    Bytes(NonZeroUsize),
}

impl Limit {
    /// The size of `s` in this limit's unit.
    pub fn measure(&self, s: &str) -> usize {
        match self {
            Limit::Chars(_) => s.chars().count(),
            Limit::Bytes(_) => s.len(),
        }
    }

    /// Whether `s` fits.
    pub fn fits(&self, s: &str) -> bool {
        match self {
            // Counting stops as soon as the answer is known.
            Limit::Chars(max) => s.chars().nth(max.get()).is_none(),
            Limit::Bytes(max) => s.len() <= max.get(),
        }
    }

    /// The limit as a number of its units.
    pub fn max(&self) -> usize {
        match self {
            Limit::Chars(max) | Limit::Bytes(max) => max.get(),
        }
    }
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Limit::Chars(max) => write!(f, "{max} characters"),
            Limit::Bytes(max) => write!(f, "{max} bytes"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(v: usize) -> NonZeroUsize {
        NonZeroUsize::new(v).unwrap()
    }

    #[test]
    fn chars_and_bytes() {
        let (chars, bytes) = (Limit::Chars(n(3)), Limit::Bytes(n(6)));
        assert_eq!(chars.measure("中文ab"), 4);
        assert_eq!(bytes.measure("中文ab"), 8);
        assert!(chars.fits("中文a") && !chars.fits("中文ab"));
        assert!(bytes.fits("中文") && !bytes.fits("中文a"));
        assert!(chars.fits("") && bytes.fits(""));
        assert_eq!(chars.max(), 3);
        assert_eq!(chars.to_string(), "3 characters");
        assert_eq!(bytes.to_string(), "6 bytes");
    }
}
