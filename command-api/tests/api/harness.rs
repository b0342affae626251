//! Spawns the command API on port 0 against the real PostgreSQL, NATS and Redis on loopback, with a
//! database, JetStream stream and Redis key prefix of its own.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use base64::Engine;
use reqwest::{Response, StatusCode};
use secrecy::SecretString;
use serde_json::{Value, json};
use sqlx::{Connection, PgConnection, PgPool};
use uuid::Uuid;
use vizpro_command_api::Config;
use vizpro_events::Role;

pub const ADMIN_EMAIL: &str = "admin@example.com";
pub const PASSWORD: &str = "correct horse battery staple";

/// Everything every test application logged, to check that no secret ever reaches the logs.
pub fn captured_logs() -> String {
    String::from_utf8_lossy(&log_buffer().lock().unwrap()).into_owned()
}

fn log_buffer() -> &'static Arc<Mutex<Vec<u8>>> {
    static BUFFER: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    BUFFER.get_or_init(|| Arc::new(Mutex::new(Vec::new())))
}

#[derive(Clone)]
struct BufferWriter;

impl Write for BufferWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        log_buffer().lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn init_logging() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        let subscriber = tracing_subscriber::fmt()
            .json()
            .with_env_filter("debug,sqlx=info,hyper=info,async_nats=info,h2=info")
            .with_writer(|| BufferWriter)
            .finish();
        drop(tracing::subscriber::set_global_default(subscriber));
    });
}

pub struct TestApp {
    pub address: String,
    pub pool: PgPool,
    pub config: Config,
    pub client: reqwest::Client,
}

pub struct Options {
    pub nats_url: String,
    pub auth_rate_per_minute: u32,
    pub redis_key_prefix: Option<String>,
    pub database: Option<String>,
    /// Reach PostgreSQL through this port instead of 5432 (a proxy the test can cut).
    pub postgres_port: u16,
    /// The largest JSON request body.
    pub body_limit_bytes: usize,
    /// Connect as a service role of the test's own and migrate as an owner role, as deployments do.
    pub least_privilege: bool,
    /// The bearer token `/metrics` requires.
    pub metrics_token: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            nats_url: "nats://127.0.0.1:4222".to_owned(),
            auth_rate_per_minute: 10_000,
            redis_key_prefix: None,
            database: None,
            postgres_port: 5432,
            body_limit_bytes: 64 * 1024,
            least_privilege: false,
            metrics_token: None,
        }
    }
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

/// Gives `database` an owner and a service role of its own, made as the deployment scripts make them
/// (`deploy/postgres/roles.sql`). Returns their names.
pub async fn create_roles(database: &str, suffix: &str) -> (String, String) {
    let owner = format!("vizpro_test_owner_{suffix}");
    let service = format!("vizpro_test_service_{suffix}");
    let script = include_str!("../../../deploy/postgres/roles.sql")
        .replace("@owner@", &owner)
        .replace("@service@", &service)
        .replace("@database@", database)
        .replace("@owner_password@", "")
        .replace("@service_password@", "");
    let mut admin =
        PgConnection::connect(&format!("postgres://postgres@127.0.0.1:5432/{database}"))
            .await
            .unwrap();
    sqlx::raw_sql(&script).execute(&mut admin).await.unwrap();
    (owner, service)
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(Options::default()).await
}

pub async fn spawn_app_with(options: Options) -> TestApp {
    init_logging();
    let database = match options.database {
        Some(database) => database,
        None => create_database().await,
    };
    let suffix = Uuid::new_v4().simple().to_string();
    let (database_user, migration_database_url) = if options.least_privilege {
        let (owner, service) = create_roles(&database, &suffix).await;
        (
            service,
            Some(format!(
                "postgres://{owner}@127.0.0.1:{}/{database}",
                options.postgres_port
            )),
        )
    } else {
        ("postgres".to_owned(), None)
    };
    let key = base64::engine::general_purpose::STANDARD.encode(rand_bytes());
    let config = Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        database_url: format!(
            "postgres://{database_user}@127.0.0.1:{}/{database}",
            options.postgres_port
        ),
        migration_database_url,
        database_max_connections: 20,
        nats_url: options.nats_url,
        nats_stream: format!("VIZPRO_TEST_{suffix}"),
        nats_subject_prefix: format!("vizpro_test_{suffix}.events"),
        redis_url: "redis://127.0.0.1:6379".to_owned(),
        redis_key_prefix: options
            .redis_key_prefix
            .unwrap_or_else(|| format!("vizpro-test:{suffix}:")),
        jwt_secret: SecretString::from("a-test-secret-that-is-long-enough-for-hs256".to_owned()),
        jwt_issuer: "vizpro".to_owned(),
        access_token_seconds: 900,
        refresh_token_days: 30,
        admin_emails: vec![ADMIN_EMAIL.to_owned()],
        default_role: Role::Editor,
        connection_keys: SecretString::from(format!("test:{key}")),
        connection_key_id: "test".to_owned(),
        cors_origins: vec![],
        body_limit_bytes: options.body_limit_bytes,
        request_timeout_seconds: 30,
        auth_rate_per_minute: options.auth_rate_per_minute,
        user_rate_per_minute: 100_000,
        anonymous_rate_per_minute: 100_000,
        trust_forwarded_for: false,
        metrics_token: options.metrics_token.map(SecretString::from),
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
    let application = vizpro_command_api::build(config.clone())
        .await
        .expect("the application builds");
    let address = format!("http://127.0.0.1:{}", application.port());
    let pool = application.state().store.pool().clone();
    tokio::spawn(application.run_until_stopped());
    TestApp {
        address,
        pool,
        config,
        client: reqwest::Client::new(),
    }
}

