//! vizpro in one process on one port.
//!
//! Reads (GET, HEAD) go to the query API and everything else to the command API, exactly as nginx routes
//! them when the services run apart; the projector and the relay run as tasks; other paths serve the SPA.
//! Each service reads its own `VIZPRO_*` settings from the environment, so one environment configures both
//! shapes of deployment.

mod demo;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::response::IntoResponse;
use clap::Parser;
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

/// Runs vizpro in one process. Every other setting comes from the services' `VIZPRO_*` variables.
#[derive(Debug, Clone, Parser)]
#[command(name = "vizpro", version, about)]
pub struct Cli {
    /// Address to listen on for the API and the SPA.
    #[arg(long, env = "VIZPRO_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// The built SPA (a folder with index.html); unset or missing serves the API alone.
    #[arg(long, env = "VIZPRO_SPA_DIR", default_value = "frontend/dist")]
    pub spa_dir: PathBuf,

    /// Create a demo account and example content when the platform starts, unless they exist.
    #[arg(long, env = "VIZPRO_DEMO_DATA", default_value_t = false, action = clap::ArgAction::Set)]
    pub demo_data: bool,

    /// Log as JSON lines (true) or as readable text (false).
    #[arg(long, env = "VIZPRO_LOG_JSON", default_value_t = true, action = clap::ArgAction::Set)]
    pub log_json: bool,

    /// Print the OpenAPI document of the whole API and exit, without starting anything (the SPA's API
    /// client is generated from it: `frontend/openapi.json`).
    #[arg(long)]
    pub print_openapi: bool,
}

/// Builds every part, serves until SIGINT/SIGTERM.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let router = build(&cli).await?;
    let listener = tokio::net::TcpListener::bind(cli.listen)
        .await
        .context("cannot bind the listen address")?;
    let address = listener.local_addr()?;
    tracing::info!(%address, "vizpro is listening");
    if cli.demo_data {
        tokio::spawn(demo::seed(format!("http://{address}")));
    }
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(vizpro_http_edge::shutdown::signal())
    .await?;
    Ok(())
}

/// The combined router from the services' settings in the environment.
pub async fn build(cli: &Cli) -> anyhow::Result<Router> {
    let settings = Settings {
        command: vizpro_command_api::Config::try_parse_from(["command-api"])
            .context("command API settings (VIZPRO_* variables)")?,
        query: vizpro_query_api::Config::try_parse_from(["query-api"])
            .context("query API settings (VIZPRO_* variables)")?,
        projector: vizpro_projector::Config::try_parse_from(["projector"])
            .context("projector settings (VIZPRO_* variables)")?,
        spa_dir: cli.spa_dir.clone(),
    };
    build_with(settings).await
}

/// The settings of every part.
#[derive(Debug, Clone)]
pub struct Settings {
    pub command: vizpro_command_api::Config,
    pub query: vizpro_query_api::Config,
    pub projector: vizpro_projector::Config,
    pub spa_dir: PathBuf,
}

