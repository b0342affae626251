//! Charts over external databases: a PostgreSQL table and a MySQL (MariaDB) query on loopback, read live
//! through the chart engine with the connection opened from its sealed details.

use std::process::Command;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::{Connection, PgConnection};
use uuid::Uuid;

use crate::harness::{Platform, column, start};

/// A password no one would guess; it must never show up outside the sealed details.
const SOURCE_PASSWORD: &str = "s3cret-Reader-Passw0rd";

/// A PostgreSQL database of its own on loopback with a `sales` table; returns its name.
async fn postgres_source_database() -> String {
    let name = format!("vizpro_test_{}", Uuid::new_v4().simple());
    let mut admin = PgConnection::connect("postgres://postgres@127.0.0.1:5432/postgres")
        .await
        .unwrap();
    sqlx::query(&format!("create database {name}"))
        .execute(&mut admin)
        .await
        .unwrap();
    let mut database = PgConnection::connect(&format!("postgres://postgres@127.0.0.1:5432/{name}"))
        .await
        .unwrap();
    for statement in [
        "create table sales (region text, amount bigint, sold_at timestamptz not null)",
        "insert into sales values ('north', 10, '2026-01-01T10:00:00Z'), ('north', 15, '2026-01-02T10:00:00Z'), \
         ('south', 7, '2026-01-03T10:00:00Z'), (null, 1, '2026-01-04T10:00:00Z')",
        "create view big_sales as select * from sales where amount > 8",
    ] {
        sqlx::query(statement).execute(&mut database).await.unwrap();
    }
    name
}

