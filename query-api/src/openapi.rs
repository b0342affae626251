//! The OpenAPI document, generated from the handlers' annotations.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::resources::{
    chart_data, charts, dashboards, data_source_schema, data_sources, datasets, projections, users,
};
use crate::state::AppState;

#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "vizpro query API",
        description = "Reads of vizpro's read models. Every answer is filtered for the caller: a resource they \
            may not see is answered 404 exactly like a missing one, and each item says what the caller may do \
            with it (`access`: `edit` or `view`). Lists are paged with an opaque `cursor` (send back \
            `next_cursor`). Send the position a command answered with as X-Min-Position to read your own \
            write. Answers carry an ETag; send it as If-None-Match to get 304 when nothing changed. Errors \
            are RFC 9457 application/problem+json."
    ),
    modifiers(&BearerAuth),
    components(schemas(vizpro_http_edge::ProblemDocument, vizpro_http_edge::FieldError)),
    tags(
        (name = "users", description = "The caller's account and the user directory"),
        (name = "data-sources", description = "Where data comes from"),
        (name = "datasets", description = "Tables charts are drawn from"),
        (name = "charts", description = "Charts"),
        (name = "dashboards", description = "Dashboards with their tiles and charts"),
        (name = "admin", description = "Operating the read side"),
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

/// Every documented route of the query API.
pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(users::me))
        .routes(routes!(users::list))
        .routes(routes!(data_sources::list))
        .routes(routes!(data_sources::detail))
        .routes(routes!(datasets::list))
        .routes(routes!(datasets::detail))
        .routes(routes!(charts::list))
        .routes(routes!(charts::detail))
        .routes(routes!(dashboards::list))
        .routes(routes!(dashboards::detail))
        .routes(routes!(dashboards::by_slug))
        .routes(routes!(projections::report))
        .routes(routes!(chart_data::chart_data))
        .routes(routes!(chart_data::dashboard_data))
        .routes(routes!(chart_data::preview))
        .routes(routes!(chart_data::statistics))
        .routes(routes!(data_source_schema::status))
        .routes(routes!(data_source_schema::tables))
}

/// The OpenAPI document, for an all-in-one binary that merges it with the command API's.
pub fn document() -> utoipa::openapi::OpenApi {
    api_router().into_openapi()
}
