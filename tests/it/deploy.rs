//! The container image and the Kubernetes manifests in `deploy/`. No Docker
//! daemon or cluster runs here, so their structure is checked instead: the
//! fields the README's recipe relies on, the arguments against the real
//! binary's `--help`, and the configuration they carry against the real
//! config loader.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_yaml_ng::Value;

use crate::harness::{examples, Workspace};

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Every document of every manifest, by kind and name.
fn manifests() -> BTreeMap<(String, String), Value> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(repo("deploy")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for doc in serde_yaml_ng::Deserializer::from_str(&text) {
            let value: Value = serde::Deserialize::deserialize(doc)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let kind = value["kind"].as_str().unwrap().to_owned();
            let name = value["metadata"]["name"].as_str().unwrap().to_owned();
            assert!(value["apiVersion"].as_str().is_some(), "{kind}/{name}");
            assert!(out.insert((kind, name), value).is_none(), "duplicate");
        }
    }
    out
}

fn get<'a>(all: &'a BTreeMap<(String, String), Value>, kind: &str, name: &str) -> &'a Value {
    all.get(&(kind.to_owned(), name.to_owned()))
        .unwrap_or_else(|| panic!("no {kind}/{name} in deploy/"))
}

fn strings(v: &Value) -> Vec<String> {
    v.as_sequence()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_owned())
        .collect()
}

/// The flags `bulletin build` accepts, from the real binary's help.
fn build_flags() -> String {
    let help = std::process::Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .args(["build", "--help"])
        .output()
        .unwrap();
    String::from_utf8(help.stdout).unwrap()
}

/// The pod template's one container, checked for what every bulletin pod
/// needs; returns its arguments.
fn check_pod(all: &BTreeMap<(String, String), Value>, pod: &Value, what: &str) -> Vec<String> {
    let spec = &pod["spec"];
    assert!(
        matches!(spec["restartPolicy"].as_str(), Some("Never" | "OnFailure")),
        "{what}: a Job's pods must not restart Always"
    );
    assert_eq!(
        spec["securityContext"]["runAsNonRoot"],
        Value::Bool(true),
        "{what}"
    );
    assert_eq!(
        spec["securityContext"]["runAsUser"].as_u64(),
        Some(dockerfile_uid()),
        "{what}: the image's user"
    );
    let containers = spec["containers"].as_sequence().unwrap();
    assert_eq!(containers.len(), 1, "{what}");
    let c = &containers[0];
    assert!(c["image"].as_str().unwrap().contains("bulletin"), "{what}");
    assert!(
        c["command"].is_null(),
        "{what}: the image's entrypoint is the binary"
    );
    assert_eq!(
        c["securityContext"]["allowPrivilegeEscalation"],
        Value::Bool(false)
    );
    // The environment: cache location from the ConfigMap, credentials from the Secret.
    let from: Vec<(String, String)> = c["envFrom"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|e| {
            if let Some(name) = e["secretRef"]["name"].as_str() {
                ("Secret".to_owned(), name.to_owned())
            } else {
                (
                    "ConfigMap".to_owned(),
                    e["configMapRef"]["name"].as_str().unwrap().to_owned(),
                )
            }
        })
        .collect();
    let secret = from.iter().find(|(k, _)| k == "Secret").expect("a Secret");
    let secret = get(all, "Secret", &secret.1);
    for key in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"] {
        assert_eq!(
            secret["stringData"][key].as_str(),
            Some("REPLACE_ME"),
            "{key}: a placeholder, never a real credential"
        );
    }
    let env = from
        .iter()
        .find(|(k, _)| k == "ConfigMap")
        .expect("a ConfigMap");
    let env = &get(all, "ConfigMap", &env.1)["data"];
    assert!(
        env["BULLETIN_CACHE_DIR"]
            .as_str()
            .unwrap()
            .starts_with("s3://"),
        "{what}: the cache is on S3"
    );
    for (key, _) in env.as_mapping().unwrap() {
        let key = key.as_str().unwrap();
        assert!(
            !key.contains("SECRET") && !key.contains("KEY_ID"),
            "{key} belongs in the Secret"
        );
    }
    // Every argument that names a path is on a mounted volume.
    let mounts: Vec<String> = c["volumeMounts"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|m| m["mountPath"].as_str().unwrap().to_owned())
        .collect();
    let volumes: Vec<&str> = spec["volumes"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    for m in c["volumeMounts"].as_sequence().unwrap() {
        assert!(
            volumes.contains(&m["name"].as_str().unwrap()),
            "{what}: {m:?}"
        );
    }
    let args = strings(&c["args"]);
    assert_eq!(args[0], "build", "{what}");
    for a in args.iter().filter(|a| a.starts_with('/')) {
        assert!(
            mounts.iter().any(|m| a.starts_with(m.as_str())),
            "{what}: {a} is on no volume ({mounts:?})"
        );
    }
    let help = build_flags();
    for flag in args.iter().filter(|a| a.starts_with('-')) {
        assert!(
            help.contains(flag.as_str()),
            "{what}: `bulletin build` has no {flag}"
        );
    }
    // The config the pods read is the ConfigMap mounted there, and it loads.
    let config = &args[args.iter().position(|a| a == "-c").unwrap() + 1];
    assert_eq!(config, "/etc/bulletin/voices.toml", "{what}");
    args
}