/// Runs SQL in MariaDB on loopback as root.
fn mariadb(sql: &str) {
    let output = Command::new("mysql")
        .args(["-h", "127.0.0.1", "-P", "3306", "-u", "root", "-e", sql])
        .output()
        .expect("the mysql client runs");
    assert!(
        output.status.success(),
        "MariaDB refused {sql}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A MariaDB database of its own with an `orders` table and a user that may only read it; returns the
/// database and user names.
fn mariadb_source_database() -> (String, String) {
    let suffix = Uuid::new_v4().simple().to_string();
    let database = format!("vizpro_test_{suffix}");
    let user = format!("reader_{}", &suffix[..12]);
    mariadb(&format!(
        "create database {database}; \
         create table {database}.orders (product varchar(40), quantity int, price double); \
         insert into {database}.orders values ('apple', 3, 0.5), ('apple', 2, 0.5), ('pear', 1, 0.75), ('plum', 0, 1.0); \
         create user '{user}'@'%' identified by '{SOURCE_PASSWORD}'; \
         grant select on {database}.* to '{user}'@'%';"
    ));
    (database, user)
}

async fn create_source(platform: &Platform, token: &str, kind: &str, connection: Value) -> Value {
    platform
        .write(
            Method::POST,
            "/api/v1/data-sources",
            token,
            json!({"name": format!("{kind} warehouse"), "kind": kind, "connection": connection}),
        )
        .await
}

/// A dataset over `source` and a chart over it; answers the chart's id and the position to read at.
async fn chart_over(
    platform: &Platform,
    token: &str,
    source: Value,
    chart_type: &str,
    query: Value,
) -> (String, i64) {
    let dataset = platform
        .write(
            Method::POST,
            "/api/v1/datasets",
            token,
            json!({"name": "External", "source": source}),
        )
        .await;
    platform
        .create_chart(token, &dataset["id"], "External chart", chart_type, query)
        .await
}

#[tokio::test]
async fn a_postgres_table_is_browsed_and_charted_live() {
    let platform = start("redis://127.0.0.1:6379").await;
    let (_, token) = platform.user("editor@example.com").await;
    let database = postgres_source_database().await;
    let source = create_source(
        &platform,
        &token,
        "postgres",
        json!({"host": "127.0.0.1", "port": 5432, "database": database, "username": "postgres",
               "password": SOURCE_PASSWORD, "ssl_mode": "disable"}),
    )
    .await;
    let source_id = source["id"].as_str().unwrap();
    let position = source["position"].as_i64();

    let status = platform
        .get(
            &format!("/api/v1/data-sources/{source_id}/status"),
            &token,
            position,
        )
        .await;
    assert_eq!(status.status, StatusCode::OK, "{}", status.body);
    assert_eq!(status.body["reachable"], true);
    // Someone the data source is not shared with cannot even learn that it exists.
    let (_, stranger) = platform.user("stranger@example.com").await;
    for path in ["status", "tables"] {
        let answer = platform
            .get(
                &format!("/api/v1/data-sources/{source_id}/{path}"),
                &stranger,
                None,
            )
            .await;
        assert_eq!(
            answer.status,
            StatusCode::NOT_FOUND,
            "{path}: {}",
            answer.body
        );
    }

    let tables = platform
        .get(
            &format!("/api/v1/data-sources/{source_id}/tables"),
            &token,
            None,
        )
        .await;
    assert_eq!(tables.status, StatusCode::OK, "{}", tables.body);
    let listed: Vec<(String, String)> = tables.body["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|table| {
            (
                table["name"].as_str().unwrap().to_owned(),
                table["kind"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        vec![
            ("big_sales".to_owned(), "view".to_owned()),
            ("sales".to_owned(), "table".to_owned())
        ]
    );
    let sales_columns: Vec<&str> = tables.body["tables"][1]["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|column| column["name"].as_str().unwrap())
        .collect();
    assert_eq!(sales_columns, vec!["region", "amount", "sold_at"]);

    let (chart, position) = chart_over(
        &platform,
        &token,
        json!({"kind": "table", "data_source_id": source_id, "schema": "public", "table": "sales"}),
        "bar",
        json!({"mode": "builder",
               "dimensions": [{"column": "region"}],
               "measures": [{"aggregate": "sum", "column": "amount", "alias": "total"}],
               "filters": [{"column": "amount", "op": "gte", "value": 5}],
               "sort": [{"by": "region", "direction": "asc"}]}),
    )
    .await;
    let data = platform
        .get(
            &format!("/api/v1/charts/{chart}/data"),
            &token,
            Some(position),
        )
        .await;
    assert_eq!(data.status, StatusCode::OK, "{}", data.body);
    assert_eq!(data.body["dataset_version"], 0);
    assert_eq!(
        column(&data.body, "region"),
        vec![json!("north"), json!("south")]
    );
    assert_eq!(column(&data.body, "total"), vec![json!(25), json!(7)]);

    // A second chart over the same database reads through the connections the first one opened: they
    // stay open between queries, and browsing and both charts together never hold more than one pool's.
    let (second_chart, position) = chart_over(
        &platform,
        &token,
        json!({"kind": "query", "data_source_id": source_id,
               "sql": "select region, amount from sales where region is not null"}),
        "table",
        json!({"mode": "builder", "dimensions": [{"column": "region"}],
               "measures": [{"aggregate": "count", "alias": "sales"}],
               "sort": [{"by": "region", "direction": "asc"}]}),
    )
    .await;
    let data = platform
        .get(
            &format!("/api/v1/charts/{second_chart}/data"),
            &token,
            Some(position),
        )
        .await;
    assert_eq!(data.status, StatusCode::OK, "{}", data.body);
    assert_eq!(column(&data.body, "sales"), vec![json!(2), json!(1)]);
    let mut server = PgConnection::connect("postgres://postgres@127.0.0.1:5432/postgres")
        .await
        .unwrap();
    let open: i64 = sqlx::query_scalar(
        "select count(*) from pg_stat_activity where datname = $1 and application_name = 'vizpro'",
    )
    .bind(&database)
    .fetch_one(&mut server)
    .await
    .unwrap();
    assert!(
        (1..=2).contains(&open),
        "{open} connections are open to the source"
    );

    // The password was sealed before it reached an event, and no answer carries it.
    let mut events = PgConnection::connect(&platform.database_url).await.unwrap();
    let leaked: i64 =
        sqlx::query_scalar("select count(*) from events where payload::text like '%' || $1 || '%'")
            .bind(SOURCE_PASSWORD)
            .fetch_one(&mut events)
            .await
            .unwrap();
    assert_eq!(leaked, 0);
    let detail = platform
        .get(&format!("/api/v1/data-sources/{source_id}"), &token, None)
        .await;
    assert!(!detail.body.to_string().contains(SOURCE_PASSWORD));
    assert!(detail.body.get("sealed_connection").is_none());
}

#[tokio::test]
async fn a_mysql_query_is_charted_and_can_never_write() {
    let platform = start("redis://127.0.0.1:6379").await;
    let (_, token) = platform.user("editor@example.com").await;
    let (database, user) = mariadb_source_database();
    let source = create_source(
        &platform,
        &token,
        "mysql",
        json!({"host": "127.0.0.1", "port": 3306, "database": database, "username": user,
               "password": SOURCE_PASSWORD, "ssl_mode": "disable"}),
    )
    .await;
    let source_id = source["id"].as_str().unwrap();

    let (chart, position) = chart_over(
        &platform,
        &token,
        json!({"kind": "query", "data_source_id": source_id,
               "sql": "select product, quantity * price as revenue from orders where quantity > 0"}),
        "pie",
        json!({"mode": "builder",
               "dimensions": [{"column": "product"}],
               "measures": [{"aggregate": "sum", "column": "revenue", "alias": "revenue"}],
               "sort": [{"by": "revenue", "direction": "desc"}]}),
    )
    .await;
    let data = platform
        .get(
            &format!("/api/v1/charts/{chart}/data"),
            &token,
            Some(position),
        )
        .await;
    assert_eq!(data.status, StatusCode::OK, "{}", data.body);
    assert_eq!(
        column(&data.body, "product"),
        vec![json!("apple"), json!("pear")]
    );
    assert_eq!(column(&data.body, "revenue"), vec![json!(2.5), json!(0.75)]);

    // A query that would write is refused when the dataset is saved, naming the field.
    for sql in [
        "delete from orders",
        "select 1; delete from orders",
        "update orders set quantity = 0",
    ] {
        let refused = platform
            .call(
                Method::POST,
                "/api/v1/datasets",
                Some(&token),
                Some(json!({"name": "Writes", "source": {"kind": "query", "data_source_id": source_id, "sql": sql}})),
                None,
            )
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{sql}: {}",
            refused.body
        );
        assert_eq!(refused.body["errors"][0]["field"], "source.sql", "{sql}");
    }
    let counted = Command::new("mysql")
        .args([
            "-h",
            "127.0.0.1",
            "-u",
            "root",
            "-N",
            "-e",
            &format!("select count(*), sum(quantity) from {database}.orders"),
        ])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&counted.stdout).trim(), "4\t6");

    let wrong_password = create_source(
        &platform,
        &token,
        "mysql",
        json!({"host": "127.0.0.1", "port": 3306, "database": database, "username": user,
               "password": "not-the-password", "ssl_mode": "disable"}),
    )
    .await;
    let refused = platform
        .get(
            &format!(
                "/api/v1/data-sources/{}/status",
                wrong_password["id"].as_str().unwrap()
            ),
            &token,
            wrong_password["position"].as_i64(),
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(!refused.body.to_string().contains("not-the-password"));
}

#[tokio::test]
async fn a_source_that_does_not_answer_is_a_clear_problem_not_a_hang() {
    let platform = start("redis://127.0.0.1:6379").await;
    let (_, token) = platform.user("editor@example.com").await;
    // Nothing listens on a port just closed again.
    let closed_port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    // A listener that accepts and then says nothing, like a database behind a stuck proxy.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_port = silent.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in silent.incoming().flatten() {
            held.push(stream);
        }
    });

    let mut unreachable_details = Vec::new();
    for (host, port, expected) in [
        ("127.0.0.1", closed_port, StatusCode::BAD_GATEWAY),
        ("no-such-host.invalid", 5432, StatusCode::BAD_GATEWAY),
        ("127.0.0.1", silent_port, StatusCode::GATEWAY_TIMEOUT),
    ] {
        let source = create_source(
            &platform,
            &token,
            "postgres",
            json!({"host": host, "port": port, "database": "nowhere", "username": "nobody",
                   "password": SOURCE_PASSWORD, "ssl_mode": "disable"}),
        )
        .await;
        let source_id = source["id"].as_str().unwrap();
        let (chart, position) = chart_over(
            &platform,
            &token,
            json!({"kind": "table", "data_source_id": source_id, "table": "sales"}),
            "bar",
            json!({"mode": "builder", "dimensions": [], "measures": [{"aggregate": "count"}]}),
        )
        .await;
        let answer = platform
            .get(
                &format!("/api/v1/charts/{chart}/data"),
                &token,
                Some(position),
            )
            .await;
        assert_eq!(answer.status, expected, "{host}:{port}: {}", answer.body);
        assert_eq!(answer.headers["content-type"], "application/problem+json");
        if expected == StatusCode::BAD_GATEWAY {
            unreachable_details.push(answer.body["detail"].clone());
        }
        // A 504 from the connect timeout (3 seconds here), not the request timeout's 503: the chart
        // says its source did not answer instead of waiting for the operating system to give up.
        assert!(!answer.body.to_string().contains(SOURCE_PASSWORD));
    }
    // A closed port and a name that does not resolve read alike: the answer says nothing a port scan
    // could use, nor where the source is.
    assert_eq!(unreachable_details[0], unreachable_details[1]);
    let detail = unreachable_details[0].to_string();
    for telling in ["refused", "resolve", "127.0.0.1", "no-such-host", "route"] {
        assert!(!detail.contains(telling), "{detail}");
    }
}

