//! config: `voices.toml` → typed settings for every stage, validated once.
//!
//! - `raw`: the file as written, read by serde (unknown keys and words rejected).
//! - `error`: [`ConfigError`], naming the file, section and key.
//! - `bulletin`: `[bulletin]` → audio format and script settings.
//! - `output`: `[bulletin]` → the artifacts' format and metadata.
//! - `inputs`: `[bulletin]` → inputs, since, limit, order; `[bulletin.fetch]`.
//! - `backends`: `[backends.*]` → backend specs, from presets parsed once.
//! - `voices`: `[voices.*]` and `[languages]` → voices resolved to backends.
//! - `load`: [`Config::load`] ties them together.
//! - `duration`: `700ms`, `1.5s`, `3m` as people write them.

mod backends;
mod bulletin;
mod duration;
mod error;
mod inputs;
mod load;
mod output;
mod raw;
mod voices;

pub use backends::preset_names;
pub use bulletin::{MAX_MEMORY_MIB, MIN_MEMORY_MIB};
pub use duration::parse_duration;
pub use error::{suggest, ConfigError, Problem};
pub use inputs::{InputSettings, MAX_LIMIT};
pub use load::{Config, Secrets};
