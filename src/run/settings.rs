//! run: the one place settings are merged. The command line wins over the
//! environment, which wins over `voices.toml`, which wins over the defaults;
//! everything downstream receives the result and merges nothing.

use std::path::PathBuf;
use std::time::Duration;

use crate::audio::PrepareSettings;
use crate::cancel::Cancel;
use crate::config::{CacheConfig, Config, Secrets};
use crate::ingest::{InputSpec, Order, Since};
use crate::output::{Format, OutputSettings};
use crate::tts::{CacheSettings, CacheStore, S3Settings};

use super::error::Error;
use super::inputs::{InputArgs, ReadSettings};
use super::shard::Shard;

/// The environment variable naming the clip cache (a folder or `s3://bucket/prefix`).
pub const CACHE_DIR_ENV: &str = "BULLETIN_CACHE_DIR";
/// The environment variable giving the memory budget, in MiB.
pub const MEMORY_ENV: &str = "BULLETIN_MEMORY_MB";
/// The environment variable naming a local cache folder in front of the shared one.
pub const CACHE_LOCAL_ENV: &str = "BULLETIN_CACHE_LOCAL";

/// What the command line says for `bulletin build`, as given.
#[derive(Debug, Clone)]
pub struct BuildArgs {
    /// Empty: `[bulletin] inputs` in the config.
    pub inputs: Vec<InputSpec>,
    pub since: Option<Since>,
    pub limit: Option<usize>,
    pub order: Option<Order>,
    pub config: PathBuf,
    pub out: PathBuf,
    /// Base name of the artifacts; `bulletin-YYYY-MM-DD` (local date) when absent.
    pub name: Option<String>,
    /// A folder or `s3://bucket/prefix`.
    pub cache_dir: Option<PathBuf>,
    /// A local folder in front of the shared cache.
    pub cache_local: Option<PathBuf>,
    pub no_cache: bool,
    /// Synthesise only this share of the segments into the cache.
    pub shard: Option<Shard>,
    /// Prometheus text-format metrics written here at the end of the run.
    pub metrics_file: Option<PathBuf>,
    pub wait_lock: Duration,
    pub skip_failed_articles: bool,
    pub skip_bad_inputs: bool,
    /// Output formats, over `[bulletin] formats`.
    pub formats: Option<Vec<Format>>,
    pub per_article: bool,
    pub max_duration: Option<Duration>,
    /// MiB of decoded audio held at once, over the environment and config.
    pub memory_mib: Option<u32>,
    /// Show a progress bar (a terminal, text logs, not quiet).
    pub progress_bar: bool,
    /// `--feed FILE --feed-url URL --feed-keep N`.
    pub feed: Option<FeedTarget>,
}

/// The podcast feed a build adds its bulletin to.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedTarget {
    pub path: PathBuf,
    /// Where the output folder is published; the items' files are under it.
    pub base_url: url::Url,
    /// Items kept in the feed, the new one included (1 to 1000).
    pub keep: usize,
}

impl BuildArgs {
    /// The arguments of `bulletin build INPUTS...` with every option at its default.
    pub fn new(inputs: Vec<InputSpec>) -> BuildArgs {
        BuildArgs {
            inputs,
            since: None,
            limit: None,
            order: None,
            config: PathBuf::from("voices.toml"),
            out: PathBuf::from("out"),
            name: None,
            cache_dir: None,
            cache_local: None,
            no_cache: false,
            shard: None,
            metrics_file: None,
            wait_lock: Duration::ZERO,
            skip_failed_articles: false,
            skip_bad_inputs: false,
            formats: None,
            per_article: false,
            max_duration: None,
            memory_mib: None,
            progress_bar: false,
            feed: None,
        }
    }
}

/// Everything a build needs, resolved.
#[derive(Debug, Clone)]
pub struct BuildSettings {
    /// What to read and how to pick the running order (`--skip-bad-inputs`
    /// included).
    pub read: ReadSettings,
    pub config: Config,
    /// The artifacts' formats and metadata: the config's, with the command
    /// line's formats over them.
    pub output: OutputSettings,
    /// How each clip is prepared: the bulletin's format, levelled to the
    /// loudness target so voices do not jump at the joins.
    pub prepare: PrepareSettings,
    pub out: PathBuf,
    pub name: String,
    /// The clip cache; `None` for no cache.
    pub cache: Option<CacheSettings>,
    /// Only this share of the segments, into the cache, and no bulletin.
    pub shard: Option<Shard>,
    pub wait_lock: Duration,
    pub skip_failed_articles: bool,
    pub per_article: bool,
    pub max_duration: Option<Duration>,
    /// The memory budget: MiB of decoded audio alive at once.
    pub memory_mib: u32,
    pub progress_bar: bool,
    pub feed: Option<FeedTarget>,
    /// Checked at every safe point; a signal stops the run with nothing written.
    pub cancel: Cancel,
}