#[tokio::test]
async fn a_source_pointing_at_the_cloud_metadata_service_is_refused_before_any_connection() {
    let platform = start("redis://127.0.0.1:6379").await;
    let (_, token) = platform.user("editor@example.com").await;
    // Loopback is allowed for these tests, but link-local addresses are not, whatever the port, nor
    // however an IPv6 address embeds them, nor this server's own addresses on its other interfaces.
    let mut hosts: Vec<String> = [
        "169.254.169.254",
        "[fe80::1]",
        "[::169.254.169.254]",
        "[::ffff:169.254.169.254]",
        "[64:ff9b::a9fe:a9fe]",
        "[2002:a9fe:a9fe::1]",
    ]
    .iter()
    .map(|host| (*host).to_owned())
    .collect();
    hosts.extend(
        if_addrs::get_if_addrs()
            .unwrap()
            .iter()
            .filter(|interface| !interface.is_loopback())
            .map(|interface| interface.ip().to_string()),
    );
    for host in hosts.iter().map(String::as_str) {
        let source = create_source(
            &platform,
            &token,
            "postgres",
            json!({"host": host.trim_matches(['[', ']']), "port": 80, "database": "latest",
                   "username": "meta", "password": SOURCE_PASSWORD, "ssl_mode": "disable"}),
        )
        .await;
        let source_id = source["id"].as_str().unwrap();
        let started = std::time::Instant::now();
        let status = platform
            .get(
                &format!("/api/v1/data-sources/{source_id}/status"),
                &token,
                source["position"].as_i64(),
            )
            .await;
        assert_eq!(
            status.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{host}: {}",
            status.body
        );
        let problem = status.body.to_string();
        assert!(problem.contains("connection.host"), "{problem}");
        assert!(
            problem.contains("does not let data sources reach"),
            "{problem}"
        );
        assert!(!problem.contains(SOURCE_PASSWORD));
        // Refused on the address alone, not after waiting for a connection to time out.
        assert!(started.elapsed() < std::time::Duration::from_secs(2));

        let (chart, position) = chart_over(
            &platform,
            &token,
            json!({"kind": "table", "data_source_id": source_id, "table": "instance"}),
            "table",
            json!({"mode": "builder", "dimensions": [], "measures": [{"aggregate": "count"}]}),
        )
        .await;
        let data = platform
            .get(
                &format!("/api/v1/charts/{chart}/data"),
                &token,
                Some(position),
            )
            .await;
        assert_eq!(
            data.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            data.body
        );
    }
}
