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
    let unset = |name| std::env::var_os(name).is_none();
    // SAFETY: called first in main, before any other thread exists;
    // mallopt only sets a parameter of the allocator.
    unsafe {
        if unset("MALLOC_ARENA_MAX") {
            libc::mallopt(libc::M_ARENA_MAX, 2);
        }
        if unset("MALLOC_MMAP_THRESHOLD_") {
            libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
        }
    }
}

/// Buffers from this size up are mapped for themselves and given back to the
/// system when freed. glibc's own threshold rises to the largest buffer freed
/// (up to 32 MiB), after which a long clip's buffers stay in the heap; fixed
/// here, above an ordinary sentence's prepared clip (3 MiB for 16 s at 48 kHz)
/// so that those are still reused from the heap.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD: libc::c_int = 4 << 20;

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas() {}
