//! The `hookd` binary: everything lives in the library.

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
