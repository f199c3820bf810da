//! assemble: prepared clips and pauses → `Bulletin { audio, timeline }`.

mod assembler;

pub use assembler::{prepare, AssembleSettings, Assembler, Bulletin, Placement};
