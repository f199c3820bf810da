//! assemble: prepared clips and pauses → the finished programme and its
//! timeline, streamed through a spool on disk.

mod render;
mod spool;

pub use render::{layout, render, Bed, Item, Placement, Rendered};
pub use spool::Spool;
