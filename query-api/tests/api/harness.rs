//! Spawns the query API on port 0 against the real PostgreSQL and Redis on loopback, with a database and
//! a Redis key prefix of its own, and seeds the read models by writing their tables directly (the
//! projector that normally writes them is tested on its own).

use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::{Response, StatusCode};
use secrecy::SecretString;
use serde_json::Value;
use sqlx::postgres::PgPoolOptions;
use sqlx::{Connection, PgConnection, PgPool};
use uuid::Uuid;
use vizpro_events::Role;
use vizpro_http_edge::tokens::TokenKeys;
use vizpro_query_api::Config;
use vizpro_read_models::{Checkpoint, PROJECTIONS};

pub const JWT_SECRET: &str = "a-test-secret-that-is-long-enough-for-hs256";
pub const JWT_ISSUER: &str = "vizpro";
pub const REDIS_URL: &str = "redis://127.0.0.1:6379";

pub struct Options {
    pub redis_url: String,
    pub min_position_wait_ms: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            redis_url: REDIS_URL.to_owned(),
            min_position_wait_ms: 2000,
        }
    }
}

pub struct TestApp {
    pub address: String,
    /// A pool of the test's own, for seeding and inspecting the read models.
    pub pool: PgPool,
    pub config: Config,
    pub client: reqwest::Client,
    pub keys: TokenKeys,
}

/// A user with a row in `rm_users` and an access token.
#[derive(Debug, Clone)]
pub struct TestUser {
    pub id: Uuid,
    pub token: String,
}

pub async fn create_database() -> String {
    let name = format!("vizpro_test_{}", Uuid::new_v4().simple());
    let mut admin = PgConnection::connect("postgres://postgres@127.0.0.1:5432/postgres")
        .await
        .unwrap();
    sqlx::query(&format!("create database {name}"))
        .execute(&mut admin)
        .await
        .unwrap();
    name
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(Options::default()).await
}

pub async fn spawn_app_with(options: Options) -> TestApp {
    let database = create_database().await;
    let database_url = format!("postgres://postgres@127.0.0.1:5432/{database}");
    let pool = PgPoolOptions::new()
        .max_connections(4)
        .connect(&database_url)
        .await
        .unwrap();
    vizpro_migrations::run(&pool).await.unwrap();
    let config = Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        database_url,
        database_max_connections: 8,
        redis_url: options.redis_url,
        redis_key_prefix: format!("vizpro-test:{}:", Uuid::new_v4().simple()),
        jwt_secret: SecretString::from(JWT_SECRET.to_owned()),
        jwt_issuer: JWT_ISSUER.to_owned(),
        access_token_seconds: 900,
        cors_origins: vec![],
        request_timeout_seconds: 30,
        user_rate_per_minute: 100_000,
        anonymous_rate_per_minute: 100_000,
        trust_forwarded_for: false,
        metrics_token: None,
        min_position_wait_ms: options.min_position_wait_ms,
        object_store_url: format!(
            "file://{}/vizpro-objects-{database}",
            std::env::temp_dir().display()
        ),
        query_threads: 2,
        query_memory_mib: 256,
        query_timeout_seconds: 20,
        query_max_rows: 10_000,
        chart_cache_seconds: 600,
        connection_keys: SecretString::from(format!(
            "t:{}",
            <base64::engine::general_purpose::GeneralPurpose as base64::Engine>::encode(
                &base64::engine::general_purpose::STANDARD,
                [9_u8; 32]
            )
        )),
        connection_key_id: "t".to_owned(),
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
    let application = vizpro_query_api::build(config.clone())
        .await
        .expect("the application builds");
    let address = format!("http://127.0.0.1:{}", application.port());
    tokio::spawn(application.run_until_stopped());
    if config.redis_url == REDIS_URL {
        wait_for_redis(&address).await;
    }
    TestApp {
        address,
        pool,
        config,
        client: reqwest::Client::new(),
        keys: TokenKeys::from_secret(JWT_SECRET.as_bytes(), JWT_ISSUER, Duration::from_secs(900)),
    }
}

