//! The command line: clap arguments → run options, logging set-up, and the
//! mapping from results to exit codes.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::exit_codes;
use crate::ingest::InputSpec;
use crate::run::{self, BuildOptions, PlanOptions, VoicesOptions};

#[derive(Debug, Parser)]
#[command(name = "bulletin", version, about = "Turn a day's news articles into one spoken audio bulletin", after_help = exit_codes::HELP)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Only warnings and errors on stderr (for cron mail).
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// More detail on stderr; twice for request-level tracing.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    /// Log format on stderr.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Render a bulletin: NAME.wav, NAME.json (manifest) and NAME.vtt (transcript) in --out.
    #[command(after_help = exit_codes::HELP)]
    Build {
        #[command(flatten)]
        common: Common,
        /// Output folder.
        #[arg(short, long, default_value = "out")]
        out: PathBuf,
        /// Base name of the artifacts [default: bulletin-YYYY-MM-DD].
        #[arg(short, long)]
        name: Option<String>,
    },
    /// Print the script: every segment, its voice and the exact text to be sent.
    Plan {
        #[command(flatten)]
        common: Common,
        /// Print JSON (articles and segments, as in the manifest but without timings).
        #[arg(long)]
        json: bool,
    },
    /// List the configured voices; with --check, synthesize a test phrase with each.
    Voices {
        /// Configuration file.
        #[arg(short = 'c', long = "voices", default_value = "voices.toml")]
        config: PathBuf,
        /// Ask each backend to speak a short phrase and report ok/fail, latency and sample rate.
        #[arg(long)]
        check: bool,
    },
}

#[derive(Debug, Args)]
struct Common {
    /// Configuration file.
    #[arg(short = 'c', long = "voices", default_value = "voices.toml")]
    config: PathBuf,
    /// Article files, folders (their articles in name order), or - for stdin.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
}

impl Common {
    fn inputs(&self) -> Vec<InputSpec> {
        self.inputs
            .iter()
            .map(|p| {
                if p.as_os_str() == "-" {
                    InputSpec::Stdin
                } else {
                    InputSpec::Path(p.clone())
                }
            })
            .collect()
    }
}

/// Parses the command line, runs the command and returns its exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(&cli);
    ExitCode::from(run(cli))
}

fn run(cli: Cli) -> u8 {
    let result = match cli.command {
        Command::Build { common, out, name } => {
            let opts = BuildOptions {
                inputs: common.inputs(),
                voices: common.config,
                out,
                name,
            };
            run::build(&opts).map(|report| {
                tracing::info!(
                    articles = report.articles,
                    segments = report.segments,
                    duration_ms = report.duration_ms,
                    "bulletin written"
                );
                let paths = [&report.wav, &report.manifest, &report.transcript];
                let text: String = paths.iter().map(|p| format!("{}\n", p.display())).collect();
                print_stdout(&text);
                exit_codes::SUCCESS
            })
        }
        Command::Plan { common, json } => {
            let opts = PlanOptions {
                inputs: common.inputs(),
                voices: common.config,
                json,
            };
            run::plan(&opts).map(|text| {
                print_stdout(&text);
                exit_codes::SUCCESS
            })
        }
        Command::Voices { config, check } => run::voices(&VoicesOptions {
            voices: config,
            check,
        })
        .map(|(table, ok)| {
            print_stdout(&table);
            if ok {
                exit_codes::SUCCESS
            } else {
                exit_codes::BACKEND
            }
        }),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            tracing::error!("{e}");
            // The log may be JSON or filtered; the reason always reaches a person.
            if !matches!(cli.log_format, LogFormat::Text) || cli.quiet {
                eprintln!("error: {e}");
            }
            e.exit_code()
        }
    }
}

/// Writes to stdout; a closed pipe (`bulletin plan | head`) is not an error.
fn print_stdout(text: &str) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: could not write to stdout: {e}");
        }
    }
}

fn init_logging(cli: &Cli) {
    use tracing_subscriber::EnvFilter;
    let level = match (cli.quiet, cli.verbose) {
        (true, _) => "warn",
        (false, 0) => "info",
        (false, 1) => "debug",
        (false, _) => "trace",
    };
    let filter = EnvFilter::try_from_env("BULLETIN_LOG")
        .unwrap_or_else(|_| EnvFilter::new(format!("bulletin={level},warn")));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match cli.log_format {
        LogFormat::Json => builder.json().flatten_event(true).init(),
        LogFormat::Text => builder.with_target(false).without_time().init(),
    }
}
