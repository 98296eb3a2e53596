//! Every path, method and handler of the HTTP server, in one place. Guards are the
//! extractor types in each handler's signature (`Viewer`, `Editor`, `Owner`, `CsrfForm`).

use super::{admin, api, assets, compat, feeds, public, subscribe};
use actix_web::web;

/// Registers each API path once with all its methods and records the list in
/// `API_ROUTES`, which the OpenAPI test compares against the published document.
macro_rules! api_routes {
    ($( $path:literal => { $( $method:ident : $handler:path ),+ $(,)? } ),* $(,)?) => {
        /// Every `/api/v1` route as (method, path).
        pub const API_ROUTES: &[(&str, &str)] = &[ $( $( (stringify!($method), $path) ),+ ),* ];

        fn configure_api(cfg: &mut web::ServiceConfig) {
            $( cfg.service(web::resource($path) $( .route(web::$method().to($handler)) )+ ); )*
        }
    };
}

api_routes! {
    "/api/v1/pages" => { get: api::pages::list_pages, post: api::pages::post_page },
    "/api/v1/pages/{id}" => { get: api::pages::get_page, patch: api::pages::patch_page, delete: api::pages::delete_page },
    "/api/v1/groups" => { get: api::groups::list_groups, post: api::groups::post_group },
    "/api/v1/groups/{id}" => { get: api::groups::get_group, patch: api::groups::patch_group, delete: api::groups::delete_group },
    "/api/v1/components" => { get: api::components::list_components, post: api::components::post_component },
    "/api/v1/components/{id}" => {
        get: api::components::get_component,
        patch: api::components::patch_component,
        delete: api::components::delete_component,
    },
    "/api/v1/incidents" => { get: api::incidents::list_incidents, post: api::incidents::post_incident },
    "/api/v1/incidents/{id}" => {
        get: api::incidents::get_incident,
        patch: api::incidents::patch_incident,
        delete: api::incidents::delete_incident,
    },
    "/api/v1/incidents/{id}/updates" => { post: api::incidents::post_incident_update },
    "/api/v1/incidents/{id}/updates/{update_id}" => {
        patch: api::incidents::patch_incident_update,
        delete: api::incidents::delete_incident_update,
    },
    "/api/v1/incidents/{id}/publish" => { post: api::incidents::post_publish },
    "/api/v1/incidents/{id}/discard" => { post: api::incidents::post_discard },
    "/api/v1/incidents/{id}/postmortem" => { get: api::postmortems::get_postmortem, put: api::postmortems::put_postmortem },
    "/api/v1/incidents/{id}/postmortem/publish" => { post: api::postmortems::post_postmortem_publish },
    "/api/v1/maintenance" => { get: api::maintenance::list_maintenance, post: api::maintenance::post_maintenance },
    "/api/v1/maintenance/{id}" => {
        get: api::maintenance::get_maintenance,
        patch: api::maintenance::patch_maintenance,
        delete: api::maintenance::delete_maintenance,
    },
    "/api/v1/maintenance/{id}/start" => { post: api::maintenance::post_start },
    "/api/v1/maintenance/{id}/complete" => { post: api::maintenance::post_complete },
    "/api/v1/templates" => { get: api::templates::list_templates, post: api::templates::post_template },
    "/api/v1/templates/{id}" => {
        get: api::templates::get_template,
        put: api::templates::put_template,
        delete: api::templates::delete_template,
    },
    "/api/v1/events" => { get: api::events::list_events },
    "/api/v1/monitors" => { get: api::monitors::list_monitors, post: api::monitors::post_monitor },
    "/api/v1/monitors/{id}" => {
        get: api::monitors::get_monitor,
        patch: api::monitors::patch_monitor,
        delete: api::monitors::delete_monitor,
    },
    "/api/v1/monitors/{id}/check" => { post: api::monitors::post_check },
    "/api/v1/monitors/{id}/results" => { get: api::monitors::get_results },
    "/api/v1/heartbeat/{token}" => { get: api::monitors::heartbeat, post: api::monitors::heartbeat },
    "/api/v1/reports/sla" => { get: api::monitors::get_sla },
    "/api/v1/subscribers" => { get: api::subscribers::list_subscribers, post: api::subscribers::post_subscriber },
    "/api/v1/subscribers/import" => { post: api::subscribers::post_import },
    "/api/v1/subscribers/export" => { get: api::subscribers::get_export },
    "/api/v1/subscribers/{id}" => {
        get: api::subscribers::get_subscriber,
        patch: api::subscribers::patch_subscriber,
        delete: api::subscribers::delete_subscriber,
    },
    "/api/v1/subscribers/{id}/test" => { post: api::subscribers::post_test },
    "/api/v1/notices" => { get: api::subscribers::list_notices },
    "/api/v1/notices/{id}/retry" => { post: api::subscribers::post_notice_retry },
    "/api/v1/keys" => { get: api::keys::list_keys, post: api::keys::post_key },
    "/api/v1/keys/{id}" => { delete: api::keys::delete_key },
    "/api/v1/backup" => { get: api::backup::get_backup },
    "/api/v1/openapi.json" => { get: api::openapi::get_openapi },
}

