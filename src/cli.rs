//! The command line: clap arguments → run options, logging set-up, and the
//! mapping from results to exit codes.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::exit_codes;
use crate::ingest::InputSpec;
use crate::ingest::{Order, Since};
use crate::run::{self, BuildArgs, InputArgs, PlanOptions, VoicesOptions};

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
        #[command(flatten)]
        options: Box<BuildFlags>,
    },
    /// Print the script: every segment, its voice and the exact text to be sent.
    Plan {
        #[command(flatten)]
        common: Common,
        /// Print JSON (articles and segments, as in the manifest but without timings).
        #[arg(long)]
        json: bool,
    },
    /// Review the pronunciation lexicon against the day's articles.
    Lexicon {
        #[command(subcommand)]
        action: LexiconAction,
    },
    /// Inspect or prune the clip cache.
    Cache {
        #[command(subcommand)]
        action: CacheAction,
        /// Cache folder or s3://bucket/prefix [default: $BULLETIN_CACHE_DIR, else [cache] dir, else the user's cache folder].
        #[arg(long, value_name = "DIR", global = true)]
        cache_dir: Option<PathBuf>,
        /// The local cache folder in front of the shared one [default: $BULLETIN_CACHE_LOCAL, else [cache] local].
        #[arg(long, value_name = "DIR", global = true)]
        cache_local: Option<PathBuf>,
        /// A configuration file whose [cache] applies.
        #[arg(short = 'c', long = "voices", global = true)]
        config: Option<PathBuf>,
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
struct BuildFlags {
    /// Output folder.
    #[arg(short, long, default_value = "out")]
    out: PathBuf,
    /// Base name of the artifacts [default: bulletin-YYYY-MM-DD].
    #[arg(short, long)]
    name: Option<String>,
    /// Clip cache: a folder or s3://bucket/prefix (AWS_* variables) [default: $BULLETIN_CACHE_DIR, else [cache] dir, else the user's cache folder].
    #[arg(long, value_name = "DIR", conflicts_with = "no_cache")]
    cache_dir: Option<PathBuf>,
    /// A local cache folder in front of the shared one [default: $BULLETIN_CACHE_LOCAL, else [cache] local].
    #[arg(long, value_name = "DIR", conflicts_with = "no_cache")]
    cache_local: Option<PathBuf>,
    /// Synthesize every segment afresh, reading and writing no cache.
    #[arg(long)]
    no_cache: bool,
    /// Synthesise only shard K of N (K from 0, as JOB_COMPLETION_INDEX) into the cache; write no bulletin.
    #[arg(long, value_name = "K/N", value_parser = run::Shard::parse, conflicts_with = "no_cache")]
    shard: Option<run::Shard>,
    /// Write Prometheus text-format metrics of the run here (atomically, success or failure).
    #[arg(long, value_name = "PATH")]
    metrics_file: Option<PathBuf>,
    /// Wait this long for another run writing the same name, instead of exiting with code 6 at once (0 to 86400).
    #[arg(long, value_name = "SECS", default_value_t = 0.0, value_parser = parse_wait_lock)]
    wait_lock: f64,
    /// Drop articles whose segments fail after retries, build the rest, exit 3.
    #[arg(long)]
    skip_failed_articles: bool,
    /// Report and skip inputs that cannot be read or parsed, build the rest, exit 3.
    #[arg(long)]
    skip_bad_inputs: bool,
    /// Output formats, e.g. wav,mp3 [default: [bulletin] formats, else wav].
    #[arg(long, value_delimiter = ',', value_parser = crate::output::Format::parse)]
    format: Option<Vec<crate::output::Format>>,
    /// Also write one WAV per article (NAME-a1.wav, ...), each brought to the loudness target.
    #[arg(long)]
    per_article: bool,
    /// Drop the lowest-priority articles, whole, until the bulletin fits (e.g. 3m, 90s).
    #[arg(long, value_name = "DURATION", value_parser = parse_max_duration)]
    max_duration: Option<std::time::Duration>,
    /// Add the bulletin to this podcast feed (RSS 2.0), created if missing.
    #[arg(long, value_name = "FILE", requires = "feed_url")]
    feed: Option<PathBuf>,
    /// The URL the output folder is published under (the feed's links and enclosures).
    #[arg(long, value_name = "URL", requires = "feed", value_parser = parse_feed_url)]
    feed_url: Option<Box<url::Url>>,
    /// Items kept in the feed, the new one included (1 to 1000).
    #[arg(long, value_name = "N", default_value_t = 20, requires = "feed",
          value_parser = clap::value_parser!(u16).range(1..=1000))]
    feed_keep: u16,
    /// MiB of decoded audio held at once [default: BULLETIN_MEMORY_MB, else [bulletin] memory_mb, else 16].
    #[arg(long, value_name = "MIB", value_parser = clap::value_parser!(u32).range(i64::from(crate::config::MIN_MEMORY_MIB)..=i64::from(crate::config::MAX_MEMORY_MIB)))]
    memory_mb: Option<u32>,
}

