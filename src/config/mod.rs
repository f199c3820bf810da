//! config: `voices.toml` → typed settings for every stage, validated once.

mod duration;
mod load;
mod raw;

pub use duration::parse_duration;
pub use load::{suggest, Config, ConfigError, Secrets};