impl BuildSettings {
    /// Merges `args`, the environment (`env`) and the configuration file the
    /// arguments name.
    pub fn resolve(
        args: BuildArgs,
        env: &dyn Fn(&str) -> Option<String>,
        cancel: Cancel,
    ) -> Result<BuildSettings, Error> {
        let name = artifact_name(args.name.as_deref())?;
        let config = Config::load(&args.config, Secrets::Required, env)?;
        let mut formats = args
            .formats
            .unwrap_or_else(|| config.output.formats.clone());
        if args.feed.is_some() {
            // A feed item carries the MP3, its chapters and both transcripts.
            for f in [Format::Mp3, Format::Chapters, Format::Srt] {
                if !formats.contains(&f) {
                    formats.push(f);
                }
            }
        }
        let output = OutputSettings {
            formats,
            ..config.output.clone()
        };
        let prepare = PrepareSettings {
            level_lufs: output.loudness.as_ref().map(|t| t.integrated_lufs),
            ..PrepareSettings::new(config.audio)
        };
        let cache = cache_settings(
            args.cache_dir,
            args.cache_local,
            args.no_cache,
            &config.cache,
            env,
        )?;
        if args.shard.is_some() && cache.is_none() {
            return Err(Error::BadArgument(
                "--shard synthesises into the clip cache: it needs one (drop --no-cache)".into(),
            ));
        }
        let memory_mib = memory_mib(args.memory_mib, env, config.memory_mib)?;
        let input_args = InputArgs {
            inputs: args.inputs,
            since: args.since,
            limit: args.limit,
            order: args.order,
        };
        let read = ReadSettings::resolve(
            input_args,
            &config,
            args.skip_bad_inputs,
            cache
                .as_ref()
                .and_then(|c| c.local_dir())
                .map(PathBuf::from),
        )?;
        Ok(BuildSettings {
            read,
            config,
            output,
            prepare,
            out: args.out,
            name,
            cache,
            shard: args.shard,
            wait_lock: args.wait_lock,
            skip_failed_articles: args.skip_failed_articles,
            per_article: args.per_article,
            max_duration: args.max_duration,
            memory_mib,
            progress_bar: args.progress_bar,
            feed: args.feed,
            cancel,
        })
    }
}

