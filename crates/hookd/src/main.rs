//! The `hookd` binary: everything lives in the library.

/// mimalloc instead of the system allocator: the hot path allocates and frees many small,
/// short-lived buffers (requests, headers, ids) across threads, where glibc's malloc spent
/// about a tenth of hookd's CPU in the benchmark's profile.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    match hookd::cli::run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            // One readable line with the cause chain; no backtrace dump.
            eprintln!("hookd: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
