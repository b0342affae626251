//! Every read is filtered for its caller.

use reqwest::StatusCode;
use serde_json::Value;
use uuid::Uuid;
use vizpro_events::Role;

use crate::harness::{TestApp, TestUser, assert_problem, spawn_app};

/// One resource of each kind owned by `owner`, all named with `name`, and a dashboard showing the chart.
struct Owned {
    data_source: Uuid,
    dataset: Uuid,
    chart: Uuid,
    dashboard: Uuid,
    slug: String,
}

async fn owned_resources(app: &TestApp, owner: &TestUser, name: &str) -> Owned {
    let data_source = app.insert_data_source(owner.id, name).await;
    let dataset = app.insert_dataset(owner.id, name).await;
    let chart = app.insert_chart(owner.id, dataset, name).await;
    let slug = format!(
        "{}-{}",
        name.to_lowercase().replace(' ', "-"),
        &Uuid::new_v4().simple().to_string()[..6]
    );
    let dashboard = app.insert_dashboard(owner.id, name, &slug).await;
    app.insert_tile(dashboard, chart, 0, 0).await;
    Owned {
        data_source,
        dataset,
        chart,
        dashboard,
        slug,
    }
}

const LISTS: [&str; 4] = ["data-sources", "datasets", "charts", "dashboards"];

fn detail_paths(owned: &Owned) -> Vec<String> {
    vec![
        format!("/api/v1/data-sources/{}", owned.data_source),
        format!("/api/v1/datasets/{}", owned.dataset),
        format!("/api/v1/charts/{}", owned.chart),
        format!("/api/v1/dashboards/{}", owned.dashboard),
        format!("/api/v1/dashboards/by-slug/{}", owned.slug),
    ]
}

#[tokio::test]
async fn a_user_never_sees_another_users_private_resources_in_any_list_detail_search_or_dashboard()
{
    let app = spawn_app().await;
    let alice = app.user(Role::Editor).await;
    let bob = app.user(Role::Editor).await;
    let private = owned_resources(&app, &alice, "Secret plans").await;
    let own = owned_resources(&app, &bob, "Bob things").await;

    for list in LISTS {
        for query in ["", "?q=secret", "?owner=others", "?owner=any&sort=name"] {
            let ids = app
                .list_ids(&format!("/api/v1/{list}{query}"), &bob.token)
                .await;
            assert!(
                !ids.contains(&private.data_source)
                    && !ids.contains(&private.dataset)
                    && !ids.contains(&private.chart)
                    && !ids.contains(&private.dashboard),
                "{list}{query} shows another user's private resource"
            );
        }
        let own_ids = app.list_ids(&format!("/api/v1/{list}"), &bob.token).await;
        assert_eq!(
            own_ids.len(),
            1,
            "{list} shows exactly the caller's own resource"
        );
    }
    for path in detail_paths(&private) {
        let body = assert_problem(app.get(&path, &bob.token).await, StatusCode::NOT_FOUND).await;
        assert_eq!(body["type"], "urn:vizpro:problem:not-found");
        assert!(!body.to_string().contains("Secret plans"), "{body}");
    }
    for path in detail_paths(&own) {
        let body = app.get_json(&path, &bob.token).await;
        assert_eq!(body["access"], "edit", "{path}");
    }
    for path in detail_paths(&private) {
        let body = app.get_json(&path, &alice.token).await;
        assert_eq!(body["name"], "Secret plans", "{path}");
    }
}