/// `/api/v2/{doc}`: summary, status, components, incidents, incidents/unresolved,
/// scheduled-maintenances, scheduled-maintenances/upcoming, scheduled-maintenances/active.
const V2_DEFAULT: &str = "/api/v2/{doc:(summary|status|components|incidents|incidents/unresolved|scheduled-maintenances|scheduled-maintenances/upcoming|scheduled-maintenances/active)\\.json}";
/// The same documents for one page: `/p/{slug}/api/v2/{doc}`.
const V2_PER_PAGE: &str = "/p/{slug}/api/v2/{doc:(summary|status|components|incidents|incidents/unresolved|scheduled-maintenances|scheduled-maintenances/upcoming|scheduled-maintenances/active)\\.json}";

/// Mounts every route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    configure_api(cfg);
    cfg.service(web::resource("/").route(web::get().to(public::get_default_page)))
        .service(web::resource("/p/{slug}").route(web::get().to(public::get_page)))
        .service(web::resource("/incidents/{id}").route(web::get().to(public::get_incident)))
        .service(web::resource("/history").route(web::get().to(public::get_history)))
        .service(web::resource("/p/{slug}/history").route(web::get().to(public::get_page_history)))
        .service(web::resource("/uptime").route(web::get().to(public::get_uptime)))
        .service(web::resource("/p/{slug}/uptime").route(web::get().to(public::get_page_uptime)))
        .service(web::resource("/history.atom").route(web::get().to(feeds::get_atom)))
        .service(web::resource("/history.rss").route(web::get().to(feeds::get_rss)))
        .service(web::resource("/p/{slug}/history.atom").route(web::get().to(feeds::get_page_atom)))
        .service(web::resource("/p/{slug}/history.rss").route(web::get().to(feeds::get_page_rss)))
        // Statuspage v2 read API, CORS `*`; the documents are listed in the pattern.
        .service(
            web::resource(V2_DEFAULT)
                .route(web::get().to(compat::get_v2))
                .route(web::method(actix_web::http::Method::OPTIONS).to(compat::options_v2)),
        )
        .service(
            web::resource(V2_PER_PAGE)
                .route(web::get().to(compat::get_page_v2))
                .route(web::method(actix_web::http::Method::OPTIONS).to(compat::options_v2)),
        )
        .service(web::resource("/healthz").route(web::get().to(public::get_healthz)))
        // Subscriptions: sign-up, double opt-in, preferences, one-click unsubscribe.
        .service(
            web::resource("/subscribe")
                .route(web::get().to(subscribe::get_subscribe))
                .route(web::post().to(subscribe::post_subscribe)),
        )
        .service(
            web::resource("/p/{slug}/subscribe")
                .route(web::get().to(subscribe::get_page_subscribe))
                .route(web::post().to(subscribe::post_page_subscribe)),
        )
        .service(
            web::resource("/subscribe/confirm/{token}")
                .route(web::get().to(subscribe::get_confirm))
                .route(web::post().to(subscribe::post_confirm)),
        )
        .service(
            web::resource("/subscriptions/{token}")
                .route(web::get().to(subscribe::get_manage))
                .route(web::post().to(subscribe::post_manage)),
        )
        .service(
            web::resource("/unsubscribe/{token}")
                .route(web::get().to(subscribe::get_unsubscribe))
                .route(web::post().to(subscribe::post_unsubscribe)),
        )
        .service(
            web::resource("/admin/subscribers")
                .route(web::get().to(admin::subscribers::get_subscribers))
                .route(web::post().to(admin::subscribers::post_subscriber)),
        )
        .service(
            web::resource("/admin/subscribers/import")
                .route(web::post().to(admin::subscribers::post_import)),
        )
        .service(
            web::resource("/admin/subscribers/export.csv")
                .route(web::get().to(admin::subscribers::get_export)),
        )
        .service(
            web::resource("/admin/subscribers/test-email")
                .route(web::post().to(admin::subscribers::post_test_email)),
        )
        .service(
            web::resource("/admin/subscribers/{id}/test")
                .route(web::post().to(admin::subscribers::post_test)),
        )
        .service(
            web::resource("/admin/subscribers/{id}/delete")
                .route(web::post().to(admin::subscribers::post_delete)),
        )
        .service(
            web::resource("/admin/outbox").route(web::get().to(admin::subscribers::get_outbox)),
        )
        .service(
            web::resource("/admin/outbox/retry")
                .route(web::post().to(admin::subscribers::post_retry_all)),
        )
        .service(
            web::resource("/admin/outbox/{id}/retry")
                .route(web::post().to(admin::subscribers::post_retry)),
        )
        .service(web::resource("/assets/{file}").route(web::get().to(assets::get_asset)))
        .service(
            web::resource("/admin/setup")
                .route(web::get().to(admin::session::get_setup))
                .route(web::post().to(admin::session::post_setup)),
        )
        .service(
            web::resource("/admin/login")
                .route(web::get().to(admin::session::get_login))
                .route(web::post().to(admin::session::post_login)),
        )
        .service(web::resource("/admin/logout").route(web::post().to(admin::session::post_logout)))
        .service(web::resource("/admin").route(web::get().to(admin::components::get_overview)))
        .service(
            web::resource("/admin/components")
                .route(web::get().to(admin::components::get_components))
                .route(web::post().to(admin::components::post_component)),
        )
        .service(
            web::resource("/admin/components/{id}")
                .route(web::get().to(admin::components::get_component))
                .route(web::post().to(admin::components::post_component_edit)),
        )
        .service(
            web::resource("/admin/components/{id}/status")
                .route(web::post().to(admin::components::post_component_status)),
        )
        .service(
            web::resource("/admin/components/{id}/move")
                .route(web::post().to(admin::components::post_component_move)),
        )
        .service(
            web::resource("/admin/components/{id}/delete")
                .route(web::post().to(admin::components::post_component_delete)),
        )
        .service(
            web::resource("/admin/pages")
                .route(web::get().to(admin::pages::get_pages))
                .route(web::post().to(admin::pages::post_page)),
        )
        .service(
            web::resource("/admin/pages/{id}")
                .route(web::get().to(admin::pages::get_page))
                .route(web::post().to(admin::pages::post_page_edit)),
        )
        .service(
            web::resource("/admin/pages/{id}/delete")
                .route(web::post().to(admin::pages::post_page_delete)),
        )
        .service(web::resource("/admin/groups").route(web::post().to(admin::pages::post_group)))
        .service(
            web::resource("/admin/groups/{id}")
                .route(web::post().to(admin::pages::post_group_edit)),
        )
        .service(
            web::resource("/admin/groups/{id}/delete")
                .route(web::post().to(admin::pages::post_group_delete)),
        )
        .service(
            web::resource("/admin/users")
                .route(web::get().to(admin::users::get_users))
                .route(web::post().to(admin::users::post_user)),
        )
        .service(
            web::resource("/admin/users/{id}/role")
                .route(web::post().to(admin::users::post_user_role)),
        )
        .service(
            web::resource("/admin/users/{id}/delete")
                .route(web::post().to(admin::users::post_user_delete)),
        )
        .service(
            web::resource("/admin/keys")
                .route(web::get().to(admin::keys::get_keys))
                .route(web::post().to(admin::keys::post_key)),
        )
        .service(
            web::resource("/admin/incidents")
                .route(web::get().to(admin::incidents::get_incidents))
                .route(web::post().to(admin::incidents::post_incident)),
        )
        .service(
            web::resource("/admin/incidents/{id}")
                .route(web::get().to(admin::incidents::get_incident))
                .route(web::post().to(admin::incidents::post_incident_edit)),
        )
        .service(
            web::resource("/admin/incidents/{id}/updates")
                .route(web::post().to(admin::incidents::post_incident_update)),
        )
        .service(
            web::resource("/admin/incidents/{id}/updates/{uid}")
                .route(web::post().to(admin::incidents::post_update_edit)),
        )
        .service(
            web::resource("/admin/incidents/{id}/updates/{uid}/delete")
                .route(web::post().to(admin::incidents::post_update_delete)),
        )
        .service(
            web::resource("/admin/incidents/{id}/publish")
                .route(web::post().to(admin::incidents::post_publish)),
        )
        .service(
            web::resource("/admin/incidents/{id}/discard")
                .route(web::post().to(admin::incidents::post_discard)),
        )
        .service(
            web::resource("/admin/incidents/{id}/postmortem")
                .route(web::post().to(admin::incidents::post_postmortem)),
        )
        .service(
            web::resource("/admin/incidents/{id}/postmortem/publish")
                .route(web::post().to(admin::incidents::post_postmortem_publish)),
        )
        .service(
            web::resource("/admin/maintenance")
                .route(web::get().to(admin::maintenance::get_maintenance))
                .route(web::post().to(admin::maintenance::post_maintenance)),
        )
        .service(
            web::resource("/admin/maintenance/{id}/start")
                .route(web::post().to(admin::maintenance::post_start)),
        )
        .service(
            web::resource("/admin/maintenance/{id}/complete")
                .route(web::post().to(admin::maintenance::post_complete)),
        )
        .service(
            web::resource("/admin/maintenance/{id}/extend")
                .route(web::post().to(admin::maintenance::post_extend)),
        )
        .service(
            web::resource("/admin/maintenance/{id}/delete")
                .route(web::post().to(admin::maintenance::post_delete)),
        )
        .service(
            web::resource("/admin/templates")
                .route(web::get().to(admin::templates::get_templates))
                .route(web::post().to(admin::templates::post_template)),
        )
        .service(
            web::resource("/admin/templates/{id}")
                .route(web::post().to(admin::templates::post_template_edit)),
        )
        .service(
            web::resource("/admin/templates/{id}/delete")
                .route(web::post().to(admin::templates::post_template_delete)),
        )
        .service(
            web::resource("/admin/monitors")
                .route(web::get().to(admin::monitors::get_monitors))
                .route(web::post().to(admin::monitors::post_monitor)),
        )
        .service(
            web::resource("/admin/monitors/{id}")
                .route(web::get().to(admin::monitors::get_monitor))
                .route(web::post().to(admin::monitors::post_monitor_edit)),
        )
        .service(
            web::resource("/admin/monitors/{id}/check")
                .route(web::post().to(admin::monitors::post_check)),
        )
        .service(
            web::resource("/admin/monitors/{id}/pause")
                .route(web::post().to(admin::monitors::post_pause)),
        )
        .service(
            web::resource("/admin/monitors/{id}/delete")
                .route(web::post().to(admin::monitors::post_delete)),
        )
        .service(web::resource("/admin/reports/sla").route(web::get().to(admin::monitors::get_sla)))
        .service(web::resource("/metrics").route(web::get().to(super::metrics::get_metrics)))
        .service(
            web::resource("/admin/keys/{id}/revoke")
                .route(web::post().to(admin::keys::post_key_revoke)),
        );
}
