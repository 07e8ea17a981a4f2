//! The command line: `serve`, `migrate`, `admin-token`, `rekey`, `config`, `openapi`, `listen`,
//! `forward`, `bench`.

use crate::app::{AdminTokenSource, Server, migrate, rekey, reset_admin_token, shutdown_signal};
use crate::config::{Config, DEFAULT_CONFIG, Database, DatabaseFlags, KeyFlags, SettingsFlags};
use crate::telemetry;
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "hookd",
    version,
    about = "Webhook delivery: register, publish, sign, deliver, retry, log.",
    after_help = "The first start prints an admin token once; `hookd admin-token --reset` makes \
                  a new one if it is lost. The API reference is served at /docs; the README and \
                  docs/ folder of the repository explain the rest."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

// Parsed once at start; the size of the largest variant costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
enum Command {
    /// Run the server: the HTTP API, the web UI and the delivery engine.
    Serve(SettingsFlags),
    /// Apply database migrations and exit (`serve` applies them too).
    Migrate(DatabaseFlags),
    /// Make a new admin token, replacing the stored one: the way back when the token printed
    /// on the first start is lost. Stop hookd first (on SQLite), then start it again.
    AdminToken {
        /// Replace the stored admin token with a new one, printed once.
        #[arg(long, required = true)]
        reset: bool,
        #[command(flatten)]
        database: DatabaseFlags,
    },
    /// Encrypt every stored webhook secret with the first key of HOOKD_SECRET_KEY (or the key
    /// file beside a SQLite database): after a new key was put first in the list, and to
    /// encrypt secrets stored before encryption existed. On SQLite, stop hookd first.
    Rekey(KeyFlags),
    /// Print the default configuration file (TOML), with a comment on every setting.
    Config,
    /// Print the OpenAPI document of the HTTP API (the one served at /openapi.json).
    Openapi,
    /// Measure throughput, latency, CPU per event and correctness (docs/performance.md).
    Bench(hookd_bench::BenchOptions),
    /// A bare server that `hookd bench` measures beside hookd (its `floor` scenario).
    #[command(hide = true)]
    BenchFloor(hookd_bench::floor::FloorOptions),
    /// Run a local receiver that prints each webhook it gets, with the time it came, and
    /// checks its signatures.
    Listen {
        /// Where to listen.
        #[arg(long, default_value = "127.0.0.1:9000")]
        address: std::net::SocketAddr,
        /// The webhook's secret (whsec_...) to check its v1 and simple signatures, or its public
        /// key (whpk_..., from a v1a webhook) to check its v1a signature.
        #[arg(long)]
        secret: Option<String>,
        /// The webhook's simple signature header (its signature.simple_header).
        #[arg(long, default_value = "x-webhook-signature")]
        simple_header: String,
        /// The webhook's simple signature prefix (its signature.simple_prefix), e.g. sha256=.
        #[arg(long, default_value = "")]
        simple_prefix: String,
        /// The status code to answer with (try 500 to watch retries, 410 to see a webhook disabled).
        #[arg(long, default_value_t = 200)]
        status: u16,
    },
    /// Follow an inbox and re-send each request it receives to a local URL (same method,
    /// headers and body, so the sender's signature still verifies), printing one line per
    /// request: how a developer receives real webhooks on their own machine.
    Forward(crate::forward::ForwardOptions),
}

pub fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Config => {
            print!("{DEFAULT_CONFIG}");
            Ok(())
        }
        // The benchmark starts this same executable as the hookd under test.
        Command::Bench(options) => {
            runtime()?.block_on(hookd_bench::run(options, std::env::current_exe()?))
        }
        Command::BenchFloor(options) => runtime()?.block_on(hookd_bench::floor::serve(options)),
        Command::Forward(options) => runtime()?.block_on(crate::forward::run(options)),
        Command::Openapi => {
            println!("{}", crate::api::openapi_json());
            Ok(())
        }
        Command::Listen {
            address,
            secret,
            simple_header,
            simple_prefix,
            status,
        } => {
            let status = axum::http::StatusCode::from_u16(status)
                .map_err(|_| anyhow::anyhow!("{status} is not an HTTP status"))?;
            let verifier = crate::listen::Verifier::new(secret, simple_header, simple_prefix)?;
            runtime()?.block_on(crate::listen::run(address, verifier, status))
        }
        Command::Migrate(flags) => {
            let config = Config::load(&flags.settings())?;
            telemetry::init_logging(&config.log, config.log_format);
            runtime()?.block_on(async {
                migrate(&config).await?;
                println!("migrations applied");
                Ok(())
            })
        }
        Command::AdminToken { database, .. } => {
            let config = Config::load(&database.settings())?;
            runtime()?.block_on(admin_token(config))
        }
        Command::Rekey(flags) => {
            let config = Config::load(&flags.settings())?;
            telemetry::init_logging(&config.log, config.log_format);
            runtime()?.block_on(rekey_secrets(config))
        }
        Command::Serve(flags) => {
            let config = Config::load(&flags)?;
            let runtime = runtime()?;
            // Dropped before the runtime, which sends its last spans.
            let _export = telemetry::init_logging_and_export(
                &config.log,
                config.log_format,
                config.otlp_endpoint.as_deref(),
                runtime.handle().clone(),
            )?;
            runtime.block_on(serve(config))
        }
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

