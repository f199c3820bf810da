//! tts: the clip cache on S3-compatible object storage (AWS, MinIO, Ceph,
//! R2, GCS's S3 API) through the `object_store` crate. A PUT is atomic, so
//! an entry is complete or absent; requests are retried a bounded number
//! of times within a bounded time; errors name the bucket and key and never
//! carry a credential.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use futures::future::BoxFuture;
use futures::StreamExt;
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path as ObjectPath;
use object_store::{BackoffConfig, ClientOptions, ObjectStore, PutPayload, RetryConfig};

use super::store::{is_entry_key, Entry, Object, Store, StoreError};
use super::template::{scrub, Secret};

/// Retries after the first request, and the time within which they must fall.
pub const S3_RETRIES: usize = 3;
pub const S3_RETRY_WITHIN: Duration = Duration::from_secs(15);

/// An object read this long after it was written is written again on use,
/// so that `prune --older-than` (which reads the store's own timestamps)
/// keeps clips in use. S3 cannot change an object's time otherwise.
const REFRESH_AFTER: Duration = Duration::from_secs(86400);

/// Where the cache is in object storage, and how to reach it: resolved once
/// from `s3://bucket/prefix` and the standard AWS environment variables.
#[derive(Clone, PartialEq)]
pub struct S3Settings {
    pub bucket: String,
    /// Key prefix without leading or trailing `/` (may be empty).
    pub prefix: String,
    /// `AWS_ENDPOINT_URL` (MinIO, Ceph, R2, a local server); AWS itself when absent.
    pub endpoint: Option<String>,
    /// `AWS_REGION`, else `AWS_DEFAULT_REGION`, else `us-east-1`.
    pub region: String,
    /// `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`;
    /// absent, the crate's own chain (web identity, container, instance).
    pub access_key_id: Option<Secret>,
    pub secret_access_key: Option<Secret>,
    pub session_token: Option<Secret>,
    /// `AWS_ALLOW_HTTP=true`: a plain-http endpoint.
    pub allow_http: bool,
    /// Time limit of one request.
    pub timeout: Duration,
}

impl fmt::Debug for S3Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Credentials by name only.
        f.debug_struct("S3Settings")
            .field("bucket", &self.bucket)
            .field("prefix", &self.prefix)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field(
                "credentials",
                &self.access_key_id.as_ref().map(|_| "from the environment"),
            )
            .field("allow_http", &self.allow_http)
            .finish()
    }
}

impl S3Settings {
    /// `s3://bucket/prefix` → (bucket, prefix); `None` when `url` is not an
    /// `s3://` URL. An empty bucket is an error.
    pub fn parse_url(url: &str) -> Option<Result<(String, String), String>> {
        let rest = url.strip_prefix("s3://")?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Some(Err(format!(
                "`{url}` names no bucket: use s3://BUCKET/PREFIX"
            )));
        }
        let prefix = prefix.trim_matches('/');
        if prefix.split('/').any(|p| p == "." || p == "..") {
            return Some(Err(format!(
                "`{url}`: a prefix must not contain `.` or `..`"
            )));
        }
        Some(Ok((bucket.to_owned(), prefix.to_owned())))
    }

    /// The settings for `s3://bucket/prefix` from the standard AWS variables in `env`.
    pub fn from_env(
        bucket: String,
        prefix: String,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> S3Settings {
        let var = |k: &str| env(k).filter(|v| !v.is_empty());
        let secret = |k: &str| var(k).map(|v| Secret::new(k, v));
        S3Settings {
            bucket,
            prefix,
            endpoint: var("AWS_ENDPOINT_URL_S3").or_else(|| var("AWS_ENDPOINT_URL")),
            region: var("AWS_REGION")
                .or_else(|| var("AWS_DEFAULT_REGION"))
                .unwrap_or_else(|| "us-east-1".to_owned()),
            access_key_id: secret("AWS_ACCESS_KEY_ID"),
            secret_access_key: secret("AWS_SECRET_ACCESS_KEY"),
            session_token: secret("AWS_SESSION_TOKEN"),
            allow_http: var("AWS_ALLOW_HTTP")
                .is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "true" | "1" | "yes")),
            timeout: Duration::from_secs(60),
        }
    }

    /// `s3://bucket/prefix`, for messages.
    pub fn url(&self) -> String {
        if self.prefix.is_empty() {
            format!("s3://{}", self.bucket)
        } else {
            format!("s3://{}/{}", self.bucket, self.prefix)
        }
    }

    fn secrets(&self) -> Vec<Secret> {
        [
            &self.secret_access_key,
            &self.session_token,
            &self.access_key_id,
        ]
        .into_iter()
        .flatten()
        .cloned()
        .collect()
    }
}

