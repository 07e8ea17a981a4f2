//! The command line: `serve`, `migrate`, `config`, `openapi`, `listen`, `bench`.

use crate::app::{Server, migrate, shutdown_signal};
use crate::config::{Config, DEFAULT_CONFIG, SettingsFlags};
use crate::telemetry;
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "hookd",
    version,
    about = "Webhook delivery: register, publish, sign, deliver, retry, log."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the server: the HTTP API and the delivery engine.
    Serve(SettingsFlags),
    /// Apply database migrations and exit.
    Migrate(SettingsFlags),
    /// Print the default configuration file, with a comment on every setting.
    Config,
    /// Print the OpenAPI document of the HTTP API (the one served at /openapi.json).
    Openapi,
    /// Measure throughput, latency and correctness against DESIGN.md's figures.
    Bench(crate::bench::BenchOptions),
    /// Run a local receiver that prints each webhook it gets and checks its signatures.
    Listen {
        /// Where to listen.
        #[arg(long, default_value = "127.0.0.1:9000")]
        address: std::net::SocketAddr,
        /// The webhook's secret (whsec_...), to check signatures.
        #[arg(long)]
        secret: Option<String>,
        /// The status code to answer with (try 500 to watch retries, 410 to see a webhook disabled).
        #[arg(long, default_value_t = 200)]
        status: u16,
    },
}

pub fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Config => {
            print!("{DEFAULT_CONFIG}");
            Ok(())
        }
        Command::Bench(options) => runtime()?.block_on(crate::bench::run(options)),
        Command::Openapi => {
            println!("{}", crate::api::openapi_json());
            Ok(())
        }
        Command::Listen {
            address,
            secret,
            status,
        } => {
            let status = axum::http::StatusCode::from_u16(status)
                .map_err(|_| anyhow::anyhow!("{status} is not an HTTP status"))?;
            runtime()?.block_on(crate::listen::run(address, secret, status))
        }
        Command::Migrate(flags) => {
            let config = Config::load(&flags)?;
            telemetry::init_logging(&config.log, config.log_format);
            runtime()?.block_on(async {
                migrate(&config).await?;
                println!("migrations applied");
                Ok(())
            })
        }
        Command::Serve(flags) => {
            let config = Config::load(&flags)?;
            telemetry::init_logging(&config.log, config.log_format);
            runtime()?.block_on(serve(config))
        }
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let listen = config.listen;
    let server = Server::start(config).await?;
    if let Some(token) = &server.generated_admin_token {
        // Printed once, to stdout only; only its hash is kept.
        println!(
            "hookd: admin token (shown once; set HOOKD_ADMIN_TOKEN to choose your own): {}",
            token.expose()
        );
    }
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {listen}: {e}"))?;
    server.serve(listener, shutdown_signal()).await
}