/// The clip cache: `--cache-dir`, else `BULLETIN_CACHE_DIR`, else `[cache]
/// dir`, else the user's cache folder (`$XDG_CACHE_HOME/bulletin`); an
/// `s3://bucket/prefix` is reached with the standard AWS variables in `env`.
/// The local folder in front: `--cache-local`, `BULLETIN_CACHE_LOCAL`,
/// `[cache] local`. None with `--no-cache`.
pub fn cache_settings(
    arg: Option<PathBuf>,
    local: Option<PathBuf>,
    no_cache: bool,
    config: &CacheConfig,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<CacheSettings>, Error> {
    if no_cache {
        return Ok(None);
    }
    let set = |k: &str| env(k).filter(|d| !d.is_empty()).map(PathBuf::from);
    let Some(dir) = arg
        .or_else(|| set(CACHE_DIR_ENV))
        .or_else(|| config.dir.clone().map(PathBuf::from))
        .or_else(|| dirs::cache_dir().map(|d| d.join("bulletin")))
    else {
        return Ok(None);
    };
    let front = local
        .or_else(|| set(CACHE_LOCAL_ENV))
        .or_else(|| config.local.clone());
    if front
        .as_deref()
        .and_then(|f| f.to_str())
        .is_some_and(|f| f.starts_with("s3://"))
    {
        return Err(Error::BadArgument(
            "the cache in front (--cache-local) must be a local folder".into(),
        ));
    }
    let shared = match dir.to_str().and_then(S3Settings::parse_url) {
        Some(Ok((bucket, prefix))) => {
            CacheStore::S3(Box::new(S3Settings::from_env(bucket, prefix, env)))
        }
        Some(Err(message)) => return Err(Error::BadArgument(format!("--cache-dir {message}"))),
        None => CacheStore::Local(dir),
    };
    Ok(Some(CacheSettings { shared, front }))
}

/// Where `plan` and `lexicon check` remember fetched inputs: the cache's
/// local folder, as `build` would resolve it with no flags.
pub(super) fn input_cache_dir(
    config: &CacheConfig,
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<PathBuf> {
    cache_settings(None, None, false, config, env)
        .ok()
        .flatten()
        .and_then(|c| c.local_dir().map(PathBuf::from))
}

/// The memory budget: `--memory-mb`, else `BULLETIN_MEMORY_MB`, else
/// `[bulletin] memory_mb`, else the engine's default.
fn memory_mib(
    arg: Option<u32>,
    env: &dyn Fn(&str) -> Option<String>,
    config: Option<u32>,
) -> Result<u32, Error> {
    let (min, max) = (crate::config::MIN_MEMORY_MIB, crate::config::MAX_MEMORY_MIB);
    let from_env = match env(MEMORY_ENV).filter(|v| !v.trim().is_empty()) {
        None => None,
        Some(v) => match v.trim().parse::<u32>() {
            Ok(mb) if (min..=max).contains(&mb) => Some(mb),
            _ => {
                return Err(Error::BadArgument(format!(
                    "{MEMORY_ENV}=`{v}` must be a whole number of MiB from {min} to {max}"
                )))
            }
        },
    };
    Ok(arg
        .or(from_env)
        .or(config)
        .unwrap_or(crate::tts::DEFAULT_MEMORY_MIB))
}

/// The artifacts' base name: as given, else `bulletin-YYYY-MM-DD` (local date).
pub(super) fn artifact_name(name: Option<&str>) -> Result<String, Error> {
    let name = match name {
        Some(n) => n.to_owned(),
        None => format!("bulletin-{}", chrono::Local::now().format("%Y-%m-%d")),
    };
    let bad = name.is_empty()
        || name.starts_with('.')
        || name
            .chars()
            .any(|c| matches!(c, '/' | '\\' | '\0') || c.is_control());
    if bad {
        return Err(Error::BadArgument(format!(
            "--name `{name}` must be a plain file name (no folders, not starting with a dot)"
        )));
    }
    Ok(name)
}

/// The async runtime for the stages that do network and process I/O.
pub(super) fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(Error::Runtime)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_must_be_plain_file_names() {
        assert!(artifact_name(Some("morning")).is_ok());
        assert!(artifact_name(Some("../evil")).is_err());
        assert!(artifact_name(Some(".hidden")).is_err());
        assert!(artifact_name(Some("")).is_err());
        assert!(artifact_name(None).unwrap().starts_with("bulletin-20"));
    }

    #[test]
    fn the_command_line_wins_over_the_environment_over_the_config_over_the_default() {
        let env = |k: &str| (k == CACHE_DIR_ENV).then(|| "/from/env".to_owned());
        let none = |_: &str| None;
        let config = CacheConfig {
            dir: Some("/from/config".into()),
            local: Some("/local/config".into()),
        };
        let no_config = CacheConfig::default();
        let shared = |s: Option<CacheSettings>| s.unwrap().shared;
        let local = |p: &str| CacheStore::Local(PathBuf::from(p));
        let at = |arg: Option<&str>, env: &dyn Fn(&str) -> Option<String>, config: &CacheConfig| {
            cache_settings(arg.map(PathBuf::from), None, false, config, env).unwrap()
        };
        assert_eq!(
            shared(at(Some("/from/cli"), &env, &config)),
            local("/from/cli")
        );
        assert_eq!(shared(at(None, &env, &config)), local("/from/env"));
        assert_eq!(shared(at(None, &none, &config)), local("/from/config"));
        assert_ne!(shared(at(None, &none, &no_config)), local("/from/env"));
        assert_eq!(
            at(None, &none, &config).unwrap().front,
            Some(PathBuf::from("/local/config"))
        );
        assert_eq!(
            cache_settings(Some("/from/cli".into()), None, true, &config, &env).unwrap(),
            None
        );
    }

    #[test]
    fn an_s3_cache_takes_the_standard_aws_variables() {
        let env = |k: &str| {
            match k {
                CACHE_DIR_ENV => Some("s3://clips/news/"),
                CACHE_LOCAL_ENV => Some("/tmp/front"),
                "AWS_ENDPOINT_URL" => Some("http://127.0.0.1:9000"),
                "AWS_ALLOW_HTTP" => Some("true"),
                _ => None,
            }
            .map(str::to_owned)
        };
        let s = cache_settings(None, None, false, &CacheConfig::default(), &env)
            .unwrap()
            .unwrap();
        let CacheStore::S3(s3) = &s.shared else {
            panic!("not s3: {s:?}")
        };
        assert_eq!((s3.bucket.as_str(), s3.prefix.as_str()), ("clips", "news"));
        assert_eq!(s3.endpoint.as_deref(), Some("http://127.0.0.1:9000"));
        assert!(s3.allow_http);
        assert_eq!(s.front, Some(PathBuf::from("/tmp/front")));
        assert!(cache_settings(
            Some("s3://".into()),
            None,
            false,
            &CacheConfig::default(),
            &env
        )
        .is_err());
    }

    #[test]
    fn formats_on_the_command_line_replace_the_config_and_level_follows_loudness() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("voices.toml");
        std::fs::write(
            &config,
            "[bulletin]\nformats = [\"wav\"]\nloudness = \"podcast\"\n[languages]\nen = \"en\"\n\
             [voices.en]\nbackend = \"e\"\n[backends.e]\npreset = \"espeak-ng\"\n",
        )
        .unwrap();
        let args = BuildArgs {
            config,
            formats: Some(vec![Format::Mp3]),
            ..BuildArgs::new(vec![InputSpec::Stdin])
        };
        let s = BuildSettings::resolve(args, &|_| None, Cancel::never()).unwrap();
        assert_eq!(s.output.formats, vec![Format::Mp3]);
        assert_eq!(
            s.config.output.formats,
            vec![Format::Wav],
            "the config is not patched"
        );
        assert_eq!(s.prepare.level_lufs, Some(-16.0));
        assert_eq!(s.prepare.spec, s.config.audio);
    }
}
