use std::net::SocketAddr;

use base64::Engine;
use reqwest::{Method, StatusCode};
use secrecy::SecretString;
use serde_json::{Value, json};
use sqlx::{Connection, PgConnection};
use uuid::Uuid;
use vizpro_events::Role;

pub const PASSWORD: &str = "correct horse battery staple";
const SECRET: &str = "a-test-secret-that-is-long-enough-for-hs256";

pub struct Platform {
    pub base: String,
    pub client: reqwest::Client,
    /// The directory of the object store dataset versions are written to.
    pub object_dir: std::path::PathBuf,
    /// The platform's own database, with the event store.
    pub database_url: String,
}

pub async fn start(redis_url: &str) -> Platform {
    start_with_spa(redis_url, std::env::temp_dir().join("no-spa-here")).await
}

/// Starts the platform serving the SPA built into `spa_dir`.
pub async fn start_with_spa(redis_url: &str, spa_dir: std::path::PathBuf) -> Platform {
    let database = format!("vizpro_test_{}", Uuid::new_v4().simple());
    let mut admin = PgConnection::connect("postgres://postgres@127.0.0.1:5432/postgres")
        .await
        .unwrap();
    sqlx::query(&format!("create database {database}"))
        .execute(&mut admin)
        .await
        .unwrap();
    let database_url = format!("postgres://postgres@127.0.0.1:5432/{database}");
    let suffix = Uuid::new_v4().simple().to_string();
    let prefix = format!("vizpro-test:{suffix}:");
    let command = vizpro_command_api::Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        database_url: database_url.clone(),
        migration_database_url: None,
        database_max_connections: 10,
        nats_url: "nats://127.0.0.1:4222".to_owned(),
        nats_stream: format!("VIZPRO_TEST_{suffix}"),
        nats_subject_prefix: format!("vizpro_test_{suffix}.events"),
        redis_url: redis_url.to_owned(),
        redis_key_prefix: prefix.clone(),
        jwt_secret: SecretString::from(SECRET.to_owned()),
        jwt_issuer: "vizpro".to_owned(),
        access_token_seconds: 900,
        refresh_token_days: 30,
        admin_emails: vec!["admin@example.com".to_owned()],
        default_role: Role::Editor,
        connection_keys: SecretString::from(format!(
            "t:{}",
            base64::engine::general_purpose::STANDARD.encode([9_u8; 32])
        )),
        connection_key_id: "t".to_owned(),
        cors_origins: vec![],
        body_limit_bytes: 64 * 1024,
        request_timeout_seconds: 30,
        auth_rate_per_minute: 100_000,
        user_rate_per_minute: 1_000_000,
        anonymous_rate_per_minute: 1_000_000,
        trust_forwarded_for: false,
        metrics_token: None,
        secure_cookies: true,
        relay: true,
        relay_batch: 500,
        relay_idle_ms: 2,
        nats_stream_max_age_seconds: 0,
        nats_stream_max_bytes: 0,
        object_store_url: format!(
            "file://{}/vizpro-objects-{}-{}",
            std::env::temp_dir().display(),
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default()
                .as_nanos()
        ),
        upload_temp_dir: String::new(),
        max_upload_bytes: 64 * 1024 * 1024,
        max_csv_field_bytes: 1024 * 1024,
        upload_timeout_seconds: 120,
        log_json: true,
    };
    let query = vizpro_query_api::Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        database_url: database_url.clone(),
        database_max_connections: 10,
        redis_url: redis_url.to_owned(),
        redis_key_prefix: prefix.clone(),
        jwt_secret: SecretString::from(SECRET.to_owned()),
        jwt_issuer: "vizpro".to_owned(),
        access_token_seconds: 900,
        cors_origins: vec![],
        request_timeout_seconds: 30,
        user_rate_per_minute: 1_000_000,
        anonymous_rate_per_minute: 1_000_000,
        trust_forwarded_for: false,
        metrics_token: None,
        min_position_wait_ms: 5_000,
        object_store_url: command.object_store_url.clone(),
        query_threads: 2,
        query_memory_mib: 256,
        query_timeout_seconds: 20,
        query_max_rows: 10_000,
        chart_cache_seconds: 600,
        connection_keys: command.connection_keys.clone(),
        connection_key_id: command.connection_key_id.clone(),
        external_connect_timeout_seconds: 3,
        external_cache_seconds: 60,
        // The sources these runs read listen on loopback.
        external_hosts_allowed: vec!["127.0.0.0/8".parse().unwrap()],
        external_hosts_denied: vizpro_chart_engine::DEFAULT_DENIED_NETWORKS
            .split(',')
            .map(|network| vizpro_chart_engine::parse_network(network).unwrap())
            .collect(),
        log_json: true,
    };
    let projector = vizpro_projector::Config {
        database_url,
        migration_database_url: None,
        database_max_connections: 4,
        nats_url: "nats://127.0.0.1:4222".to_owned(),
        nats_stream: format!("VIZPRO_TEST_{suffix}"),
        consumer: "projector".to_owned(),
        redis_url: redis_url.to_owned(),
        redis_key_prefix: prefix.clone(),
        batch: 100,
        log_json: true,
    };
    let query_database_url = query.database_url.clone();
    let object_dir = std::path::PathBuf::from(
        command
            .object_store_url
            .trim_start_matches("file://")
            .to_owned(),
    );
    let router = vizpro::build_with(vizpro::Settings {
        command,
        query,
        projector,
        spa_dir,
    })
    .await
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    Platform {
        base,
        client: reqwest::Client::new(),
        object_dir,
        database_url: query_database_url,
    }
}

