//! assemble: prepared clips and pauses → the finished programme and its
//! timeline, streamed from a spool on disk into the sinks of every artifact.

mod prefix;
mod render;
mod spool;

pub use prefix::PrefixMeter;
pub use render::{
    render, Bed, Item, Levels, Outputs, Placement, Programme, RenderError, Rendered, Sink,
    SinkError, Span,
};
pub use spool::Spool;