/// The Redis connection is made in the background; tests about the cache need it to be there.
async fn wait_for_redis(address: &str) {
    let client = reqwest::Client::new();
    for _ in 0..200 {
        let ready: Value = client
            .get(format!("{address}/readyz"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if ready["redis"] == Value::Bool(true) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the application did not reach Redis");
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.get_with(path, Some(token), &[]).await
    }

    pub async fn get_with(
        &self,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Response {
        let mut request = self.client.get(self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.expect("the request is sent")
    }

    /// GETs `path` and asserts 200, returning the body.
    pub async fn get_json(&self, path: &str, token: &str) -> Value {
        let response = self.get(path, token).await;
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        assert_eq!(status, StatusCode::OK, "GET {path}: {body}");
        body
    }

    /// The ids of the items of one list page.
    pub async fn list_ids(&self, path: &str, token: &str) -> Vec<Uuid> {
        ids(&self.get_json(path, token).await["items"])
    }

    pub fn token(&self, user_id: Uuid, role: Role) -> String {
        self.keys.issue(user_id, role, Utc::now()).unwrap()
    }

    /// A user of `role` in the read models, with a token.
    pub async fn user(&self, role: Role) -> TestUser {
        self.user_named(
            role,
            &format!("User {}", &Uuid::new_v4().simple().to_string()[..8]),
        )
        .await
    }

    pub async fn user_named(&self, role: Role, display_name: &str) -> TestUser {
        let id = Uuid::now_v7();
        sqlx::query(
            "insert into rm_users (user_id, email, display_name, role, deactivated, created_at, updated_at, version) \
             values ($1, $2, $3, $4, false, now(), now(), 1)",
        )
        .bind(id)
        .bind(format!("{}@example.com", id.simple()))
        .bind(display_name)
        .bind(role.as_str())
        .execute(&self.pool)
        .await
        .unwrap();
        TestUser {
            id,
            token: self.token(id, role),
        }
    }

    pub async fn insert_data_source(&self, owner: Uuid, name: &str) -> Uuid {
        let now = Utc::now();
        self.insert_data_source_at(owner, name, now, now).await
    }

    pub async fn insert_data_source_at(
        &self,
        owner: Uuid,
        name: &str,
        created_at: DateTime<Utc>,
        updated_at: DateTime<Utc>,
    ) -> Uuid {
        let id = Uuid::now_v7();
        sqlx::query(
            "insert into rm_data_sources (id, owner_id, name, description, kind, display_address, created_at, updated_at, version) \
             values ($1, $2, $3, 'A test data source', 'postgres', 'db.example.com:5432/sales', $4, $5, 1)",
        )
        .bind(id)
        .bind(owner)
        .bind(name)
        .bind(created_at)
        .bind(updated_at)
        .execute(&self.pool)
        .await
        .unwrap();
        id
    }

    pub async fn insert_dataset(&self, owner: Uuid, name: &str) -> Uuid {
        let id = Uuid::now_v7();
        sqlx::query(
            "insert into rm_datasets (id, owner_id, name, description, source, latest_version, created_at, updated_at, version) \
             values ($1, $2, $3, '', '{\"kind\": \"upload\"}', 0, now(), now(), 1)",
        )
        .bind(id)
        .bind(owner)
        .bind(name)
        .execute(&self.pool)
        .await
        .unwrap();
        id
    }

    pub async fn insert_dataset_version(&self, dataset_id: Uuid, version: i32) {
        sqlx::query(
            "insert into rm_dataset_versions (dataset_id, dataset_version, location, columns, row_count, bytes, checksum_sha256, added_at) \
             values ($1, $2, $3, '[{\"name\": \"amount\", \"type\": \"float64\"}]', 10, 1000, 'abc', now())",
        )
        .bind(dataset_id)
        .bind(version)
        .bind(format!("datasets/{dataset_id}/{version}.parquet"))
        .execute(&self.pool)
        .await
        .unwrap();
        sqlx::query(
            "update rm_datasets set latest_version = $2, version = version + 1 where id = $1",
        )
        .bind(dataset_id)
        .bind(version)
        .execute(&self.pool)
        .await
        .unwrap();
    }

    pub async fn insert_chart(&self, owner: Uuid, dataset_id: Uuid, name: &str) -> Uuid {
        let id = Uuid::now_v7();
        sqlx::query(
            "insert into rm_charts (id, owner_id, dataset_id, name, description, chart_type, spec, created_at, updated_at, version) \
             values ($1, $2, $3, $4, '', 'bar', '{\"query\": {\"mode\": \"sql\", \"sql\": \"select 1\"}}', now(), now(), 1)",
        )
        .bind(id)
        .bind(owner)
        .bind(dataset_id)
        .bind(name)
        .execute(&self.pool)
        .await
        .unwrap();
        id
    }

    pub async fn insert_dashboard(&self, owner: Uuid, name: &str, slug: &str) -> Uuid {
        let id = Uuid::now_v7();
        sqlx::query(
            "insert into rm_dashboards (id, owner_id, name, description, slug, filters, created_at, updated_at, version) \
             values ($1, $2, $3, '', $4, '[]', now(), now(), 1)",
        )
        .bind(id)
        .bind(owner)
        .bind(name)
        .bind(slug)
        .execute(&self.pool)
        .await
        .unwrap();
        id
    }

    pub async fn insert_tile(&self, dashboard_id: Uuid, chart_id: Uuid, x: i32, y: i32) -> Uuid {
        let tile_id = Uuid::now_v7();
        sqlx::query(
            "insert into rm_dashboard_tiles (dashboard_id, tile_id, chart_id, x, y, w, h) values ($1, $2, $3, $4, $5, 4, 3)",
        )
        .bind(dashboard_id)
        .bind(tile_id)
        .bind(chart_id)
        .bind(x)
        .bind(y)
        .execute(&self.pool)
        .await
        .unwrap();
        tile_id
    }

    /// A grant to a user (`grantee` is their id) or a role (`grantee` is its name).
    pub async fn grant(&self, resource_id: Uuid, grantee_kind: &str, grantee: &str, access: &str) {
        sqlx::query(
            "insert into rm_grants (resource_type, resource_id, grantee_kind, grantee, access) \
             values ('resource', $1, $2, $3, $4)",
        )
        .bind(resource_id)
        .bind(grantee_kind)
        .bind(grantee)
        .bind(access)
        .execute(&self.pool)
        .await
        .unwrap();
    }

    pub async fn delete(&self, table: &str, id: Uuid) {
        sqlx::query(&format!(
            "update {table} set deleted = true, version = version + 1 where id = $1"
        ))
        .bind(id)
        .execute(&self.pool)
        .await
        .unwrap();
    }

    /// Appends an event in a transaction of its own and returns its place in commit order.
    pub async fn insert_event(&self, recorded_seconds_ago: i64) -> Checkpoint {
        let (position, transaction_id): (i64, i64) = sqlx::query_as(
            "insert into events (event_id, stream_type, stream_id, version, event_type, schema_version, \
                                 payload, metadata, recorded_at, prev_hash, hash) \
             values ($1, 'dashboard', $2, 1, 'dashboard_created', 1, '{}', '{}', \
                     now() - make_interval(secs => $3), null, '\\x00') \
             returning position, vizpro_commit_key(position, transaction_id)",
        )
        .bind(Uuid::now_v7())
        .bind(Uuid::now_v7())
        .bind(recorded_seconds_ago as f64)
        .fetch_one(&self.pool)
        .await
        .unwrap();
        Checkpoint {
            transaction_id,
            position,
        }
    }

    /// Records that `projection` has applied everything up to `checkpoint`.
    pub async fn set_checkpoint(
        &self,
        projection: &str,
        checkpoint: Checkpoint,
        events_applied: i64,
    ) {
        sqlx::query(
            "insert into projection_checkpoints (projection, transaction_id, position, events_applied, updated_at) \
             values ($1, $2, $3, $4, now()) \
             on conflict (projection) do update set transaction_id = excluded.transaction_id, \
                position = excluded.position, events_applied = excluded.events_applied, updated_at = now()",
        )
        .bind(projection)
        .bind(checkpoint.transaction_id)
        .bind(checkpoint.position)
        .bind(events_applied)
        .execute(&self.pool)
        .await
        .unwrap();
    }

    /// Records that every projection has applied everything up to `checkpoint`.
    pub async fn set_all_checkpoints(&self, checkpoint: Checkpoint) {
        for spec in PROJECTIONS {
            self.set_checkpoint(spec.name, checkpoint, 1).await;
        }
    }

    pub async fn redis(&self) -> redis::aio::MultiplexedConnection {
        redis::Client::open(REDIS_URL)
            .unwrap()
            .get_multiplexed_async_connection()
            .await
            .unwrap()
    }

    /// Bumps a dashboard's generation, as the projector does after a change to what its document shows.
    pub async fn bump_generation(&self, dashboard_id: Uuid) {
        // As the projector does it: the bump and its announcement.
        let mut pipeline = redis::pipe();
        vizpro_read_models::cache::mark_stale(
            &mut pipeline,
            &self.config.redis_key_prefix,
            dashboard_id,
        );
        let () = pipeline.query_async(&mut self.redis().await).await.unwrap();
    }
}

impl TestApp {
    /// The first answer for `path` that is not served from the document this process held before a
    /// generation bump: the bump's announcement reaches the application a moment after the bump.
    pub async fn first_read_after_the_bump(&self, path: &str, token: &str) -> reqwest::Response {
        for _ in 0..200 {
            let response = self.get(path, token).await;
            if response
                .headers()
                .get("x-cache")
                .is_none_or(|value| value != "hit")
            {
                return response;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("{path} was still served from the held document two seconds after the bump");
    }
}

/// The `id` of every item of a JSON array.
pub fn ids(items: &Value) -> Vec<Uuid> {
    items
        .as_array()
        .expect("an array of items")
        .iter()
        .map(|item| item["id"].as_str().unwrap().parse().unwrap())
        .collect()
}

/// Asserts a problem+json answer with `status` and returns its body.
pub async fn assert_problem(response: Response, status: StatusCode) -> Value {
    let actual = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    assert_eq!(actual, status, "unexpected status; body: {body}");
    assert_eq!(content_type, "application/problem+json", "body: {body}");
    assert!(
        body["type"]
            .as_str()
            .is_some_and(|kind| kind.starts_with("urn:vizpro:problem:")),
        "{body}"
    );
    assert!(
        body["detail"]
            .as_str()
            .is_some_and(|detail| !detail.is_empty()),
        "{body}"
    );
    body
}

pub fn header(response: &Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}
