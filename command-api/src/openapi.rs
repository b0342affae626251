//! The OpenAPI document, generated from the handlers' annotations.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::resources::{charts, dashboards, data_sources, dataset_versions, datasets, users};
use crate::state::AppState;
use crate::{auth, commands};

#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "vizpro command API",
        description = "Every change to vizpro is a command that appends events. Commands answer with the \
            resource's new version (also the ETag; send it back as If-Match to guard against lost updates) and \
            the position of the last event (send it as X-Min-Position on reads to see your own write). A retry \
            with the same Idempotency-Key returns the first answer and changes nothing. Errors are RFC 9457 \
            application/problem+json."
    ),
    modifiers(&BearerAuth),
    components(schemas(commands::Accepted, vizpro_http_edge::ProblemDocument, vizpro_http_edge::FieldError)),
    tags(
        (name = "auth", description = "Registration, sign-in and sessions"),
        (name = "users", description = "Accounts and roles"),
        (name = "data-sources", description = "Where data comes from"),
        (name = "datasets", description = "Tables charts are drawn from"),
        (name = "charts", description = "Charts"),
        (name = "dashboards", description = "Dashboards, tiles, layout and filters"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// The complete OpenAPI document of the command API.
pub fn document() -> utoipa::openapi::OpenApi {
    api_router().split_for_parts().1
}

pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(auth::register))
        .routes(routes!(auth::login))
        .routes(routes!(auth::refresh))
        .routes(routes!(auth::logout))
        .routes(routes!(users::update, users::deactivate))
        .routes(routes!(users::change_role))
        .routes(routes!(users::change_password))
        .routes(routes!(data_sources::create))
        .routes(routes!(data_sources::update, data_sources::delete))
        .routes(routes!(data_sources::share))
        .routes(routes!(data_sources::unshare))
        .routes(routes!(datasets::create))
        .routes(routes!(datasets::update, datasets::delete))
        .routes(routes!(datasets::share))
        .routes(routes!(datasets::unshare))
        .merge(
            // Uploads are limited by the upload size the handler counts, not by the JSON body limit.
            OpenApiRouter::new()
                .routes(routes!(dataset_versions::upload))
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .routes(routes!(dataset_versions::change_column_types))
        .routes(routes!(charts::create))
        .routes(routes!(charts::update, charts::delete))
        .routes(routes!(charts::pin_dataset_version))
        .routes(routes!(charts::share))
        .routes(routes!(charts::unshare))
        .routes(routes!(dashboards::create))
        .routes(routes!(dashboards::update, dashboards::delete))
        .routes(routes!(dashboards::add_tile))
        .routes(routes!(dashboards::remove_tile))
        .routes(routes!(dashboards::change_layout))
        .routes(routes!(dashboards::change_filters))
        .routes(routes!(dashboards::share))
        .routes(routes!(dashboards::unshare))
}
