//! The command line. Three kinds of commands, each with only its own options: `serve`
//! (every server option), offline commands that open the data file (`--config`,
//! `--data`), and client commands that talk to a running server (`--url`, `--token`).

mod as_code;
mod offline;

use crate::client::{
    self, ClientArgs, ComponentCommand, DraftCommand, IncidentCommand, MaintenanceCommand,
    MonitorCommand, SubscriberCommand,
};
use crate::config::{Config, ConfigArgs, FileArgs};
use crate::error::AppError;
use clap::{CommandFactory, Parser, Subcommand};
use std::path::PathBuf;

pub use offline::{KeyCommand, UserCommand};

/// statusd: status pages, incidents and monitoring in one binary.
#[derive(Parser, Debug)]
#[command(name = "statusd", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the server (public pages, admin UI, API).
    Serve(ConfigArgs),
    /// Manage users in the data file (server must be stopped).
    User {
        #[command(flatten)]
        file: FileArgs,
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage API keys in the data file (server must be stopped).
    Key {
        #[command(flatten)]
        file: FileArgs,
        #[command(subcommand)]
        command: KeyCommand,
    },
    /// Write a consistent copy of the data file to FILE (through the server when --url is set).
    Backup {
        file: PathBuf,
        #[command(flatten)]
        data: FileArgs,
        /// Back up through this running server (needs an owner --token).
        #[arg(long, env = "STATUSD_URL")]
        url: Option<String>,
        /// Owner API token for --url.
        #[arg(long, env = "STATUSD_TOKEN", hide_env_values = true)]
        token: Option<String>,
    },
    /// Restore a backup FILE into the data file given by --data (server must be stopped).
    Restore {
        file: PathBuf,
        /// Replace an existing data file.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        data: FileArgs,
    },
    /// Validate the server configuration and print it (secrets redacted).
    CheckConfig(ConfigArgs),
    /// Send a test mail to ADDRESS through the configured smtp_url and say what happened.
    SendTestEmail {
        address: String,
        #[command(flatten)]
        config: ConfigArgs,
    },
    /// Write the public pages, feeds, badges and v2 JSON as static files to DIR, from a
    /// running server (--url) or from the data file of a stopped one (--data).
    ExportSite {
        /// Folder to write; an earlier export there is replaced.
        dir: PathBuf,
        /// Crawl this running server, e.g. http://127.0.0.1:8080 [default: read --data].
        #[arg(long)]
        url: Option<String>,
        /// More public pages to export by slug, with --url (--data exports all public pages).
        #[arg(long = "page")]
        pages: Vec<String>,
        /// Keep running and rewrite DIR after every change (with --url).
        #[arg(long, requires = "url")]
        watch: bool,
        /// Base URL the exported links and feeds use.
        #[arg(long, env = "STATUSD_PUBLIC_URL")]
        public_url: Option<String>,
        #[command(flatten)]
        data: FileArgs,
    },
    /// Exit 0 when the server's /healthz answers 200.
    Healthcheck {
        /// Base URL of the server [default: http://<listen>].
        #[arg(long, env = "STATUSD_URL")]
        url: Option<String>,
        /// The server's listen address, used when --url is not given [default: 127.0.0.1:8080].
        #[arg(long, env = "STATUSD_LISTEN")]
        listen: Option<String>,
        /// TOML config file whose `listen` key is used when --url is not given.
        #[arg(long, env = "STATUSD_CONFIG")]
        config: Option<PathBuf>,
    },
    /// Save a server URL and API token (asked without echo) for the client commands.
    Login {
        /// Base URL of the server, e.g. https://status.example.com.
        url: String,
    },
    /// Incidents on a running server.
    Incident {
        #[command(flatten)]
        client: ClientArgs,
        #[command(subcommand)]
        command: IncidentCommand,
    },
    /// Scheduled maintenance on a running server.
    Maintenance {
        #[command(flatten)]
        client: ClientArgs,
        #[command(subcommand)]
        command: MaintenanceCommand,
    },
    /// Components on a running server.
    Component {
        #[command(flatten)]
        client: ClientArgs,
        #[command(subcommand)]
        command: ComponentCommand,
    },
    /// Monitors on a running server.
    Monitor {
        #[command(flatten)]
        client: ClientArgs,
        #[command(subcommand)]
        command: MonitorCommand,
    },
    /// Draft incidents (from alerts or monitors) on a running server.
    Draft {
        #[command(flatten)]
        client: ClientArgs,
        #[command(subcommand)]
        command: DraftCommand,
    },
    /// Subscribers on a running server.
    Subscriber {
        #[command(flatten)]
        client: ClientArgs,
        #[command(subcommand)]
        command: SubscriberCommand,
    },
    /// Plan a status-as-code FILE against the live configuration and apply it in one transaction.
    /// Through the server when --url is set, else on the data file. Exit 2 with --dry-run when changes are pending.
    Apply {
        file: PathBuf,
        /// Only print the plan.
        #[arg(long)]
        dry_run: bool,
        /// Also delete live objects the file does not name.
        #[arg(long)]
        prune: bool,
        /// Print the plan as JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        data: FileArgs,
        /// A running server to apply through (owner token) instead of the data file.
        #[arg(long, env = "STATUSD_URL")]
        url: Option<String>,
        /// Owner API token for --url.
        #[arg(long, env = "STATUSD_TOKEN", hide_env_values = true)]
        token: Option<String>,
    },
    /// Print the live configuration as a status-as-code file (secrets as env:NAME references).
    Export {
        #[command(flatten)]
        data: FileArgs,
        /// A running server to export from (owner token) instead of the data file.
        #[arg(long, env = "STATUSD_URL")]
        url: Option<String>,
        /// Owner API token for --url.
        #[arg(long, env = "STATUSD_TOKEN", hide_env_values = true)]
        token: Option<String>,
    },
    /// Print a shell completion script (e.g. `statusd completions bash > /etc/bash_completion.d/statusd`).
    Completions { shell: clap_complete::Shell },
    /// Write man pages to DIR (statusd.1 and one per subcommand), or statusd.1 to stdout.
    Man { dir: Option<PathBuf> },
}