fn rand_bytes() -> [u8; 32] {
    let mut bytes = [0_u8; 32];
    for (index, byte) in Uuid::new_v4()
        .as_bytes()
        .iter()
        .chain(Uuid::new_v4().as_bytes())
        .enumerate()
    {
        bytes[index] = *byte;
    }
    bytes
}

/// A signed-in user.
#[derive(Debug, Clone)]
pub struct Session {
    pub user_id: Uuid,
    pub token: String,
    pub refresh_cookie: String,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Response {
        self.send(reqwest::Method::POST, path, token, Some(body))
            .await
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Response {
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.expect("the request is sent")
    }

    pub async fn register(&self, email: &str) -> Uuid {
        let response = self
            .post(
                "/api/v1/auth/register",
                None,
                json!({"email": email, "password": PASSWORD, "display_name": "Test User"}),
            )
            .await;
        assert_eq!(
            response.status(),
            StatusCode::CREATED,
            "registering {email}"
        );
        let body: Value = response.json().await.unwrap();
        body["id"].as_str().unwrap().parse().unwrap()
    }

    pub async fn login(&self, email: &str) -> Session {
        let response = self
            .post(
                "/api/v1/auth/login",
                None,
                json!({"email": email, "password": PASSWORD}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK, "signing in {email}");
        let refresh_cookie = refresh_cookie(&response).expect("a refresh cookie is set");
        let body: Value = response.json().await.unwrap();
        Session {
            user_id: body["user"]["id"].as_str().unwrap().parse().unwrap(),
            token: body["access_token"].as_str().unwrap().to_owned(),
            refresh_cookie,
        }
    }

    pub async fn signed_up(&self, email: &str) -> Session {
        self.register(email).await;
        self.login(email).await
    }

    /// An admin, then a user of `role` created by registering and having the admin change the role.
    pub async fn user_with_role(&self, admin: &Session, email: &str, role: &str) -> Session {
        let user_id = self.register(email).await;
        if role != "editor" {
            let response = self
                .send(
                    reqwest::Method::PUT,
                    &format!("/api/v1/users/{user_id}/role"),
                    Some(&admin.token),
                    Some(json!({"role": role})),
                )
                .await;
            assert_eq!(response.status(), StatusCode::OK);
        }
        self.login(email).await
    }

    pub async fn admin(&self) -> Session {
        self.signed_up(ADMIN_EMAIL).await
    }

    pub async fn event_count(&self) -> i64 {
        sqlx::query_scalar("select count(*) from events")
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }

    pub async fn create_dashboard(&self, session: &Session, name: &str) -> Uuid {
        let response = self
            .post(
                "/api/v1/dashboards",
                Some(&session.token),
                json!({"name": name}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let body: Value = response.json().await.unwrap();
        body["id"].as_str().unwrap().parse().unwrap()
    }

    /// Renames a dashboard, expecting it at `version` (`If-Match`).
    pub async fn rename_dashboard(
        &self,
        session: &Session,
        dashboard: Uuid,
        name: &str,
        version: i32,
    ) -> Response {
        self.client
            .patch(self.url(&format!("/api/v1/dashboards/{dashboard}")))
            .bearer_auth(&session.token)
            .header("if-match", format!("\"{version}\""))
            .json(&json!({"name": name}))
            .send()
            .await
            .unwrap()
    }

    /// A dataset on an upload data source, and a bar chart on it.
    pub async fn create_chart(&self, session: &Session) -> Uuid {
        let response = self
            .post(
                "/api/v1/datasets",
                Some(&session.token),
                json!({"name": "Orders", "source": {"kind": "upload"}}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let dataset: Value = response.json().await.unwrap();
        let response = self
            .post(
                "/api/v1/charts",
                Some(&session.token),
                json!({
                    "dataset_id": dataset["id"], "name": "Revenue by month", "chart_type": "bar",
                    "spec": {"query": {"mode": "builder",
                        "dimensions": [{"column": "ordered_at", "time_bucket": "month"}],
                        "measures": [{"aggregate": "sum", "column": "amount"}],
                        "filters": [], "sort": []}}
                }),
            )
            .await;
        let status = response.status();
        let chart: Value = response.json().await.unwrap();
        assert_eq!(status, StatusCode::CREATED, "{chart}");
        chart["id"].as_str().unwrap().parse().unwrap()
    }
}

pub fn refresh_cookie(response: &Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with("vizpro_refresh="))
        .and_then(|value| value.split(';').next())
        .map(str::to_owned)
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
