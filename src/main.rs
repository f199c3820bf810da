fn main() -> std::process::ExitCode {
    limit_malloc_arenas();
    bulletin::cli::main()
}

/// glibc gives a thread that meets contention an allocator arena of its own
/// (up to eight per core) and keeps freed clip buffers there, so a cold
/// 57-minute build with a 16 MiB audio budget sat at 92 MiB resident. Two
/// arenas hold it at 60 MiB (warm: 50 MiB) with no measurable cost; see
/// BENCHMARKS.md. A `MALLOC_ARENA_MAX` the user set is left as it is.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn limit_malloc_arenas() {
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: called first in main, before any other thread exists;
        // mallopt only sets a parameter of the allocator.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 2);
        }
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas() {}
