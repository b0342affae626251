//! What details add to the list items.

use serde_json::Value;
use vizpro_events::Role;

use crate::harness::spawn_app;

#[tokio::test]
async fn a_dataset_detail_carries_its_versions_newest_first() {
    let app = spawn_app().await;
    let owner = app.user(Role::Editor).await;
    let dataset = app.insert_dataset(owner.id, "Orders").await;
    app.insert_dataset_version(dataset, 1).await;
    app.insert_dataset_version(dataset, 2).await;

    let body = app
        .get_json(&format!("/api/v1/datasets/{dataset}"), &owner.token)
        .await;
    assert_eq!(body["latest_version"], 2);
    assert_eq!(body["source"], serde_json::json!({"kind": "upload"}));
    let versions: Vec<i64> = body["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|version| version["dataset_version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, [2, 1]);
    assert_eq!(body["versions"][0]["row_count"], 10);
    assert_eq!(body["grants"], Value::Array(vec![]));

    let list = app.get_json("/api/v1/datasets", &owner.token).await;
    assert!(
        list["items"][0].get("versions").is_none(),
        "lists carry no versions"
    );
    assert!(
        list["items"][0].get("grants").is_none(),
        "lists carry no grants"
    );
}