/// The numeric user the image runs as.
fn dockerfile_uid() -> u64 {
    let text = std::fs::read_to_string(repo("Dockerfile")).unwrap();
    let user = text
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("USER "))
        .expect("a USER line");
    user.split(':')
        .next()
        .unwrap()
        .trim()
        .parse()
        .expect("a numeric USER")
}

fn value_after<'a>(args: &'a [String], flag: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == flag)
        .map(|i| args[i + 1].as_str())
}

#[test]
fn the_indexed_job_passes_its_index_as_the_shard_and_the_assembly_builds_the_same() {
    let all = manifests();
    let shards = get(&all, "Job", "bulletin-shards");
    let spec = &shards["spec"];
    assert_eq!(spec["completionMode"].as_str(), Some("Indexed"));
    let n = spec["completions"].as_u64().unwrap();
    assert_eq!(spec["parallelism"].as_u64(), Some(n), "every shard at once");
    let args = check_pod(&all, &spec["template"], "bulletin-shards");
    let shard = value_after(&args, "--shard").expect("--shard");
    assert_eq!(shard, format!("$(JOB_COMPLETION_INDEX)/{n}"));
    // Every index Kubernetes hands out is a valid, distinct shard.
    let mut seen = std::collections::BTreeSet::new();
    for index in 0..n {
        let given = shard.replace("$(JOB_COMPLETION_INDEX)", &index.to_string());
        let parsed = bulletin::run::Shard::parse(&given).unwrap();
        assert!(seen.insert(parsed.index));
        assert_eq!(u64::from(parsed.count.get()), n);
    }
    assert!(
        value_after(&args, "--metrics-file")
            .unwrap()
            .contains("$(JOB_COMPLETION_INDEX)"),
        "each shard its own metrics file"
    );

    let assemble = get(&all, "Job", "bulletin-assemble");
    assert!(assemble["spec"]["completionMode"].is_null());
    let final_args = check_pod(&all, &assemble["spec"]["template"], "bulletin-assemble");
    assert!(value_after(&final_args, "--shard").is_none());
    for flag in ["-c", "-n", "-o"] {
        assert_eq!(
            value_after(&final_args, flag),
            value_after(&args, flag),
            "the assembly builds what the shards made ({flag})"
        );
    }
    assert_eq!(final_args.last(), args.last(), "the same inputs");
}

