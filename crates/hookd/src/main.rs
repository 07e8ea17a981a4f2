//! The `hookd` binary: everything lives in the library.

fn main() -> anyhow::Result<()> {
    hookd::cli::run()
}
