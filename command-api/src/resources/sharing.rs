//! Share and unshare endpoints, the same for every shareable resource.

/// Generates `share` (POST …/grants) and `unshare` (DELETE …/grants/{grantee}) for a resource whose command
/// enum has `Share { actor, grantee, access }` and `Unshare { actor, grantee }`.
macro_rules! sharing_endpoints {
    ($decider:ty, $command:ident, $tag:literal, $grants_path:literal, $grantee_path:literal) => {
        /// Grants a user, or everyone with a role, view or edit access. Owners and admins only.
        #[utoipa::path(post, path = $grants_path, tag = $tag, request_body = $crate::resources::ShareRequest,
            security(("bearer" = [])), params(("id" = uuid::Uuid, Path, description = "The resource")),
            responses((status = 200, body = $crate::commands::Accepted),
                      (status = 404, body = vizpro_http_edge::ProblemDocument),
                      (status = 422, body = vizpro_http_edge::ProblemDocument)))]
        pub async fn share(
            axum::extract::State(state): axum::extract::State<$crate::state::AppState>,
            caller: vizpro_http_edge::tokens::Caller,
            meta: $crate::commands::RequestMeta,
            vizpro_http_edge::extract::PathParams(id): vizpro_http_edge::extract::PathParams<uuid::Uuid>,
            vizpro_http_edge::extract::JsonBody(request): vizpro_http_edge::extract::JsonBody<
                $crate::resources::ShareRequest,
            >,
        ) -> Result<$crate::commands::Accepted, $crate::error::ApiError> {
            let fingerprint = serde_json::to_value(&request).unwrap_or_default();
            let commands = vec![$command::Share {
                actor: $crate::resources::actor(caller),
                grantee: request.grantee,
                access: request.access,
            }];
            $crate::commands::execute::<$decider>(
                &state,
                $crate::commands::CommandRun::change(id, commands, caller.user_id, &meta, fingerprint),
            )
            .await
        }

        /// Withdraws a grant. Owners and admins only.
        #[utoipa::path(delete, path = $grantee_path, tag = $tag, security(("bearer" = [])),
            params(("id" = uuid::Uuid, Path, description = "The resource"),
                   ("grantee" = String, Path, description = "`user:<uuid>` or `role:<role>`")),
            responses((status = 200, body = $crate::commands::Accepted),
                      (status = 404, body = vizpro_http_edge::ProblemDocument),
                      (status = 409, body = vizpro_http_edge::ProblemDocument)))]
        pub async fn unshare(
            axum::extract::State(state): axum::extract::State<$crate::state::AppState>,
            caller: vizpro_http_edge::tokens::Caller,
            meta: $crate::commands::RequestMeta,
            vizpro_http_edge::extract::PathParams((id, grantee)): vizpro_http_edge::extract::PathParams<(
                uuid::Uuid,
                String,
            )>,
        ) -> Result<$crate::commands::Accepted, $crate::error::ApiError> {
            let grantee = $crate::resources::parse_grantee(&grantee)?;
            let fingerprint = serde_json::to_value(&grantee).unwrap_or_default();
            let commands = vec![$command::Unshare { actor: $crate::resources::actor(caller), grantee }];
            $crate::commands::execute::<$decider>(
                &state,
                $crate::commands::CommandRun::change(id, commands, caller.user_id, &meta, fingerprint),
            )
            .await
        }
    };
}

pub(crate) use sharing_endpoints;
