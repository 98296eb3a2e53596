use clap::Parser;

fn main() {
    limit_malloc_arenas();
    let cli = statusd::cli::Cli::parse();
    std::process::exit(statusd::cli::main(cli));
}

/// glibc gives threads that allocate their own arenas (up to 8 per core) and keeps what
/// they free: with a pool of probe threads that was ~110 MB of idle heap at 10,000
/// monitors. One arena keeps RSS near 60 MB there, with no measurable CPU cost
/// (scripts/bench-prober).
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only tunes the allocator; called before any thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}
