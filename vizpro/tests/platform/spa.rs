//! The SPA beside the API on one origin, and the API document its client is generated from.

use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};

use crate::harness::start_with_spa;

const INDEX: &str = "<!doctype html><title>vizpro</title><div id=root></div>\
                     <script type=module src=/assets/app-3f9a.js></script>";
const SCRIPT: &str = "document.getElementById('root').textContent = 'vizpro';";

/// A built SPA in a folder of its own: an index page and one hashed asset.
fn built_spa() -> std::path::PathBuf {
    let folder = std::env::temp_dir().join(format!("vizpro-spa-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(folder.join("assets")).unwrap();
    std::fs::write(folder.join("index.html"), INDEX).unwrap();
    std::fs::write(folder.join("assets/app-3f9a.js"), SCRIPT).unwrap();
    folder
}

fn header(response: &reqwest::Response, name: reqwest::header::HeaderName) -> &str {
    response
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
}

#[tokio::test]
async fn client_routes_answer_the_spa_and_its_assets_are_cached_while_the_api_keeps_its_own_answers()
 {
    let platform = start_with_spa("redis://127.0.0.1:6379", built_spa()).await;
    let get = |path: &str| {
        platform
            .client
            .get(format!("{}{path}", platform.base))
            .send()
    };

    // A deep link into the application is answered with the page, which is revalidated on every load.
    for path in [
        "/",
        "/dashboards/0190a1b2-0000-7000-8000-000000000000",
        "/d/sales-overview",
    ] {
        let page = get(path).await.unwrap();
        assert_eq!(page.status(), StatusCode::OK, "{path}");
        assert!(
            header(&page, CONTENT_TYPE).starts_with("text/html"),
            "{path}"
        );
        assert_eq!(header(&page, CACHE_CONTROL), "no-cache", "{path}");
        let policy = header(&page, CONTENT_SECURITY_POLICY).to_owned();
        assert!(policy.contains("script-src 'self'"), "{policy}");
        assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
        assert_eq!(page.text().await.unwrap(), INDEX);
    }

    // Hashed assets are kept for good; a missing one is a 404, not the page in its place.
    let script = get("/assets/app-3f9a.js").await.unwrap();
    assert_eq!(script.status(), StatusCode::OK);
    assert!(header(&script, CONTENT_TYPE).contains("javascript"));
    assert_eq!(
        header(&script, CACHE_CONTROL),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(script.text().await.unwrap(), SCRIPT);
    let missing = get("/assets/app-0000.js").await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);

    // The API's paths are never the page, whatever they are.
    let unknown = get("/api/v1/no-such-thing").await.unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert_eq!(header(&unknown, CONTENT_TYPE), "application/problem+json");
    let health = get("/healthz").await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    assert!(!header(&health, CONTENT_TYPE).starts_with("text/html"));
}

#[test]
fn the_committed_api_document_is_the_one_the_platform_serves() {
    let committed_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../frontend/openapi.json");
    let committed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(committed_path).unwrap()).unwrap();
    let served = serde_json::to_value(vizpro::openapi_document()).unwrap();
    assert!(
        committed == served,
        "frontend/openapi.json is stale: regenerate it with \
         `cargo run -p vizpro -- --print-openapi > frontend/openapi.json`, then \
         `npm run generate:api` in frontend/"
    );
}

#[tokio::test]
async fn every_operator_and_api_answer_carries_the_security_headers() {
    let platform = start_with_spa("redis://127.0.0.1:6379", built_spa()).await;
    for path in [
        "/readyz",
        "/healthz",
        "/api/v1/openapi.json",
        "/api/v1/dashboards",
        "/api/v1/no-such-thing",
    ] {
        let answer = platform
            .client
            .get(format!("{}{path}", platform.base))
            .send()
            .await
            .unwrap();
        for (name, value) in vizpro_http_edge::layers::security_headers() {
            assert_eq!(
                answer.headers().get(&name),
                Some(&value),
                "{path} lacks {name}"
            );
        }
    }
}