async fn serve(config: Config) -> anyhow::Result<()> {
    // Listen before anything is made or printed: a start that fails here (the port is taken)
    // must not use up the admin token that is shown only once.
    let listener = config
        .listen
        .bind()
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", config.listen))?;
    let server = Server::start(config).await?;
    match &server.admin_token {
        // Printed once, to stdout only; only its hash is kept.
        AdminTokenSource::Generated(token) => println!(
            "hookd: admin token (shown once; only its hash is kept; set HOOKD_ADMIN_TOKEN to \
             choose your own): {}",
            token.expose()
        ),
        AdminTokenSource::Stored => println!(
            "hookd: using the admin token printed on the first start (only its hash is kept). \
             Lost it? Stop hookd and run `hookd admin-token --reset` to make a new one, or set \
             HOOKD_ADMIN_TOKEN."
        ),
        AdminTokenSource::Configured => {}
    }
    server.serve(listener, shutdown_signal()).await
}

/// An error of a command that needs the SQLite file to itself, with what to do when the
/// server holds it.
fn stop_the_server_first(config: &Config, command: &str, error: anyhow::Error) -> anyhow::Error {
    if matches!(config.database, Database::Sqlite(_))
        && error
            .to_string()
            .contains("in use by another hookd process")
    {
        error.context(format!("stop hookd first, then run `{command}` again"))
    } else {
        error
    }
}

async fn admin_token(config: Config) -> anyhow::Result<()> {
    let reset = reset_admin_token(&config)
        .await
        .map_err(|error| stop_the_server_first(&config, "hookd admin-token --reset", error))?;
    println!(
        "hookd: new admin token (shown once; only its hash is kept; the old one no longer \
         works): {}",
        reset.token.expose()
    );
    if matches!(config.database, Database::Postgres(_)) {
        println!("Restart every hookd node sharing this database to use it.");
    }
    if reset.overridden_by_configuration {
        println!(
            "Note: HOOKD_ADMIN_TOKEN (or admin_token in the config file) is set, and hookd uses \
             it instead of the stored token; unset it to use this one."
        );
    }
    Ok(())
}

async fn rekey_secrets(config: Config) -> anyhow::Result<()> {
    let done = rekey(&config)
        .await
        .map_err(|error| stop_the_server_first(&config, "hookd rekey", error))?;
    let key = done.key_id.as_deref().unwrap_or("?");
    println!(
        "hookd: {} webhook secret{} re-encrypted with key {key}; every stored secret is now \
         encrypted with it.",
        done.secrets,
        if done.secrets == 1 { "" } else { "s" }
    );
    if matches!(config.database, Database::Postgres(_)) {
        println!("Keys after the first in HOOKD_SECRET_KEY are no longer needed by these secrets.");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn help_of(subcommand: &str) -> String {
        Cli::command()
            .find_subcommand_mut(subcommand)
            .expect("a subcommand")
            .render_long_help()
            .to_string()
    }

    /// Every flag of `hookd serve` names the environment variable that sets it too.
    #[test]
    fn every_serve_flag_names_its_variable() {
        let command = Cli::command();
        let serve = command.find_subcommand("serve").unwrap();
        for argument in serve.get_arguments() {
            let Some(long) = argument.get_long() else {
                continue;
            };
            if long == "help" {
                continue;
            }
            let variable = format!("HOOKD_{}", long.replace('-', "_").to_ascii_uppercase());
            let help = argument
                .get_help()
                .map(ToString::to_string)
                .unwrap_or_default();
            assert!(help.contains(&variable), "--{long}: {help}");
        }
    }

    /// `hookd migrate` and `hookd admin-token` take only what they use: the database and a
    /// config file, not every flag of `serve`.
    #[test]
    fn migrate_and_admin_token_list_only_the_database_flags() {
        for subcommand in ["migrate", "admin-token"] {
            let help = help_of(subcommand);
            assert!(help.contains("--database-url"), "{help}");
            assert!(help.contains("--config"), "{help}");
            for serve_only in [
                "--retry-schedule",
                "--listen",
                "--dispatch-buffer",
                "--role",
            ] {
                assert!(!help.contains(serve_only), "{subcommand}: {help}");
            }
        }
    }

    /// `hookd forward --help` says what is done with the original query string and path, and
    /// takes the token from HOOKD_TOKEN without ever printing its value.
    #[test]
    fn forward_help_says_where_requests_go_and_hides_the_token() {
        let help = help_of("forward");
        assert!(help.contains("original query string"), "{help}");
        assert!(help.contains("appended"), "{help}");
        assert!(help.contains("HOOKD_TOKEN"), "{help}");
        assert!(!help.contains("HOOKD_TOKEN="), "{help}");
    }

    /// `hookd config` says that what it prints is TOML.
    #[test]
    fn the_config_command_says_toml() {
        assert!(DEFAULT_CONFIG.lines().next().unwrap().contains("TOML"));
        assert!(
            Cli::command()
                .find_subcommand("config")
                .unwrap()
                .get_about()
                .unwrap()
                .to_string()
                .contains("TOML")
        );
    }
}
