# syntax=docker/dockerfile:1
#
# One image holding all of vizpro's binaries: the command API (with the relay), the query API, the
# projector, and the all-in-one `vizpro` that runs every part in one process. The binaries are on PATH,
# and no ENTRYPOINT fixes one of them, so the container's command chooses what runs:
#
#   docker run vizpro:local               the all-in-one platform on port 8080 (the default CMD), with
#                                         the SPA
#   docker run vizpro:local command-api   the command API on port 8081
#   docker run vizpro:local query-api     the query API on port 8082
#   docker run vizpro:local projector     the projector; `projector rebuild <name|all>` and
#                                         `projector verify <name|all>` run its maintenance commands
#
# Each needs its VIZPRO_* settings in the environment, as docker-compose.yml passes them.
#
# Build it with `docker compose build` or `docker build -t vizpro:local .`. The stage `web` is nginx with
# the SPA and deploy/nginx.conf, the front door docker-compose.yml runs (`docker build --target web`).

# The SPA: built once, served by the all-in-one binary and by the `web` image's nginx.
FROM node:20-bookworm-slim AS spa
WORKDIR /frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY frontend ./
RUN npm run build

# The front door of docker-compose.yml: nginx with the SPA and the routing of API requests to the two
# services. The platform's stages come after it, so that a plain `docker build` builds the platform.
FROM nginx:1.27-alpine AS web
COPY deploy/nginx.conf /etc/nginx/conf.d/default.conf
COPY --from=spa /frontend/dist /usr/share/nginx/html

FROM rust:1.95-bookworm AS builder
WORKDIR /src

# Only the workspace manifest, the lock file and the workspace members are copied, so that a change to
# the documentation, the scripts or the frontend does not rebuild the image. Every member is needed
# because Cargo loads the whole workspace, even to build only some of its binaries.
COPY Cargo.toml Cargo.lock ./
COPY events ./events
COPY domain ./domain
COPY migrations ./migrations
COPY event-store ./event-store
COPY read-models ./read-models
COPY http-edge ./http-edge
COPY dataset-storage ./dataset-storage
COPY chart-engine ./chart-engine
COPY command-api ./command-api
COPY projector ./projector
COPY query-api ./query-api
COPY vizpro ./vizpro
COPY bench ./bench

# The registry and the target directory live in BuildKit cache mounts, so a rebuild after a source
# change recompiles only vizpro's own crates instead of every dependency. All four binaries come from one
# cargo invocation, so the crates they share are compiled once. The binaries are copied out of the cached
# target directory because the cache mount is not part of the image.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/local/cargo/git \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked \
        -p vizpro-command-api --bin command-api \
        -p vizpro-query-api --bin query-api \
        -p vizpro-projector --bin projector \
        -p vizpro --bin vizpro \
    && cp target/release/command-api target/release/query-api target/release/projector \
        target/release/vizpro /usr/local/bin/

FROM debian:bookworm-slim AS runtime

# CA certificates are needed for TLS connections to PostgreSQL, NATS or Redis outside the host, and
# OpenSSL for the TLS connections the query API opens to external PostgreSQL and MySQL data sources
# (the builder image, buildpack-deps, already has its headers and pkg-config).
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates libssl3 \
    && rm -rf /var/lib/apt/lists/*

# The services run as an unprivileged user. The numeric id is used in USER so that orchestrators that
# insist on a non-root user (Kubernetes' runAsNonRoot) can verify it without reading /etc/passwd.
RUN groupadd --system --gid 10001 vizpro \
    && useradd --system --uid 10001 --gid vizpro --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin vizpro \
    && mkdir -p /var/lib/vizpro/objects \
    && chown -R 10001:10001 /var/lib/vizpro

COPY --from=builder /usr/local/bin/command-api /usr/local/bin/query-api /usr/local/bin/projector \
    /usr/local/bin/vizpro /usr/local/bin/
COPY --from=spa /frontend/dist /usr/share/vizpro/spa

# Inside a container the services must listen on every interface; the binaries' defaults are loopback
# only. Each of the two APIs binds only its own address, and the all-in-one binary serves everything on
# VIZPRO_LISTEN alone, so setting all three is harmless. The projector serves no HTTP and has no port.
ENV VIZPRO_LISTEN=0.0.0.0:8080 \
    VIZPRO_COMMAND_LISTEN=0.0.0.0:8081 \
    VIZPRO_QUERY_LISTEN=0.0.0.0:8082 \
    VIZPRO_SPA_DIR=/usr/share/vizpro/spa
EXPOSE 8080 8081 8082

# The image has no HTTP client for a HEALTHCHECK; orchestrators probe /healthz and /readyz instead.
USER 10001:10001
CMD ["vizpro"]