#[tokio::test]
async fn a_grant_to_the_user_or_to_their_role_makes_the_resource_visible_with_the_right_access() {
    let app = spawn_app().await;
    let owner = app.user(Role::Editor).await;
    let viewer = app.user(Role::Viewer).await;
    let stranger = app.user(Role::Viewer).await;
    let editor = app.user(Role::Editor).await;
    let by_user = owned_resources(&app, &owner, "Shared with a user").await;
    let by_role = owned_resources(&app, &owner, "Shared with a role").await;
    for id in [
        by_user.data_source,
        by_user.dataset,
        by_user.chart,
        by_user.dashboard,
    ] {
        app.grant(id, "user", &viewer.id.to_string(), "view").await;
        app.grant(id, "user", &editor.id.to_string(), "edit").await;
    }
    for id in [
        by_role.data_source,
        by_role.dataset,
        by_role.chart,
        by_role.dashboard,
    ] {
        app.grant(id, "role", "viewer", "view").await;
        app.grant(id, "role", "editor", "edit").await;
    }

    for list in LISTS {
        let body = app
            .get_json(&format!("/api/v1/{list}?sort=name"), &viewer.token)
            .await;
        let accesses: Vec<(&str, &str)> = body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| {
                (
                    item["name"].as_str().unwrap(),
                    item["access"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            accesses,
            [
                ("Shared with a role", "view"),
                ("Shared with a user", "view")
            ],
            "{list}"
        );
        let body = app
            .get_json(&format!("/api/v1/{list}"), &editor.token)
            .await;
        assert!(
            body["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|item| item["access"] == "edit"),
            "{list}: {body}"
        );
        let stranger_ids = app
            .list_ids(&format!("/api/v1/{list}"), &stranger.token)
            .await;
        assert_eq!(
            stranger_ids.len(),
            1,
            "{list}: only the role grant reaches another viewer"
        );
    }

    for path in detail_paths(&by_user) {
        let body = app.get_json(&path, &viewer.token).await;
        assert_eq!(body["access"], "view", "{path}");
        assert!(
            body.get("grants").is_none(),
            "grants are only shown to editors: {path}: {body}"
        );
        let body = app.get_json(&path, &editor.token).await;
        assert_eq!(body["access"], "edit", "{path}");
        let grants = body["grants"]
            .as_array()
            .expect("an editor sees the grants");
        assert_eq!(grants.len(), 2, "{path}: {body}");
        assert_problem(app.get(&path, &stranger.token).await, StatusCode::NOT_FOUND).await;
    }
}

#[tokio::test]
async fn admins_and_auditors_see_every_resource_that_is_not_deleted() {
    let app = spawn_app().await;
    let owner = app.user(Role::Editor).await;
    let admin = app.user(Role::Admin).await;
    let auditor = app.user(Role::Auditor).await;
    let owned = owned_resources(&app, &owner, "Private").await;
    for (reader, access) in [(&admin, "edit"), (&auditor, "view")] {
        for list in LISTS {
            let body = app
                .get_json(&format!("/api/v1/{list}"), &reader.token)
                .await;
            assert_eq!(body["items"][0]["access"], access, "{list}: {body}");
        }
        for path in detail_paths(&owned) {
            assert_eq!(
                app.get_json(&path, &reader.token).await["access"],
                access,
                "{path}"
            );
        }
    }
}

#[tokio::test]
async fn deleted_resources_are_gone_from_lists_and_details() {
    let app = spawn_app().await;
    let owner = app.user(Role::Editor).await;
    let admin = app.user(Role::Admin).await;
    let owned = owned_resources(&app, &owner, "Soon gone").await;
    for path in detail_paths(&owned) {
        app.get_json(&path, &owner.token).await;
    }
    app.delete("rm_data_sources", owned.data_source).await;
    app.delete("rm_datasets", owned.dataset).await;
    app.delete("rm_charts", owned.chart).await;
    app.delete("rm_dashboards", owned.dashboard).await;
    app.bump_generation(owned.dashboard).await;
    let dashboard_path = format!("/api/v1/dashboards/{}", owned.dashboard);
    assert_problem(
        app.first_read_after_the_bump(&dashboard_path, &owner.token)
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;

    for reader in [&owner, &admin] {
        for list in LISTS {
            let ids = app
                .list_ids(&format!("/api/v1/{list}"), &reader.token)
                .await;
            assert!(ids.is_empty(), "{list} still lists a deleted resource");
        }
        for path in detail_paths(&owned) {
            assert_problem(app.get(&path, &reader.token).await, StatusCode::NOT_FOUND).await;
        }
    }
}

#[tokio::test]
async fn admins_see_every_account_and_everyone_else_a_directory_of_active_accounts() {
    let app = spawn_app().await;
    let admin = app.user_named(Role::Admin, "Ada Admin").await;
    let editor = app.user_named(Role::Editor, "Eve Editor").await;
    let gone = app.user_named(Role::Viewer, "Gone Viewer").await;
    sqlx::query("update rm_users set deactivated = true where user_id = $1")
        .bind(gone.id)
        .execute(&app.pool)
        .await
        .unwrap();

    let everyone = app.get_json("/api/v1/users?sort=name", &admin.token).await;
    let names: Vec<&str> = everyone["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|user| user["display_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Ada Admin", "Eve Editor", "Gone Viewer"]);
    assert!(everyone["items"][2]["email"].is_string());
    assert_eq!(everyone["items"][2]["deactivated"], true);

    let directory = app.get_json("/api/v1/users?sort=name", &editor.token).await;
    let entries = directory["items"].as_array().unwrap();
    assert_eq!(
        entries.len(),
        2,
        "deactivated users are not in the directory: {directory}"
    );
    for entry in entries {
        let mut keys: Vec<&str> = entry
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(keys, ["display_name", "id"], "{entry}");
    }

    let me = app.get_json("/api/v1/users/me", &editor.token).await;
    assert_eq!(me["id"], Value::String(editor.id.to_string()));
    assert_eq!(me["role"], "editor");
    assert_eq!(me["display_name"], "Eve Editor");
    assert!(me["email"].is_string() && me.get("last_sign_in").is_some());
}

#[tokio::test]
async fn viewers_and_auditors_holding_an_edit_grant_are_told_they_may_only_view() {
    let app = spawn_app().await;
    let owner = app.user(Role::Editor).await;
    let viewer = app.user(Role::Viewer).await;
    let auditor = app.user(Role::Auditor).await;
    let resources = owned_resources(&app, &owner, "Edit grant to a reader").await;
    for id in [
        resources.data_source,
        resources.dataset,
        resources.chart,
        resources.dashboard,
    ] {
        app.grant(id, "user", &viewer.id.to_string(), "edit").await;
        app.grant(id, "role", "auditor", "edit").await;
    }
    for reader in [&viewer, &auditor] {
        for list in LISTS {
            let body = app
                .get_json(&format!("/api/v1/{list}"), &reader.token)
                .await;
            let items = body["items"].as_array().unwrap();
            assert!(!items.is_empty(), "{list}: {body}");
            assert!(
                items.iter().all(|item| item["access"] == "view"),
                "{list}: the answer says what the caller can actually do: {body}"
            );
        }
    }
}
