//! Every path, method and handler of the HTTP server, in one place. Guards are the
//! extractor types in each handler's signature (`Viewer`, `Editor`, `Owner`, `CsrfForm`).

use super::{
    admin, api, assets, compat, customer, customer_sso, embeds, feeds, public, subscribe,
    subscribe_hook,
};
use actix_web::web;

/// Registers each path of a table once with all its methods, records the list as
/// (method, path) in a public constant, and writes the function that mounts them.
macro_rules! route_table {
    ($(#[$doc:meta])* $table:ident, $configure:ident;
     $( $path:literal => { $( $method:ident : $handler:path ),+ $(,)? } ),* $(,)?) => {
        $(#[$doc])*
        pub const $table: &[(&str, &str)] = &[ $( $( (stringify!($method), $path) ),+ ),* ];

        fn $configure(cfg: &mut web::ServiceConfig) {
            $( cfg.service(web::resource($path) $( .route(web::$method().to($handler)) )+ ); )*
        }
    };
}

route_table! {
    /// Every `/api/v1` route; the OpenAPI test compares it with the published document.
    API_ROUTES, configure_api;
    "/api/v1/pages" => { get: api::pages::list_pages, post: api::pages::post_page },
    "/api/v1/pages/{id}" => { get: api::pages::get_page, patch: api::pages::patch_page, delete: api::pages::delete_page },
    "/api/v1/pages/{id}/logo" => { put: api::pages::put_page_logo, delete: api::pages::delete_page_logo },
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
    "/api/v1/audit" => { get: api::audit::list_audit },
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
    "/api/v1/config/plan" => { post: api::config::post_plan },
    "/api/v1/config/apply" => { post: api::config::post_apply },
    "/api/v1/config/export" => { get: api::config::get_export },
    "/api/v1/alerts/{source}" => { post: api::alerts::post_alert },
    "/api/v1/alerts/{source}/{secret}" => { post: api::alerts::post_alert_secret },
    "/api/v1/alert-rules" => { get: api::alerts::list_alert_rules, post: api::alerts::post_alert_rule },
    "/api/v1/alert-rules/{id}" => {
        get: api::alerts::get_alert_rule,
        put: api::alerts::put_alert_rule,
        delete: api::alerts::delete_alert_rule,
    },
    "/api/v1/alert-sources" => { get: api::alerts::list_alert_sources, post: api::alerts::post_alert_source },
    "/api/v1/alert-sources/{id}" => { delete: api::alerts::delete_alert_source },
    "/api/v1/alert-events" => { get: api::alerts::list_alert_events },
    "/api/v1/openapi.json" => { get: api::openapi::get_openapi },
}

/// `/api/v2/{doc}`: summary, status, components, incidents, incidents/unresolved,
/// scheduled-maintenances, scheduled-maintenances/upcoming, scheduled-maintenances/active.
const V2_DEFAULT: &str = "/api/v2/{doc:(summary|status|components|incidents|incidents/unresolved|scheduled-maintenances|scheduled-maintenances/upcoming|scheduled-maintenances/active)\\.json}";
/// The same documents for one page: `/p/{slug}/api/v2/{doc}`.
const V2_PER_PAGE: &str = "/p/{slug}/api/v2/{doc:(summary|status|components|incidents|incidents/unresolved|scheduled-maintenances|scheduled-maintenances/upcoming|scheduled-maintenances/active)\\.json}";

route_table! {
    /// Every `/admin` route; the role test posts to each POST route as a viewer.
    ADMIN_ROUTES, configure_admin;
    "/admin/setup" => { get: admin::session::get_setup, post: admin::session::post_setup },
    "/admin/login" => { get: admin::session::get_login, post: admin::session::post_login },
    "/admin/logout" => { post: admin::session::post_logout },
    "/admin/oidc/start" => { get: admin::oidc::get_oidc_start },
    "/admin/oidc/callback" => { get: admin::oidc::get_oidc_callback },
    "/admin" => { get: admin::components::get_overview },
    "/admin/components" => {
        get: admin::components::get_components,
        post: admin::components::post_component,
    },
    "/admin/components/{id}" => {
        get: admin::components::get_component,
        post: admin::components::post_component_edit,
    },
    "/admin/components/{id}/status" => { post: admin::components::post_component_status },
    "/admin/components/{id}/move" => { post: admin::components::post_component_move },
    "/admin/components/{id}/delete" => {
        get: admin::confirm::get_component_delete,
        post: admin::components::post_component_delete,
    },
    "/admin/pages" => { get: admin::pages::get_pages, post: admin::pages::post_page },
    "/admin/pages/{id}" => { get: admin::pages::get_page, post: admin::pages::post_page_edit },
    "/admin/pages/{id}/delete" => { get: admin::confirm::get_page_delete, post: admin::pages::post_page_delete },
    "/admin/pages/{id}/logo" => { post: admin::branding::post_page_logo },
    "/admin/pages/{id}/logo/remove" => { get: admin::confirm::get_page_logo_remove, post: admin::branding::post_page_logo_remove },
    "/admin/pages/{id}/access" => { get: admin::page_access::get_page_access },
    "/admin/pages/{id}/sessions/{sid}/revoke" => {
        get: admin::page_access::get_session_revoke,
        post: admin::page_access::post_session_revoke,
    },
    "/admin/pages/{id}/tokens" => { post: admin::page_access::post_read_token },
    "/admin/pages/{id}/tokens/{tid}/revoke" => {
        get: admin::page_access::get_read_token_revoke,
        post: admin::page_access::post_read_token_revoke,
    },
    "/admin/groups" => { post: admin::pages::post_group },
    "/admin/groups/{id}" => { post: admin::pages::post_group_edit },
    "/admin/groups/{id}/delete" => { get: admin::confirm::get_group_delete, post: admin::pages::post_group_delete },
    "/admin/users" => { get: admin::users::get_users, post: admin::users::post_user },
    "/admin/users/{id}/role" => { post: admin::users::post_user_role },
    "/admin/users/{id}/delete" => { get: admin::confirm::get_user_delete, post: admin::users::post_user_delete },
    "/admin/users/{id}/disable" => { get: admin::confirm::get_user_disable, post: admin::users::post_user_disable },
    "/admin/users/{id}/enable" => { post: admin::users::post_user_enable },
    "/admin/invites" => { post: admin::users::post_invite },
    "/admin/invites/{id}/resend" => { post: admin::users::post_invite_resend },
    "/admin/invites/{id}/revoke" => { get: admin::confirm::get_invite_revoke, post: admin::users::post_invite_revoke },
    "/admin/invite/{token}" => { get: admin::team::get_invite, post: admin::team::post_invite },
    "/admin/reset" => { get: admin::team::get_reset, post: admin::team::post_reset },
    "/admin/reset/{token}" => { get: admin::team::get_reset_link, post: admin::team::post_reset_link },
    "/admin/account" => { get: admin::account::get_account },
    "/admin/account/password" => { post: admin::account::post_password },
    "/admin/account/sessions/others" => {
        get: admin::account::get_other_sessions,
        post: admin::account::post_other_sessions,
    },
    "/admin/account/sessions/{id}/revoke" => {
        get: admin::account::get_session_revoke,
        post: admin::account::post_session_revoke,
    },
    "/admin/keys" => { get: admin::keys::get_keys, post: admin::keys::post_key },
    "/admin/keys/{id}/revoke" => { get: admin::confirm::get_key_revoke, post: admin::keys::post_key_revoke },
    "/admin/incidents" => {
        get: admin::incidents::get_incidents,
        post: admin::incidents::post_incident,
    },
    "/admin/incidents/{id}" => {
        get: admin::incidents::get_incident,
        post: admin::incidents::post_incident_edit,
    },
    "/admin/incidents/{id}/updates" => { post: admin::incidents::post_incident_update },
    "/admin/incidents/{id}/updates/{uid}" => { post: admin::incidents::post_update_edit },
    "/admin/incidents/{id}/updates/{uid}/delete" => {
        get: admin::confirm::get_update_delete,
        post: admin::incidents::post_update_delete,
    },
    "/admin/incidents/{id}/publish" => { post: admin::incidents::post_publish },
    "/admin/incidents/{id}/discard" => { get: admin::confirm::get_discard, post: admin::incidents::post_discard },
    "/admin/incidents/{id}/delete" => {
        get: admin::confirm::get_incident_delete,
        post: admin::incidents::post_incident_delete,
    },
    "/admin/incidents/{id}/postmortem" => { post: admin::postmortems::post_postmortem },
    "/admin/incidents/{id}/postmortem/publish" => {
        post: admin::postmortems::post_postmortem_publish,
    },
    "/admin/maintenance" => {
        get: admin::maintenance::get_maintenance,
        post: admin::maintenance::post_maintenance,
    },
    "/admin/maintenance/{id}" => {
        get: admin::maintenance::get_maintenance_item,
        post: admin::maintenance::post_maintenance_edit,
    },
    "/admin/maintenance/{id}/updates" => { post: admin::maintenance::post_maintenance_update },
    "/admin/maintenance/{id}/start" => { post: admin::maintenance::post_start },
    "/admin/maintenance/{id}/complete" => { post: admin::maintenance::post_complete },
    "/admin/maintenance/{id}/extend" => { post: admin::maintenance::post_extend },
    "/admin/maintenance/{id}/delete" => {
        get: admin::confirm::get_maintenance_delete,
        post: admin::maintenance::post_delete,
    },
    "/admin/templates" => {
        get: admin::templates::get_templates,
        post: admin::templates::post_template,
    },
    "/admin/templates/{id}" => { post: admin::templates::post_template_edit },
    "/admin/templates/{id}/delete" => {
        get: admin::confirm::get_template_delete,
        post: admin::templates::post_template_delete,
    },
    "/admin/monitors" => {
        get: admin::monitors::get_monitors,
        post: admin::monitors::post_monitor,
    },
    "/admin/monitors/{id}" => {
        get: admin::monitors::get_monitor,
        post: admin::monitors::post_monitor_edit,
    },
    "/admin/monitors/{id}/check" => { post: admin::monitors::post_check },
    "/admin/monitors/{id}/pause" => { post: admin::monitors::post_pause },
    "/admin/monitors/{id}/delete" => { get: admin::confirm::get_monitor_delete, post: admin::monitors::post_delete },
    "/admin/reports/sla" => { get: admin::monitors::get_sla },
    "/admin/subscribers" => {
        get: admin::subscribers::get_subscribers,
        post: admin::subscribers::post_subscriber,
    },
    "/admin/subscribers/import" => { post: admin::subscribers::post_import },
    "/admin/subscribers/export.csv" => { get: admin::subscribers::get_export },
    "/admin/subscribers/test-email" => { post: admin::subscribers::post_test_email },
    "/admin/subscribers/{id}/test" => { post: admin::subscribers::post_test },
    "/admin/subscribers/{id}/delete" => {
        get: admin::confirm::get_subscriber_delete,
        post: admin::subscribers::post_delete,
    },
    "/admin/audit" => { get: admin::audit::get_audit },
    "/admin/outbox" => { get: admin::subscribers::get_outbox },
    "/admin/outbox/retry" => { post: admin::subscribers::post_retry_all },
    "/admin/outbox/{id}/retry" => { post: admin::subscribers::post_retry },
    "/admin/drafts" => { get: admin::drafts::get_drafts },
    "/admin/drafts/{id}" => { get: admin::drafts::get_draft },
    "/admin/drafts/{id}/publish" => { post: admin::drafts::post_draft_publish },
    "/admin/drafts/{id}/discard" => {
        get: admin::drafts::get_draft_discard,
        post: admin::drafts::post_draft_discard,
    },
    "/admin/drafts/{id}/resolve" => { post: admin::drafts::post_draft_resolve },
    "/admin/alerts" => { get: admin::alerts::get_alerts },
    "/admin/alerts/events" => { get: admin::alerts::get_events },
    "/admin/alerts/sources/{id}" => { get: admin::alerts::get_source, post: admin::alerts::post_secret },
    "/admin/alerts/sources/{id}/test" => { post: admin::alerts::post_test },
    "/admin/alerts/secrets/{id}/revoke" => {
        get: admin::alerts::get_secret_revoke,
        post: admin::alerts::post_secret_revoke,
    },
    "/admin/alert-rules" => { get: admin::alert_rules::get_rules, post: admin::alert_rules::post_rule },
    "/admin/alert-rules/{id}" => { get: admin::alert_rules::get_rule, post: admin::alert_rules::post_rule_edit },
    "/admin/alert-rules/{id}/move" => { post: admin::alert_rules::post_rule_move },
    "/admin/alert-rules/{id}/delete" => {
        get: admin::alert_rules::get_rule_delete,
        post: admin::alert_rules::post_rule_delete,
    },
}

/// Mounts every route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    // The router tries resources in order: the public pages, which take the heavy
    // traffic of an outage, come first, and none of their paths overlaps /api or /admin.
    configure_public(cfg);
    configure_api(cfg);
    configure_admin(cfg);
}

fn configure_public(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/").route(web::get().to(public::get_default_page)))
        .service(web::resource("/p/{slug}").route(web::get().to(public::get_page)))
        .service(web::resource("/incidents/{id}").route(web::get().to(public::get_incident)))
        .service(web::resource("/history").route(web::get().to(public::get_history)))
        // Customer pages: the sign-in form, single sign-on, and the mailed link's Continue page.
        .service(
            web::resource("/p/{slug}/signin")
                .route(web::get().to(customer::get_signin))
                .route(web::post().to(customer::post_signin)),
        )
        .service(web::resource("/p/{slug}/sso").route(web::get().to(customer_sso::get_page_sso)))
        .service(
            web::resource("/p/{slug}/signin/{token}")
                .route(web::get().to(customer::get_signin_link))
                .route(web::post().to(customer::post_signin_link)),
        )
        .service(web::resource("/p/{slug}/history").route(web::get().to(public::get_page_history)))
        .service(web::resource("/uptime").route(web::get().to(public::get_uptime)))
        .service(web::resource("/p/{slug}/uptime").route(web::get().to(public::get_page_uptime)))
        .service(web::resource("/history.atom").route(web::get().to(feeds::get_atom)))
        .service(web::resource("/history.rss").route(web::get().to(feeds::get_rss)))
        .service(web::resource("/p/{slug}/history.atom").route(web::get().to(feeds::get_page_atom)))
        .service(web::resource("/p/{slug}/history.rss").route(web::get().to(feeds::get_page_rss)))
        // Embeds: badges and the widget script, per page too.
        .service(web::resource("/badge.svg").route(web::get().to(embeds::get_badge)))
        .service(web::resource("/p/{slug}/badge.svg").route(web::get().to(embeds::get_page_badge)))
        .service(web::resource("/uptime.svg").route(web::get().to(embeds::get_uptime_badge)))
        .service(
            web::resource("/p/{slug}/uptime.svg")
                .route(web::get().to(embeds::get_page_uptime_badge)),
        )
        .service(web::resource("/embed.js").route(web::get().to(embeds::get_embed_js)))
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
        .service(web::resource("/logo/{name}").route(web::get().to(public::get_logo)))
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
            web::resource("/subscribe/webhook")
                .route(web::post().to(subscribe_hook::post_subscribe_hook)),
        )
        .service(
            web::resource("/p/{slug}/subscribe/webhook")
                .route(web::post().to(subscribe_hook::post_page_subscribe_hook)),
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
        .service(web::resource("/assets/{file}").route(web::get().to(assets::get_asset)))
        .service(web::resource("/metrics").route(web::get().to(super::metrics::get_metrics)));
}
