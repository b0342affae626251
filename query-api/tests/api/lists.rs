//! Cursor pagination, sorting, search and filters.

use std::cmp::Reverse;

use chrono::{DateTime, Duration, TimeZone, Utc};
use reqwest::StatusCode;
use serde_json::Value;
use uuid::Uuid;
use vizpro_events::Role;

use crate::harness::{assert_problem, ids, spawn_app};

/// A data source as the test expects it to be ordered.
#[derive(Debug, Clone)]
struct Expected {
    id: Uuid,
    name: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[tokio::test]
async fn cursor_pagination_walks_every_visible_item_exactly_once_in_the_requested_order_for_each_sort()
 {
    let app = spawn_app().await;
    let reader = app.user(Role::Editor).await;
    let other = app.user(Role::Editor).await;
    let base = Utc.with_ymd_and_hms(2024, 3, 1, 12, 0, 0).unwrap();
    let mut visible = Vec::new();
    for index in 0..17_i64 {
        // Names, creation and update times repeat so that the id has to break ties.
        let name = format!("Source {:02}", index % 7);
        let created_at = base + Duration::minutes(index % 5) + Duration::microseconds(index % 2);
        let updated_at = base + Duration::seconds(index % 4);
        let owner = if index % 3 == 0 { other.id } else { reader.id };
        let id = app
            .insert_data_source_at(owner, &name, created_at, updated_at)
            .await;
        if owner == other.id {
            if index % 2 == 0 {
                app.grant(id, "user", &reader.id.to_string(), "view").await;
            } else {
                continue;
            }
        }
        visible.push(Expected {
            id,
            name,
            created_at,
            updated_at,
        });
    }
    let deleted = app
        .insert_data_source_at(reader.id, "Source 03", base, base)
        .await;
    app.delete("rm_data_sources", deleted).await;

    for sort in [
        "name",
        "-name",
        "created_at",
        "-created_at",
        "updated_at",
        "-updated_at",
    ] {
        let mut expected = visible.clone();
        match sort {
            "name" => expected.sort_by(|a, b| (&a.name, a.id).cmp(&(&b.name, b.id))),
            "-name" => expected.sort_by_key(|item| Reverse((item.name.clone(), item.id))),
            "created_at" => expected.sort_by_key(|item| (item.created_at, item.id)),
            "-created_at" => expected.sort_by_key(|item| Reverse((item.created_at, item.id))),
            "updated_at" => expected.sort_by_key(|item| (item.updated_at, item.id)),
            _ => expected.sort_by_key(|item| Reverse((item.updated_at, item.id))),
        }
        let expected: Vec<Uuid> = expected.into_iter().map(|item| item.id).collect();

        let mut walked = Vec::new();
        let mut cursor: Option<String> = None;
        let mut pages = 0;
        loop {
            let mut path = format!("/api/v1/data-sources?limit=3&sort={sort}");
            if let Some(cursor) = &cursor {
                path.push_str(&format!("&cursor={cursor}"));
            }
            let page = app.get_json(&path, &reader.token).await;
            let items = ids(&page["items"]);
            assert!(items.len() <= 3);
            walked.extend(items);
            pages += 1;
            match &page["next_cursor"] {
                Value::String(next) => cursor = Some(next.clone()),
                Value::Null => break,
                other => panic!("next_cursor is {other}"),
            }
            assert!(pages < 20, "the walk does not end");
        }
        assert_eq!(walked, expected, "sort {sort}");
    }

    let everything = app
        .get_json("/api/v1/data-sources?limit=200", &reader.token)
        .await;
    assert_eq!(ids(&everything["items"]).len(), visible.len());
    assert_eq!(everything["next_cursor"], Value::Null);
}

#[tokio::test]
async fn a_bad_cursor_or_a_cursor_of_another_sort_order_is_a_400() {
    let app = spawn_app().await;
    let reader = app.user(Role::Editor).await;
    for index in 0..3 {
        app.insert_data_source(reader.id, &format!("Source {index}"))
            .await;
    }
    let page = app
        .get_json("/api/v1/data-sources?limit=1&sort=name", &reader.token)
        .await;
    let cursor = page["next_cursor"].as_str().unwrap().to_owned();
    for path in [
        "/api/v1/data-sources?cursor=not-a-cursor!".to_owned(),
        "/api/v1/data-sources?cursor=eyJmb28iOjF9".to_owned(),
        format!("/api/v1/data-sources?sort=-created_at&cursor={cursor}"),
        format!(
            "/api/v1/charts?sort=name&cursor={}x",
            &cursor[..cursor.len() - 2]
        ),
    ] {
        let body =
            assert_problem(app.get(&path, &reader.token).await, StatusCode::BAD_REQUEST).await;
        assert_eq!(body["parameter"], "cursor", "{path}: {body}");
    }
}

#[tokio::test]
async fn search_by_name_finds_case_insensitively_and_treats_percent_and_underscore_literally() {
    let app = spawn_app().await;
    let reader = app.user(Role::Editor).await;
    let dataset = app.insert_dataset(reader.id, "Orders").await;
    let mut charts = std::collections::HashMap::new();
    for name in [
        "100% Growth",
        "100 Growth",
        "a_b chart",
        "axb chart",
        "Revenue",
        "REVENUE by month",
        r"back\slash",
    ] {
        charts.insert(name, app.insert_chart(reader.id, dataset, name).await);
    }
    let search = |q: &'static str| {
        let app = &app;
        let token = reader.token.clone();
        async move {
            let mut found = app
                .list_ids(&format!("/api/v1/charts?q={}", urlencode(q)), &token)
                .await;
            found.sort();
            found
        }
    };
    let expect = |names: &[&str]| {
        let mut expected: Vec<Uuid> = names.iter().map(|name| charts[name]).collect();
        expected.sort();
        expected
    };
    assert_eq!(
        search("revenue").await,
        expect(&["Revenue", "REVENUE by month"])
    );
    assert_eq!(search("rEvEnUe BY").await, expect(&["REVENUE by month"]));
    assert_eq!(search("%").await, expect(&["100% Growth"]));
    assert_eq!(search("0%").await, expect(&["100% Growth"]));
    assert_eq!(search("_").await, expect(&["a_b chart"]));
    assert_eq!(search("a_b").await, expect(&["a_b chart"]));
    assert_eq!(search(r"\").await, expect(&[r"back\slash"]));
    assert_eq!(search("nothing like it").await, expect(&[]));

    let too_long = "x".repeat(201);
    let body = assert_problem(
        app.get(&format!("/api/v1/charts?q={too_long}"), &reader.token)
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(body["parameter"], "q");
}

#[tokio::test]
async fn the_owner_and_dataset_filters_narrow_a_list() {
    let app = spawn_app().await;
    let reader = app.user(Role::Editor).await;
    let other = app.user(Role::Editor).await;
    let orders = app.insert_dataset(reader.id, "Orders").await;
    let visits = app.insert_dataset(other.id, "Visits").await;
    app.grant(visits, "user", &reader.id.to_string(), "view")
        .await;
    let mine = app.insert_chart(reader.id, orders, "Mine").await;
    let shared = app.insert_chart(other.id, visits, "Shared").await;
    app.grant(shared, "user", &reader.id.to_string(), "view")
        .await;

    assert_eq!(
        app.list_ids("/api/v1/charts?owner=me", &reader.token).await,
        [mine]
    );
    assert_eq!(
        app.list_ids("/api/v1/charts?owner=others", &reader.token)
            .await,
        [shared]
    );
    assert_eq!(
        app.list_ids("/api/v1/charts?owner=any", &reader.token)
            .await
            .len(),
        2
    );
    assert_eq!(
        app.list_ids(
            &format!("/api/v1/charts?dataset_id={visits}"),
            &reader.token
        )
        .await,
        [shared]
    );
    assert_eq!(
        app.list_ids("/api/v1/datasets?owner=others", &reader.token)
            .await,
        [visits]
    );
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'~' => {
                (byte as char).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}