/// An answer: status, headers and JSON body.
pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Platform {
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        min_position: Option<i64>,
    ) -> Answer {
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        if let Some(position) = min_position {
            request = request.header("x-min-position", position);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.json().await.unwrap_or(Value::Null);
        Answer {
            status,
            headers,
            body,
        }
    }

    /// A write that must succeed; returns its body (with `id`, `version`, `position`).
    pub async fn write(&self, method: Method, path: &str, token: &str, body: Value) -> Value {
        let answer = self.call(method, path, Some(token), Some(body), None).await;
        assert!(
            answer.status.is_success(),
            "{path}: {} {}",
            answer.status,
            answer.body
        );
        answer.body
    }

    /// Creates a chart of `chart_type` over a dataset; answers its id and the position to read it at.
    pub async fn create_chart(
        &self,
        token: &str,
        dataset_id: &Value,
        name: &str,
        chart_type: &str,
        query: Value,
    ) -> (String, i64) {
        let chart = self
            .write(
                Method::POST,
                "/api/v1/charts",
                token,
                json!({"dataset_id": dataset_id, "name": name, "chart_type": chart_type,
                       "spec": {"query": query}}),
            )
            .await;
        (
            chart["id"].as_str().unwrap().to_owned(),
            chart["position"].as_i64().unwrap(),
        )
    }

    /// A GET with a token, optionally carrying `X-Min-Position`.
    pub async fn get(&self, path: &str, token: &str, position: Option<i64>) -> Answer {
        self.call(Method::GET, path, Some(token), None, position)
            .await
    }

    /// Uploads `csv` as the next version of a dataset, with optional import options; answers as `call`.
    pub async fn upload(
        &self,
        dataset_id: &str,
        token: &str,
        csv: &[u8],
        options: Option<Value>,
    ) -> Answer {
        let boundary = format!("vizpro-{}", Uuid::new_v4().simple());
        let mut body = Vec::new();
        if let Some(options) = options {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\ncontent-disposition: form-data; name=\"options\"\r\n\r\n{options}\r\n"
                )
                .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!(
                "--{boundary}\r\ncontent-disposition: form-data; name=\"file\"; filename=\"data.csv\"\r\ncontent-type: text/csv\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(csv);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let response = self
            .client
            .post(format!(
                "{}/api/v1/datasets/{dataset_id}/versions",
                self.base
            ))
            .bearer_auth(token)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.json().await.unwrap_or(Value::Null);
        Answer {
            status,
            headers,
            body,
        }
    }

    /// Every file under the object store's directory.
    pub fn stored_objects(&self) -> Vec<std::path::PathBuf> {
        fn walk(directory: &std::path::Path, found: &mut Vec<std::path::PathBuf>) {
            let Ok(entries) = std::fs::read_dir(directory) else {
                return;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, found);
                } else {
                    found.push(path);
                }
            }
        }
        let mut found = Vec::new();
        walk(&self.object_dir, &mut found);
        found
    }

    pub async fn user(&self, email: &str) -> (Uuid, String) {
        let registered = self
            .call(
                Method::POST,
                "/api/v1/auth/register",
                None,
                Some(json!({"email": email, "password": PASSWORD, "display_name": email})),
                None,
            )
            .await;
        assert_eq!(registered.status, StatusCode::CREATED);
        let session = self
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"email": email, "password": PASSWORD})),
                None,
            )
            .await;
        assert_eq!(session.status, StatusCode::OK);
        (
            registered.body["id"].as_str().unwrap().parse().unwrap(),
            session.body["access_token"].as_str().unwrap().to_owned(),
        )
    }
}

/// The values of the result column named `name` in chart data.
pub fn column(data: &Value, name: &str) -> Vec<Value> {
    data["columns"]
        .as_array()
        .unwrap_or_else(|| panic!("no columns in {data}"))
        .iter()
        .find(|column| column["name"] == name)
        .unwrap_or_else(|| panic!("no column {name} in {data}"))["values"]
        .as_array()
        .unwrap()
        .clone()
}
