//! Integration tests: the `bulletin` binary against real servers on loopback
//! and, where installed, the real espeak-ng program.

mod bad_input;
mod books;
mod broadcast;
mod build_http;
mod cron;
mod deploy;
mod espeak;
mod fake_tts;
mod harness;
mod hostile;
mod inputs;
mod intelligibility;
mod listen;
mod memory;
mod piper;
mod presets;
mod resilience;
mod s3;
mod shard;
mod speakable;
mod workers;
