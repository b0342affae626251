use std::time::{Duration, Instant};

use base64::Engine;
use reqwest::StatusCode;
use secrecy::SecretString;
use serde_json::{Value, json};
use sqlx::{Connection, PgConnection, PgPool};
use uuid::Uuid;
use vizpro_command_api::Config as CommandConfig;
use vizpro_events::Role;
use vizpro_projector::{Config, Projector};

pub const PASSWORD: &str = "correct horse battery staple";

/// A command API with its relay, and the settings a projector needs to follow it.
pub struct World {
    pub api: String,
    pub pool: PgPool,
    pub projector_config: Config,
    pub client: reqwest::Client,
}

impl World {
    pub async fn start() -> World {
        let database = format!("vizpro_test_{}", Uuid::new_v4().simple());
        let mut admin = PgConnection::connect("postgres://postgres@127.0.0.1:5432/postgres")
            .await
            .unwrap();
        sqlx::query(&format!("create database {database}"))
            .execute(&mut admin)
            .await
            .unwrap();
        let suffix = Uuid::new_v4().simple().to_string();
        let database_url = format!("postgres://postgres@127.0.0.1:5432/{database}");
        let command_config = CommandConfig {
            listen: "127.0.0.1:0".parse().unwrap(),
            database_url: database_url.clone(),
            migration_database_url: None,
            database_max_connections: 20,
            nats_url: "nats://127.0.0.1:4222".to_owned(),
            nats_stream: format!("VIZPRO_TEST_{suffix}"),
            nats_subject_prefix: format!("vizpro_test_{suffix}.events"),
            redis_url: "redis://127.0.0.1:6379".to_owned(),
            redis_key_prefix: format!("vizpro-test:{suffix}:"),
            jwt_secret: SecretString::from(
                "a-test-secret-that-is-long-enough-for-hs256".to_owned(),
            ),
            jwt_issuer: "vizpro".to_owned(),
            access_token_seconds: 900,
            refresh_token_days: 30,
            admin_emails: vec!["admin@example.com".to_owned()],
            default_role: Role::Editor,
            connection_keys: SecretString::from(format!(
                "test:{}",
                base64::engine::general_purpose::STANDARD.encode([3_u8; 32])
            )),
            connection_key_id: "test".to_owned(),
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
            relay_idle_ms: 5,
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
        let application = vizpro_command_api::build(command_config).await.unwrap();
        let api = format!("http://127.0.0.1:{}", application.port());
        let pool = application.state().store.pool().clone();
        tokio::spawn(application.run_until_stopped());
        let projector_config = Config {
            database_url,
            migration_database_url: None,
            database_max_connections: 8,
            nats_url: "nats://127.0.0.1:4222".to_owned(),
            nats_stream: format!("VIZPRO_TEST_{suffix}"),
            consumer: "projector".to_owned(),
            redis_url: "redis://127.0.0.1:6379".to_owned(),
            redis_key_prefix: format!("vizpro-test:{suffix}:"),
            batch: 100,
            log_json: true,
        };
        World {
            api,
            pool,
            projector_config,
            client: reqwest::Client::new(),
        }
    }

    pub async fn projector(&self) -> Projector {
        Projector::build(self.projector_config.clone())
            .await
            .unwrap()
    }

    pub fn spawn_projector(&self) -> tokio::task::JoinHandle<()> {
        let config = self.projector_config.clone();
        tokio::spawn(async move {
            let projector = Projector::build(config).await.unwrap();
            drop(projector.run_until_stopped().await);
        })
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Value {
        self.send(reqwest::Method::POST, path, token, body).await
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Value,
    ) -> Value {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.api))
            .json(&body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "{path} answered {status}: {body}");
        body
    }

    /// Registers and signs in; returns (user id, access token).
    pub async fn user(&self, email: &str) -> (Uuid, String) {
        let body = json!({"email": email, "password": PASSWORD, "display_name": email});
        let registered = self.post("/api/v1/auth/register", None, body).await;
        let response = self
            .client
            .post(format!("{}/api/v1/auth/login", self.api))
            .json(&json!({"email": email, "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let session: Value = response.json().await.unwrap();
        (
            registered["id"].as_str().unwrap().parse().unwrap(),
            session["access_token"].as_str().unwrap().to_owned(),
        )
    }

    /// Waits until every projection has applied every committed event.
    pub async fn wait_until_projected(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let caught_up: bool = sqlx::query_scalar(
                "select coalesce((select count(*) = 6 from projection_checkpoints c, \
                   (select vizpro_commit_key(position, transaction_id) as tx, position from events \
                     order by vizpro_commit_key(position, transaction_id) desc, position desc limit 1) last \
                   where (c.transaction_id, c.position) >= (last.tx, last.position)), false)",
            )
            .fetch_one(&self.pool)
            .await
            .unwrap();
            if caught_up {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the projector did not catch up in time"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// Creates a dataset, a chart on it and a dashboard showing the chart; returns their ids.
pub async fn build_dashboard(world: &World, token: &str, name: &str) -> (Uuid, Uuid, Uuid) {
    let dataset = world
        .post(
            "/api/v1/datasets",
            Some(token),
            json!({"name": format!("{name} data"), "source": {"kind": "upload"}}),
        )
        .await;
    let chart = world
        .post(
            "/api/v1/charts",
            Some(token),
            json!({"dataset_id": dataset["id"], "name": format!("{name} chart"), "chart_type": "line",
                   "spec": {"query": {"mode": "builder", "dimensions": [{"column": "day", "time_bucket": "day"}],
                            "measures": [{"aggregate": "count"}], "filters": [], "sort": []}}}),
        )
        .await;
    let dashboard = world
        .post("/api/v1/dashboards", Some(token), json!({"name": name}))
        .await;
    let id = dashboard["id"].as_str().unwrap();
    world
        .post(
            &format!("/api/v1/dashboards/{id}/tiles"),
            Some(token),
            json!({"chart_id": chart["id"], "x": 0, "y": 0, "w": 6, "h": 4}),
        )
        .await;
    (
        dataset["id"].as_str().unwrap().parse().unwrap(),
        chart["id"].as_str().unwrap().parse().unwrap(),
        id.parse().unwrap(),
    )
}

/// What a dump and restore into a new PostgreSQL cluster does to a database, as far as commit order goes:
/// the restored history keeps its transaction ids, which are far above the ones the new cluster hands out,
/// and the cluster is not the one the history was recorded in. Then the first connection to the restored
/// database registers the new cluster, as every command API connection does when it opens.
pub async fn simulate_restore_into_a_new_cluster(pool: &PgPool) {
    let mut transaction = pool.begin().await.unwrap();
    for statement in [
        // Only for this simulation: a restore writes these rows, nobody updates them.
        "set local session_replication_role = replica",
        "update events set transaction_id = (transaction_id::text::bigint + 100000000)::text::xid8",
        "update relay_checkpoints set transaction_id = (transaction_id::text::bigint + 100000000)::text::xid8",
        "update projection_checkpoints set transaction_id = transaction_id + 100000000 where transaction_id > 0",
        "update event_store_epochs set system_identifier = system_identifier + 1",
    ] {
        sqlx::query(statement)
            .execute(&mut *transaction)
            .await
            .unwrap();
    }
    transaction.commit().await.unwrap();
    sqlx::query("select count(*) from vizpro_event_store_epochs()")
        .execute(pool)
        .await
        .unwrap();
}
