//! HTTP validators: ETag, If-None-Match and Cache-Control.

use reqwest::StatusCode;
use vizpro_events::Role;

use crate::harness::{header, spawn_app};

#[tokio::test]
async fn if_none_match_with_the_current_etag_answers_304() {
    let app = spawn_app().await;
    let owner = app.user(Role::Editor).await;
    let data_source = app.insert_data_source(owner.id, "Warehouse").await;
    let dashboard = app.insert_dashboard(owner.id, "Sales", "sales").await;

    for path in [
        format!("/api/v1/data-sources/{data_source}"),
        format!("/api/v1/dashboards/{dashboard}"),
        "/api/v1/data-sources".to_owned(),
        "/api/v1/users/me".to_owned(),
    ] {
        let first = app.get(&path, &owner.token).await;
        assert_eq!(first.status(), StatusCode::OK, "{path}");
        assert_eq!(
            header(&first, "cache-control"),
            "private, no-cache",
            "{path}"
        );
        let etag = header(&first, "etag");
        assert!(etag.ends_with('"') && !etag.is_empty(), "{path}: {etag}");
        if path.ends_with("data-sources") {
            assert!(etag.starts_with("W/\""), "a list's ETag is weak: {etag}");
        } else {
            assert!(etag.starts_with('"'), "a detail's ETag is strong: {etag}");
        }

        let revalidated = app
            .get_with(&path, Some(&owner.token), &[("If-None-Match", &etag)])
            .await;
        assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED, "{path}");
        assert_eq!(header(&revalidated, "etag"), etag);
        assert_eq!(header(&revalidated, "cache-control"), "private, no-cache");
        assert!(revalidated.bytes().await.unwrap().is_empty());

        let stale = app
            .get_with(
                &path,
                Some(&owner.token),
                &[("If-None-Match", "\"0-0000000000000000\"")],
            )
            .await;
        assert_eq!(stale.status(), StatusCode::OK, "{path}");
    }

    // A change gives a new ETag, so the old one no longer matches.
    let path = format!("/api/v1/data-sources/{data_source}");
    let etag = header(&app.get(&path, &owner.token).await, "etag");
    sqlx::query("update rm_data_sources set name = 'Lake', version = version + 1 where id = $1")
        .bind(data_source)
        .execute(&app.pool)
        .await
        .unwrap();
    let changed = app
        .get_with(&path, Some(&owner.token), &[("If-None-Match", &etag)])
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    assert!(header(&changed, "etag").starts_with("\"2-"));
}