#[test]
fn the_cronjob_builds_one_bulletin_without_overlapping_runs() {
    let all = manifests();
    let cron = get(&all, "CronJob", "bulletin-morning");
    let spec = &cron["spec"];
    let schedule = spec["schedule"].as_str().unwrap();
    assert_eq!(schedule.split_whitespace().count(), 5, "{schedule}");
    assert_eq!(spec["concurrencyPolicy"].as_str(), Some("Forbid"));
    let args = check_pod(
        &all,
        &spec["jobTemplate"]["spec"]["template"],
        "bulletin-morning",
    );
    assert!(value_after(&args, "--shard").is_none());
    assert!(value_after(&args, "--metrics-file").is_some());
}

#[test]
fn the_configuration_in_the_configmap_loads() {
    let all = manifests();
    let voices = get(&all, "ConfigMap", "bulletin-voices")["data"]["voices.toml"]
        .as_str()
        .unwrap()
        .to_owned();
    let ws = Workspace::new();
    ws.write("voices.toml", voices);
    let plan = ws
        .bulletin()
        .args(["plan", "-c", "voices.toml"])
        .arg_path(&examples())
        .output()
        .success();
    assert!(plan.stdout().contains("a1-title"), "{}", plan.stdout());
}

#[test]
fn the_dockerfile_builds_in_one_stage_and_runs_slim_as_a_user() {
    let text = std::fs::read_to_string(repo("Dockerfile")).unwrap();
    let froms: Vec<&str> = text.lines().filter(|l| l.starts_with("FROM ")).collect();
    assert!(froms.len() >= 2, "multi-stage: {froms:?}");
    assert!(
        froms[0].contains("rust:") && froms[0].ends_with(" AS build"),
        "{froms:?}"
    );
    assert!(froms.last().unwrap().contains("debian:") && froms.last().unwrap().contains("-slim"));
    assert!(text.contains("cargo build --release --locked --bin bulletin"));
    let run_stage = &text[text.rfind("\nFROM ").unwrap()..];
    assert!(run_stage.contains("espeak-ng") && run_stage.contains("ca-certificates"));
    assert!(run_stage
        .contains("COPY --from=build /src/target/release/bulletin /usr/local/bin/bulletin"));
    assert!(run_stage.contains("ENTRYPOINT [\"/usr/local/bin/bulletin\"]"));
    assert_ne!(dockerfile_uid(), 0, "not root");
    // Files the build needs besides src/: what include_str! reads.
    assert!(
        text.contains("COPY tests tests"),
        "tests/fixtures are compiled in"
    );
    let ignore = std::fs::read_to_string(repo(".dockerignore")).unwrap();
    assert!(ignore.lines().any(|l| l == "target"));
    // The config the image carries is the repository's, and it loads.
    assert!(run_stage.contains("COPY voices.toml /etc/bulletin/voices.toml"));
    let ws = Workspace::new();
    ws.bulletin()
        .args(["plan", "-c"])
        .arg_path(&repo("voices.toml"))
        .arg_path(&examples())
        .output()
        .success();
}

#[test]
fn the_binary_needs_no_library_that_slim_debian_lacks() {
    // debian:bookworm-slim has glibc and libgcc_s and little else: no OpenSSL
    // (TLS is rustls), no LAME (linked statically).
    let Ok(out) = std::process::Command::new("ldd")
        .arg(env!("CARGO_BIN_EXE_bulletin"))
        .output()
    else {
        assert!(
            std::env::var_os("BULLETIN_REQUIRE_TOOLS").is_none(),
            "ldd is required"
        );
        eprintln!("note: ldd not found; skipping");
        return;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let allowed = [
        "linux-vdso",
        "libgcc_s.so",
        "libm.so",
        "libc.so",
        "ld-linux",
        "libpthread.so",
        "libdl.so",
        "librt.so",
    ];
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        assert!(
            allowed
                .iter()
                .any(|a| line.trim_start().starts_with(a) || line.contains("/ld-linux")),
            "not in debian:bookworm-slim: {line}"
        );
    }
}
