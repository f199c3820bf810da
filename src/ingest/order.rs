//! ingest: the running order of the day's articles. A pure, stable sort:
//! articles that tie keep the order they were read in.

use std::cmp::Reverse;
use std::fmt;
use std::str::FromStr;

use super::article::Article;

/// How articles are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Order {
    /// As the inputs were given (and, inside a feed, as its items stand).
    #[default]
    Input,
    /// Newest first; articles without a published time last.
    Published,
    /// Priority 1 first, then 2…; articles without a priority last.
    Priority,
}

impl Order {
    pub const NAMES: [&'static str; 3] = ["input", "published", "priority"];

    pub fn name(self) -> &'static str {
        match self {
            Order::Input => "input",
            Order::Published => "published",
            Order::Priority => "priority",
        }
    }
}

impl fmt::Display for Order {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Order {
    type Err = String;

    fn from_str(s: &str) -> Result<Order, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "input" => Ok(Order::Input),
            "published" => Ok(Order::Published),
            "priority" => Ok(Order::Priority),
            other => Err(format!(
                "unknown order \"{other}\" (expected one of: {})",
                Order::NAMES.join(", ")
            )),
        }
    }
}

/// Puts articles in running order.
pub fn order(mut articles: Vec<Article>, order: Order) -> Vec<Article> {
    match order {
        Order::Input => {}
        // `None` sorts before `Some`, so the key is (missing, newest first).
        Order::Published => {
            articles.sort_by_key(|a| (a.published_at.is_none(), Reverse(a.published_at)))
        }
        Order::Priority => articles.sort_by_key(|a| (a.priority.is_none(), a.priority)),
    }
    articles
}