/// The clip cache's objects under `s3://bucket/prefix/`.
pub struct S3Store {
    store: Arc<AmazonS3>,
    url: String,
    prefix: String,
    secrets: Vec<Secret>,
}

impl S3Store {
    /// A client for `settings`; nothing is sent until the first request.
    pub fn new(settings: &S3Settings) -> Result<S3Store, StoreError> {
        let options = ClientOptions::new()
            .with_allow_http(settings.allow_http)
            .with_timeout(settings.timeout)
            .with_connect_timeout(Duration::from_secs(5));
        let retry = RetryConfig {
            backoff: BackoffConfig {
                init_backoff: Duration::from_millis(100),
                max_backoff: Duration::from_secs(5),
                base: 2.0,
            },
            max_retries: S3_RETRIES,
            retry_timeout: S3_RETRY_WITHIN,
        };
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(&settings.bucket)
            .with_region(&settings.region)
            .with_client_options(options)
            .with_retry(retry);
        if let Some(endpoint) = &settings.endpoint {
            builder = builder.with_endpoint(endpoint);
        }
        if let Some(id) = &settings.access_key_id {
            builder = builder.with_access_key_id(id.expose());
        }
        if let Some(key) = &settings.secret_access_key {
            builder = builder.with_secret_access_key(key.expose());
        }
        if let Some(token) = &settings.session_token {
            builder = builder.with_token(token.expose());
        }
        let secrets = settings.secrets();
        let store = builder.build().map_err(|e| StoreError {
            op: "set up",
            location: settings.url(),
            message: scrub(&e.to_string(), &secrets),
        })?;
        Ok(S3Store {
            store: Arc::new(store),
            url: settings.url(),
            prefix: settings.prefix.clone(),
            secrets,
        })
    }

    fn path(&self, key: &str) -> ObjectPath {
        if self.prefix.is_empty() {
            ObjectPath::from(key)
        } else {
            ObjectPath::from(format!("{}/{key}", self.prefix))
        }
    }

    fn error(&self, op: &'static str, key: &str, e: &object_store::Error) -> StoreError {
        StoreError {
            op,
            location: format!("{}/{key}", self.url),
            message: scrub(&e.to_string(), &self.secrets),
        }
    }

    async fn read(&self, key: &str) -> Result<Option<Object>, StoreError> {
        let got = match self.store.get(&self.path(key)).await {
            Ok(got) => got,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(self.error("read", key, &e)),
        };
        let modified = SystemTime::from(got.meta.last_modified);
        let bytes = got.bytes().await.map_err(|e| self.error("read", key, &e))?;
        Ok(Some(Object {
            bytes: bytes.to_vec(),
            modified: Some(modified),
            file: None,
        }))
    }

    async fn write(&self, key: &str, bytes: Vec<u8>) -> Result<(), StoreError> {
        // One PUT: S3 makes the object visible whole or not at all.
        self.store
            .put(&self.path(key), PutPayload::from(bytes))
            .await
            .map(|_| ())
            .map_err(|e| self.error("write", key, &e))
    }

    async fn remove(&self, key: &str) -> Result<(), StoreError> {
        match self.store.delete(&self.path(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(self.error("remove", key, &e)),
        }
    }

    async fn entries(&self) -> Result<Vec<Entry>, StoreError> {
        let prefix = (!self.prefix.is_empty()).then(|| ObjectPath::from(self.prefix.as_str()));
        let mut listing = self.store.list(prefix.as_ref());
        let mut out = Vec::new();
        while let Some(meta) = listing.next().await {
            let meta = meta.map_err(|e| self.error("list", "", &e))?;
            let full = meta.location.as_ref();
            let key = if self.prefix.is_empty() {
                full
            } else {
                match full
                    .strip_prefix(self.prefix.as_str())
                    .and_then(|k| k.strip_prefix('/'))
                {
                    Some(k) => k,
                    None => continue,
                }
            };
            if is_entry_key(key) {
                out.push(Entry {
                    key: key.to_owned(),
                    size: meta.size,
                    modified: Some(SystemTime::from(meta.last_modified)),
                });
            }
        }
        out.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(out)
    }
}

impl Store for S3Store {
    fn location(&self) -> String {
        self.url.clone()
    }

    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Object>, StoreError>> {
        Box::pin(self.read(key))
    }

