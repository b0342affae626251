# syntax=docker/dockerfile:1
#
# The command API (with the relay) as a container image. Build it with `docker compose build` or
# `docker build -t vizpro-command-api .`; docker-compose.yml shows the settings it needs at run time.

FROM rust:1.95-bookworm AS builder
WORKDIR /src

# Only the workspace manifest, the lock file and the workspace members are copied, so that a change to
# the documentation, the scripts or the folders of services that do not exist yet does not rebuild the
# image. Every member is needed because Cargo loads the whole workspace, even to build one binary.
COPY Cargo.toml Cargo.lock ./
COPY events ./events
COPY domain ./domain
COPY migrations ./migrations
COPY event-store ./event-store
COPY http-edge ./http-edge
COPY command-api ./command-api
COPY bench ./bench

# The registry and the target directory live in BuildKit cache mounts, so a rebuild after a source
# change recompiles only vizpro's own crates instead of every dependency. The binary is copied out of
# the cached target directory because the cache mount is not part of the image.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/local/cargo/git \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p vizpro-command-api --bin command-api \
    && cp target/release/command-api /usr/local/bin/command-api

FROM debian:bookworm-slim AS runtime

# CA certificates are needed for TLS connections to PostgreSQL, NATS or Redis outside the host.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/*

# The service runs as an unprivileged user. The numeric id is used in USER so that orchestrators that
# insist on a non-root user (Kubernetes' runAsNonRoot) can verify it without reading /etc/passwd.
RUN groupadd --system --gid 10001 vizpro \
    && useradd --system --uid 10001 --gid vizpro --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin vizpro

COPY --from=builder /usr/local/bin/command-api /usr/local/bin/command-api

# Inside a container the API must listen on every interface; the binary's default is loopback only.
ENV VIZPRO_COMMAND_LISTEN=0.0.0.0:8081
EXPOSE 8081

# The image has no HTTP client for a HEALTHCHECK; orchestrators probe /healthz and /readyz instead.
USER 10001:10001
ENTRYPOINT ["/usr/local/bin/command-api"]
