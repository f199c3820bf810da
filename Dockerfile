# bulletin as a container: built with cargo, run on slim Debian with espeak-ng
# (the offline default voice), as a non-root user, the binary as entrypoint.
#
#   docker build -t bulletin .
#   docker run --rm -v "$PWD/news:/news:ro" -v "$PWD/out:/out" bulletin build -c /etc/bulletin/voices.toml -o /out /news
#
# See deploy/ for Kubernetes (a CronJob, and sharded synthesis as an Indexed Job).

# --- build -------------------------------------------------------------------
FROM rust:1.95-slim-bookworm AS build
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
WORKDIR /src
# The LAME encoder (mp3lame-encoder) is compiled from C by its build script.
# Debian's packages are not pinned: the release's security updates are wanted.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libc6-dev make pkg-config \
 && rm -rf /var/lib/apt/lists/*
# Dependencies first, so that a change to the sources reuses their layer.
COPY Cargo.toml Cargo.lock ./
RUN mkdir -p src tests/it && echo 'fn main() {}' > src/main.rs && touch src/lib.rs tests/it/main.rs \
 && cargo build --release --locked --bin bulletin \
 && rm -rf src tests target/release/.fingerprint/bulletin-* target/release/deps/bulletin-* target/release/deps/libbulletin-*
COPY src src
# Normalisation cases compiled into the binary (include_str!) live beside the tests.
COPY tests tests
RUN cargo build --release --locked --bin bulletin \
 && strip target/release/bulletin \
 && target/release/bulletin --version | grep -q "^bulletin "

# --- run ---------------------------------------------------------------------
FROM debian:bookworm-slim AS run
# espeak-ng: the default local voice; ca-certificates: HTTPS to TTS services and S3.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends espeak-ng ca-certificates \
 && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 bulletin \
 && useradd --system --uid 10001 --gid 10001 --home-dir /home/bulletin --create-home bulletin \
 && mkdir -p /out /cache /etc/bulletin \
 && chown bulletin:bulletin /out /cache
COPY --from=build /src/target/release/bulletin /usr/local/bin/bulletin
COPY voices.toml /etc/bulletin/voices.toml
# The paths the manifests in deploy/ use: config, output and (local) cache.
ENV BULLETIN_CACHE_DIR=/cache
WORKDIR /home/bulletin
USER 10001:10001
ENTRYPOINT ["/usr/local/bin/bulletin"]
CMD ["--help"]