    fn put<'a>(
        &'a self,
        key: &'a str,
        parts: &'a [&'a [u8]],
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        // One PUT needs the whole body.
        Box::pin(self.write(key, parts.concat()))
    }

    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(self.remove(key))
    }

    fn mark_used<'a>(
        &'a self,
        key: &'a str,
        object: &'a Object,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let stale = object
                .modified
                .and_then(|m| SystemTime::now().duration_since(m).ok())
                .is_some_and(|age| age > REFRESH_AFTER);
            if stale {
                self.write(key, object.bytes.clone()).await?;
            }
            Ok(())
        })
    }

    fn list(&self) -> BoxFuture<'_, Result<Vec<Entry>, StoreError>> {
        Box::pin(self.entries())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_urls_name_a_bucket_and_a_prefix() {
        assert_eq!(S3Settings::parse_url("/var/cache"), None);
        assert_eq!(
            S3Settings::parse_url("s3://clips/bulletin/"),
            Some(Ok(("clips".into(), "bulletin".into())))
        );
        assert_eq!(
            S3Settings::parse_url("s3://clips"),
            Some(Ok(("clips".into(), String::new())))
        );
        assert!(matches!(S3Settings::parse_url("s3:///x"), Some(Err(_))));
        assert!(matches!(S3Settings::parse_url("s3://b/../x"), Some(Err(_))));
    }

    #[test]
    fn settings_come_from_the_standard_variables_and_debug_hides_the_keys() {
        let env = |k: &str| {
            match k {
                "AWS_ENDPOINT_URL" => Some("http://127.0.0.1:9000"),
                "AWS_ACCESS_KEY_ID" => Some("AKIDEXAMPLE"),
                "AWS_SECRET_ACCESS_KEY" => Some("wJalrXUtnFEMI-secret"),
                "AWS_ALLOW_HTTP" => Some("true"),
                "AWS_DEFAULT_REGION" => Some("eu-west-1"),
                _ => None,
            }
            .map(str::to_owned)
        };
        let s = S3Settings::from_env("b".into(), "p".into(), &env);
        assert_eq!(s.endpoint.as_deref(), Some("http://127.0.0.1:9000"));
        assert_eq!(s.region, "eu-west-1");
        assert!(s.allow_http);
        assert_eq!(s.url(), "s3://b/p");
        let shown = format!("{s:?}");
        assert!(
            !shown.contains("wJalrXUtnFEMI-secret") && !shown.contains("AKIDEXAMPLE"),
            "{shown}"
        );
        let none = S3Settings::from_env("b".into(), String::new(), &|_| None);
        assert_eq!(
            (none.region.as_str(), none.allow_http),
            ("us-east-1", false)
        );
        assert_eq!(none.url(), "s3://b");
    }

    #[tokio::test]
    async fn an_unreachable_store_fails_within_its_retry_budget_naming_bucket_and_key() {
        // A port nothing listens on: connection refused at once, retried, then an error.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let env = |k: &str| match k {
            "AWS_ACCESS_KEY_ID" => Some("AKIDEXAMPLE".to_owned()),
            "AWS_SECRET_ACCESS_KEY" => Some("very-secret-value".to_owned()),
            "AWS_ALLOW_HTTP" => Some("true".to_owned()),
            "AWS_ENDPOINT_URL" => Some(format!("http://127.0.0.1:{port}")),
            _ => None,
        };
        let store = S3Store::new(&S3Settings::from_env("clips".into(), "p".into(), &env)).unwrap();
        let started = std::time::Instant::now();
        let err = store.get("ab/ab12.wav").await.unwrap_err();
        assert!(started.elapsed() < S3_RETRY_WITHIN + Duration::from_secs(10));
        let text = err.to_string();
        assert!(text.contains("s3://clips/p/ab/ab12.wav"), "{text}");
        assert!(!text.contains("very-secret-value"), "{text}");
    }
}