/// An absolute http(s) URL, ending in `/` so file names join under it.
fn parse_feed_url(text: &str) -> Result<Box<url::Url>, String> {
    let mut url = url::Url::parse(text).map_err(|e| format!("`{text}` is not a URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("`{text}` is not an http or https URL"));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(Box::new(url))
}

#[derive(Debug, Subcommand)]
enum LexiconAction {
    /// List words that look like names or abbreviations and that the lexicon does not cover.
    Check {
        #[command(flatten)]
        common: Common,
    },
}

#[derive(Debug, Subcommand)]
enum CacheAction {
    /// Number of clips, size, oldest and newest entry.
    Stats,
    /// Remove clips not used for a while.
    Prune {
        /// Age such as 30d, 12h, 90m.
        #[arg(long, value_name = "AGE", value_parser = parse_age)]
        older_than: std::time::Duration,
    },
}

fn parse_wait_lock(text: &str) -> Result<f64, String> {
    let secs: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a number of seconds"))?;
    if !(0.0..=86400.0).contains(&secs) {
        return Err(format!("{secs} is out of range: use 0 to 86400 seconds"));
    }
    Ok(secs)
}

fn parse_max_duration(text: &str) -> Result<std::time::Duration, String> {
    crate::config::parse_duration(text, std::time::Duration::from_secs(1))
}

fn parse_age(text: &str) -> Result<std::time::Duration, String> {
    crate::config::parse_duration(text, std::time::Duration::from_secs(86400))
}

#[derive(Debug, Args)]
struct Common {
    /// Configuration file.
    #[arg(short = 'c', long = "voices", default_value = "voices.toml")]
    config: PathBuf,
    /// Article files, folders (their articles in name order), playlists (.list), http(s):// URLs,
    /// or - for stdin [default: [bulletin] inputs in the config].
    inputs: Vec<PathBuf>,
    /// Keep articles published since this: a time ago (24h, 90m, 2d) or a time (2026-11-29T00:00)
    /// [default: [bulletin] since, else all].
    #[arg(long, value_name = "WHEN", value_parser = parse_since)]
    since: Option<Since>,
    /// Keep at most this many articles, after ordering [default: [bulletin] limit, else all].
    #[arg(long, value_name = "N", value_parser = parse_limit)]
    limit: Option<usize>,
    /// Running order: input, published (newest first) or priority (1 first)
    /// [default: [bulletin] order, else input].
    #[arg(long, value_name = "ORDER", value_parser = parse_order)]
    order: Option<Order>,
}

fn parse_since(text: &str) -> Result<Since, String> {
    text.parse()
}

fn parse_order(text: &str) -> Result<Order, String> {
    text.parse()
}

fn parse_limit(text: &str) -> Result<usize, String> {
    let n: usize = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a number of articles"))?;
    if !(1..=crate::config::MAX_LIMIT).contains(&n) {
        return Err(format!(
            "{n} is out of range: use 1 to {}",
            crate::config::MAX_LIMIT
        ));
    }
    Ok(n)
}

impl Common {
    /// The inputs and picking flags; a URL that does not parse is a bad input.
    fn inputs(&self) -> Result<InputArgs, run::Error> {
        let mut inputs = Vec::new();
        for p in &self.inputs {
            inputs.push(match p.to_str() {
                Some(text) => crate::ingest::InputSpec::parse(text)?,
                None => InputSpec::Path(p.clone()),
            });
        }
        Ok(InputArgs {
            inputs,
            since: self.since,
            limit: self.limit,
            order: self.order,
        })
    }
}

/// Parses the command line, runs the command and returns its exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(&cli);
    ExitCode::from(run(cli))
}

fn run(cli: Cli) -> u8 {
    let progress_bar =
        !cli.quiet && matches!(cli.log_format, LogFormat::Text) && run::stderr_is_terminal();
    let result = match cli.command {
        Command::Build { common, options } => build(common, *options, progress_bar),
        Command::Lexicon {
            action: LexiconAction::Check { common },
        } => common
            .inputs()
            .map(|inputs| run::LexiconCheckOptions {
                inputs,
                voices: common.config.clone(),
            })
            .and_then(|opts| run::lexicon_check(&opts))
            .map(|text| {
                print_stdout(&text);
                exit_codes::SUCCESS
            }),
        Command::Cache {
            action,
            cache_dir,
            cache_local,
            config,
        } => run::cache::cache_at(
            run::cache::CacheArgs {
                cache_dir,
                cache_local,
                config,
            },
            &|k| std::env::var(k).ok(),
        )
        .and_then(|cache| {
            let text = match action {
                CacheAction::Stats => run::cache::stats(&cache)?,
                CacheAction::Prune { older_than } => run::cache::prune(&cache, older_than)?,
            };
            print_stdout(&text);
            Ok(exit_codes::SUCCESS)
        }),
        Command::Plan { common, json } => common
            .inputs()
            .map(|inputs| PlanOptions {
                inputs,
                voices: common.config.clone(),
                json,
            })
            .and_then(|opts| run::plan(&opts))
            .map(|text| {
                print_stdout(&text);
                exit_codes::SUCCESS
            }),
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

/// `bulletin build`: the flags as given, resolved with the environment and the
/// config, then the build.
fn build(common: Common, f: BuildFlags, progress_bar: bool) -> Result<u8, run::Error> {
    let inputs = common.inputs()?;
    let args = BuildArgs {
        since: inputs.since,
        limit: inputs.limit,
        order: inputs.order,
        config: common.config.clone(),
        out: f.out,
        name: f.name,
        cache_dir: f.cache_dir,
        cache_local: f.cache_local,
        no_cache: f.no_cache,
        shard: f.shard,
        metrics_file: f.metrics_file,
        wait_lock: std::time::Duration::from_secs_f64(f.wait_lock),
        skip_failed_articles: f.skip_failed_articles,
        skip_bad_inputs: f.skip_bad_inputs,
        formats: f.format,
        per_article: f.per_article,
        max_duration: f.max_duration,
        memory_mib: f.memory_mb,
        progress_bar,
        feed: match (f.feed, f.feed_url) {
            (Some(path), Some(base_url)) => Some(run::FeedTarget {
                path,
                base_url: *base_url,
                keep: usize::from(f.feed_keep),
            }),
            _ => None,
        },
        ..BuildArgs::new(inputs.inputs)
    };
    let env = |k: &str| std::env::var(k).ok();
    let report = run::build_command(args, &env, crate::cancel::Cancel::on_signals())?;
    let text: String = report
        .paths
        .iter()
        .map(|p| format!("{}\n", p.display()))
        .collect();
    print_stdout(&text);
    Ok(if report.partial {
        exit_codes::PARTIAL
    } else {
        exit_codes::SUCCESS
    })
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
    // Colour only for a person at a terminal: cron mails stderr, and log files
    // and collectors must not fill with escape codes. https://no-color.org
    let colour = std::io::IsTerminal::is_terminal(&std::io::stderr())
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(colour)
        .with_writer(std::io::stderr);
    match cli.log_format {
        LogFormat::Json => builder.json().flatten_event(true).init(),
        LogFormat::Text => builder.with_target(false).without_time().init(),
    }
}
