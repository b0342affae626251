//! Demo content for a first look: an admin account, a data source, datasets, charts and a dashboard,
//! created through the public API like any client would, and only when the demo account does not exist.

use serde_json::{Value, json};

/// The demo account. The password is only for a local first look; set `VIZPRO_DEMO_PASSWORD` otherwise.
const DEMO_EMAIL: &str = "admin@vizpro.local";

pub async fn seed(base: String) {
    let password =
        std::env::var("VIZPRO_DEMO_PASSWORD").unwrap_or_else(|_| "vizpro-demo-password".to_owned());
    match seed_with(&base, &password).await {
        Ok(true) => tracing::info!(
            email = DEMO_EMAIL,
            "demo content created; sign in with the demo account"
        ),
        Ok(false) => tracing::info!(
            email = DEMO_EMAIL,
            "demo account exists; demo content left as it is"
        ),
        Err(error) => tracing::warn!(
            error = format!("{error:#}"),
            "could not create the demo content"
        ),
    }
}

async fn seed_with(base: &str, password: &str) -> anyhow::Result<bool> {
    let client = reqwest::Client::new();
    let api = format!("{base}/api/v1");
    let registered = client
        .post(format!("{api}/auth/register"))
        .json(&json!({"email": DEMO_EMAIL, "password": password, "display_name": "Demo Admin"}))
        .send()
        .await?;
    if registered.status() == reqwest::StatusCode::CONFLICT {
        return Ok(false);
    }
    anyhow::ensure!(
        registered.status().is_success(),
        "registering the demo account: {}",
        registered.status()
    );
    let session: Value = client
        .post(format!("{api}/auth/login"))
        .json(&json!({"email": DEMO_EMAIL, "password": password}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let token = session["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let post = |path: &str, body: Value| {
        let request = client
            .post(format!("{api}{path}"))
            .bearer_auth(&token)
            .json(&body);
        async move {
            let response = request.send().await?.error_for_status()?;
            anyhow::Ok(response.json::<Value>().await?)
        }
    };

    post("/data-sources", json!({"name": "Spreadsheets", "kind": "upload", "description": "CSV files uploaded by the team"})).await?;
    let orders = post(
        "/datasets",
        json!({"name": "Orders", "description": "One row per order", "source": {"kind": "upload"}}),
    )
    .await?;
    let dataset_id = orders["id"].clone();
    upload_demo_orders(
        &client,
        &format!(
            "{api}/datasets/{}/versions",
            dataset_id.as_str().unwrap_or_default()
        ),
        &token,
    )
    .await?;
    let charts = [
        (
            "Revenue by month",
            "bar",
            json!({"dimensions": [{"column": "ordered_at", "time_bucket": "month"}], "measures": [{"aggregate": "sum", "column": "amount", "alias": "revenue"}]}),
        ),
        (
            "Orders per day",
            "line",
            json!({"dimensions": [{"column": "ordered_at", "time_bucket": "day"}], "measures": [{"aggregate": "count", "alias": "orders"}]}),
        ),
        (
            "Revenue by region",
            "pie",
            json!({"dimensions": [{"column": "region"}], "measures": [{"aggregate": "sum", "column": "amount"}]}),
        ),
        (
            "Total revenue",
            "big_number",
            json!({"dimensions": [], "measures": [{"aggregate": "sum", "column": "amount"}]}),
        ),
    ];
    let mut chart_ids = Vec::new();
    for (name, chart_type, query) in charts {
        let mut query = query;
        query["mode"] = json!("builder");
        query["filters"] = json!([]);
        query["sort"] = json!([]);
        let chart = post("/charts", json!({"dataset_id": dataset_id, "name": name, "chart_type": chart_type, "spec": {"query": query}})).await?;
        chart_ids.push(chart["id"].clone());
    }
    let dashboard = post("/dashboards", json!({"name": "Sales overview", "slug": "sales-overview", "description": "Revenue and orders at a glance"})).await?;
    let dashboard_id = dashboard["id"].as_str().unwrap_or_default().to_owned();
    let cells = [(0, 0, 8, 4), (8, 0, 4, 4), (0, 4, 6, 4), (6, 4, 6, 4)];
    for (chart_id, (x, y, w, h)) in chart_ids.iter().zip(cells) {
        post(
            &format!("/dashboards/{dashboard_id}/tiles"),
            json!({"chart_id": chart_id, "x": x, "y": y, "w": w, "h": h}),
        )
        .await?;
    }
    Ok(true)
}

/// A year of made-up orders up to today, the same on every start, so that the demo charts have data.
fn demo_orders_csv() -> String {
    const REGIONS: [&str; 4] = ["North", "South", "East", "West"];
    const PRODUCTS: [&str; 5] = ["Books", "Games", "Music", "Garden", "Kitchen"];
    let today = chrono::Utc::now().date_naive();
    let mut csv = String::from("ordered_at,region,product,quantity,amount\n");
    // A small linear congruential generator: the demo needs variety, not randomness.
    let mut state: u64 = 0x5eed;
    let mut next = move |bound: u64| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % bound
    };
    for day in (0..365).rev() {
        let date = today - chrono::Duration::days(day);
        let orders = 3 + next(6);
        for _ in 0..orders {
            let region = REGIONS[next(REGIONS.len() as u64) as usize];
            let product = PRODUCTS[next(PRODUCTS.len() as u64) as usize];
            let quantity = 1 + next(5);
            let cents = quantity * (500 + next(9_500));
            csv.push_str(&format!(
                "{date}T{:02}:{:02}:00Z,{region},{product},{quantity},{}.{:02}\n",
                8 + next(12),
                next(60),
                cents / 100,
                cents % 100
            ));
        }
    }
    csv
}

/// Uploads the demo orders as a multipart form, as the browser would.
async fn upload_demo_orders(
    client: &reqwest::Client,
    url: &str,
    token: &str,
) -> anyhow::Result<()> {
    let boundary = format!("vizpro-demo-{}", uuid::Uuid::new_v4().simple());
    let body = format!(
        "--{boundary}\r\ncontent-disposition: form-data; name=\"file\"; filename=\"orders.csv\"\r\ncontent-type: text/csv\r\n\r\n{}\r\n--{boundary}--\r\n",
        demo_orders_csv()
    );
    client
        .post(url)
        .bearer_auth(token)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await?
        .error_for_status()?;
    Ok(())
}