/// Exit code of a failed command: 2 for usage and input errors, 1 for the rest.
fn exit_code(e: &AppError) -> i32 {
    match e {
        AppError::Invalid { .. } | AppError::UnknownIds { .. } => 2,
        _ => 1,
    }
}

fn load(args: &ConfigArgs) -> Result<Config, i32> {
    Config::load(args).map_err(|e| {
        eprintln!("statusd: configuration error: {e}");
        2
    })
}

/// Runs the parsed command; the exit code follows the contract (0 ok, 1 runtime, 2 usage).
pub fn main(cli: Cli) -> i32 {
    let result = match cli.command {
        Command::Serve(args) => match load(&args) {
            Ok(config) => crate::run(config),
            Err(code) => return code,
        },
        Command::User { file, command } => match load(&file.into()) {
            Ok(config) => offline::user(&config, command),
            Err(code) => return code,
        },
        Command::Key { file, command } => match load(&file.into()) {
            Ok(config) => offline::key(&config, command),
            Err(code) => return code,
        },
        Command::Backup {
            file,
            data,
            url,
            token,
        } => match load(&data.into()) {
            Ok(config) => offline::backup(&config, &file, url, token),
            Err(code) => return code,
        },
        Command::Restore { file, force, data } => match load(&data.into()) {
            Ok(config) => offline::restore(&config, &file, force),
            Err(code) => return code,
        },
        Command::CheckConfig(args) => match load(&args) {
            Ok(config) => {
                println!("{config:#?}");
                println!("configuration is valid");
                Ok(())
            }
            Err(code) => return code,
        },
        Command::SendTestEmail { address, config } => match load(&config) {
            Ok(config) => offline::send_test_email(&config, &address),
            Err(code) => return code,
        },
        Command::Healthcheck {
            url,
            listen,
            config,
        } => {
            let args = ConfigArgs {
                listen,
                config,
                ..Default::default()
            };
            match url {
                Some(url) => offline::healthcheck(&url),
                None => match load(&args) {
                    Ok(c) => offline::healthcheck(&format!("http://{}", c.listen)),
                    Err(code) => return code,
                },
            }
        }
        Command::ExportSite {
            dir,
            url: Some(url),
            pages,
            watch,
            public_url,
            ..
        } => crate::export_site::export_from_url(&url, &pages, &dir, public_url.as_deref(), watch),
        Command::ExportSite {
            dir,
            public_url,
            data,
            ..
        } => {
            let mut args: ConfigArgs = data.into();
            args.public_url = public_url;
            match load(&args) {
                Ok(config) => {
                    crate::web::export::export_data_file(&config, &dir, &config.public_url).map(
                        |e| {
                            eprintln!(
                                "statusd: exported {} files ({} bytes) to {}",
                                e.files,
                                e.bytes,
                                dir.display()
                            );
                        },
                    )
                }
                Err(code) => return code,
            }
        }
        Command::Login { url } => client::login(&url),
        Command::Incident { client, command } => client::incident(&client, command),
        Command::Maintenance { client, command } => client::maintenance(&client, command),
        Command::Component { client, command } => client::component(&client, command),
        Command::Monitor { client, command } => client::monitor(&client, command),
        Command::Draft { client, command } => client::draft(&client, command),
        Command::Subscriber { client, command } => client::subscriber(&client, command),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "statusd", &mut script);
            to_stdout(&script)
        }
        Command::Man { dir } => man(dir),
        Command::Apply {
            file,
            dry_run,
            prune,
            json,
            data,
            url,
            token,
        } => match target(url, token, data) {
            Ok(t) => match as_code::apply(t, &file, dry_run, prune, json) {
                Ok(code) => return code,
                Err(e) => Err(e),
            },
            Err(code) => return code,
        },
        Command::Export { data, url, token } => match target(url, token, data) {
            Ok(t) => as_code::export(t),
            Err(code) => return code,
        },
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("statusd: {e}");
            exit_code(&e)
        }
    }
}

/// A server when a URL is given, else the data file.
fn target(
    url: Option<String>,
    token: Option<String>,
    data: FileArgs,
) -> Result<as_code::Target, i32> {
    match url.filter(|u| !u.is_empty()) {
        Some(url) => Ok(as_code::Target::Server { url, token }),
        None => load(&data.into()).map(|c| as_code::Target::File(Box::new(c))),
    }
}

/// Writes generated text to stdout; a reader that stops early (`| head`) is not an error.
fn write_stdout(bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

fn to_stdout(bytes: &[u8]) -> crate::error::AppResult<()> {
    write_stdout(bytes).map_err(|e| AppError::Internal(format!("writing to stdout: {e}")))
}

fn man(dir: Option<PathBuf>) -> crate::error::AppResult<()> {
    let cmd = Cli::command();
    let written = match &dir {
        Some(dir) => std::fs::create_dir_all(dir)
            .and_then(|_| clap_mangen::generate_to(cmd, dir))
            .map(|_| format!("man pages written to {}", dir.display())),
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(cmd)
                .render(&mut page)
                .map(|_| page)
                .and_then(|page| write_stdout(&page))
                .map(|_| String::new())
        }
    };
    match written {
        Ok(msg) if !msg.is_empty() => {
            println!("{msg}");
            Ok(())
        }
        Ok(_) => Ok(()),
        Err(e) => Err(AppError::Internal(format!("writing man pages: {e}"))),
    }
}