/// The combined router: the command API (which migrates the database and starts the relay), the query
/// API, the projector as a background task, one OpenAPI document, and the SPA.
pub async fn build_with(settings: Settings) -> anyhow::Result<Router> {
    let Settings {
        command: command_config,
        query: query_config,
        projector: projector_config,
        spa_dir,
    } = settings;
    let (writes, _) = vizpro_command_api::build_router(command_config).await?;
    let (reads, _) = vizpro_query_api::build_router(query_config).await?;
    let projector = vizpro_projector::Projector::build(projector_config).await?;
    tokio::spawn(async move {
        if let Err(error) = projector.run_until_stopped().await {
            tracing::error!(error = format!("{error:#}"), "the projector stopped");
        }
    });

    let document = Arc::new(openapi_document());

    // Client routes (`/dashboards/…`) answer the SPA's index.html; its hashed assets answer themselves or
    // 404, never the index, so that a missing script fails as a missing script.
    let spa = if spa_dir.join("index.html").is_file() {
        Some((
            ServeDir::new(&spa_dir).fallback(ServeFile::new(spa_dir.join("index.html"))),
            ServeDir::new(&spa_dir),
        ))
    } else {
        None
    };
    let readiness_parts = (reads.clone(), writes.clone());
    let dispatch = tower::service_fn(move |request: Request| {
        let writes = writes.clone();
        let reads = reads.clone();
        let spa = spa.clone();
        async move {
            let is_read = matches!(*request.method(), Method::GET | Method::HEAD);
            let path = request.uri().path();
            let is_service_path =
                path.starts_with("/api/") || ["/healthz", "/readyz", "/metrics"].contains(&path);
            let response = match (is_read, is_service_path, spa) {
                (false, _, _) => writes.oneshot(request).await.into_response(),
                (true, true, _) | (true, false, None) => {
                    reads.oneshot(request).await.into_response()
                }
                (true, false, Some((pages, assets))) => {
                    let is_asset = path.starts_with(SPA_ASSETS);
                    let mut response = match is_asset {
                        true => assets.oneshot(request).await.into_response(),
                        false => pages.oneshot(request).await.into_response(),
                    };
                    spa_headers(response.headers_mut(), is_asset);
                    response
                }
            };
            Ok::<_, std::convert::Infallible>(response)
        }
    });
    let own_routes = Router::new()
        .route(
            "/readyz",
            axum::routing::get(move || {
                let (reads, writes) = readiness_parts.clone();
                async move { readiness(reads, writes).await }
            }),
        )
        .route(
            "/api/v1/openapi.json",
            axum::routing::get(move || {
                let document = document.clone();
                async move { axum::Json(document.as_ref().clone()) }
            }),
        );
    // These two answer here, outside both services' layers, so they get the security headers here.
    let router =
        vizpro_http_edge::layers::with_security_headers(own_routes).fallback_service(dispatch);
    Ok(router)
}

/// The OpenAPI document of the whole API: the command API's paths and the query API's in one.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    let mut document = vizpro_command_api::openapi::document();
    document.merge(vizpro_query_api::openapi::document());
    document.info.title = "vizpro API".to_owned();
    document
}

/// Where the SPA's build puts its content-hashed files.
const SPA_ASSETS: &str = "/assets/";

/// What the browser may do with the SPA. Scripts, styles and connections stay on this origin; inline
/// styles are allowed because the chart and grid libraries position elements with them; charts may be
/// exported as data or blob images. The API's own answers carry the stricter `default-src 'none'`.
const SPA_CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; \
     connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; \
     form-action 'self'; frame-ancestors 'none'";

/// Security headers for every SPA answer, and caching: hashed assets never change, so they are kept for a
/// year; pages are revalidated on every load, so a new release is picked up at once.
fn spa_headers(headers: &mut HeaderMap, is_asset: bool) {
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(SPA_CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(match is_asset {
            true => "public, max-age=31536000, immutable",
            false => "no-cache",
        }),
    );
}

/// Ready when both halves are: the query API reports PostgreSQL and Redis, the command API also NATS
/// and the relay. One process, so one answer that holds both reports.
async fn readiness(reads: Router, writes: Router) -> axum::response::Response {
    let ask = |router: Router| async move {
        let request = Request::builder()
            .uri("/readyz")
            .body(axum::body::Body::empty());
        let Ok(request) = request else {
            return (false, serde_json::Value::Null);
        };
        let response = router.oneshot(request).await.into_response();
        let ready = response.status().is_success();
        let body = axum::body::to_bytes(response.into_body(), 64 * 1024)
            .await
            .unwrap_or_default();
        (
            ready,
            serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
        )
    };
    let ((reads_ready, reads_report), (writes_ready, writes_report)) =
        tokio::join!(ask(reads), ask(writes));
    let ready = reads_ready && writes_ready;
    let status = if ready {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::SERVICE_UNAVAILABLE
    };
    let body = serde_json::json!({
        "status": if ready { "ready" } else { "unavailable" },
        "query_api": reads_report,
        "command_api": writes_report,
    });
    (status, axum::Json(body)).into_response()
}
