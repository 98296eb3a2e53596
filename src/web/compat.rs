//! The Statuspage v2 read API (`/api/v2/*.json`, also per page under `/p/{slug}`):
//! the field names, nesting, enums and timestamp format of Statuspage, so existing
//! widgets, pollers and exporters work unchanged. Documents are built by pure
//! functions from a page's share of the snapshot and cached per store generation.
//! Longer than 500 lines only through its tests (the code is 285 lines).

use super::public::{self, Client};
use crate::domain::statuspage::{self as sp, Ts, V2Component, V2Incident};
use crate::domain::{Component, Incident, Maintenance, MaintenanceStatus};
use crate::error::{AppError, AppResult};
use crate::snapshot::{self, PageData, Rendered};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use serde::Serialize;

/// The documents of the v2 API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Doc {
    Summary,
    Status,
    Components,
    Incidents,
    Unresolved,
    Maintenances,
    Upcoming,
    Active,
}

impl Doc {
    pub const ALL: [Doc; 8] = [
        Doc::Summary,
        Doc::Status,
        Doc::Components,
        Doc::Incidents,
        Doc::Unresolved,
        Doc::Maintenances,
        Doc::Upcoming,
        Doc::Active,
    ];

    /// The path under `/api/v2/`.
    pub fn path(self) -> &'static str {
        match self {
            Doc::Summary => "summary.json",
            Doc::Status => "status.json",
            Doc::Components => "components.json",
            Doc::Incidents => "incidents.json",
            Doc::Unresolved => "incidents/unresolved.json",
            Doc::Maintenances => "scheduled-maintenances.json",
            Doc::Upcoming => "scheduled-maintenances/upcoming.json",
            Doc::Active => "scheduled-maintenances/active.json",
        }
    }

    pub fn from_path(path: &str) -> Option<Doc> {
        Doc::ALL.into_iter().find(|d| d.path() == path)
    }
}

/// How many incidents and maintenances the list documents carry, as Statuspage does.
const LIST_LIMIT: usize = 50;

/// One v2 response: the page object plus the parts the document carries.
#[derive(Serialize)]
struct Document<'a> {
    page: sp::Page<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    components: Option<Vec<V2Component<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    incidents: Option<Vec<V2Incident<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scheduled_maintenances: Option<Vec<V2Incident<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<sp::Status>,
}

/// Builds the v2 shapes of one page; `public_url` is the base of shortlinks.
struct Builder<'a, 'd> {
    d: &'d PageData<'a>,
    public_url: &'d str,
}

impl<'a, 'd> Builder<'a, 'd> {
    fn page(&self) -> sp::Page<'a> {
        let p = self.d.page;
        sp::Page {
            id: &p.id,
            name: &p.title,
            url: snapshot::page_url(self.public_url, p),
            time_zone: &p.time_zone,
            updated_at: Ts(self.d.updated_at),
        }
    }

    /// A component; its group only when that group is on this page.
    fn component(&self, c: &'a Component) -> V2Component<'a> {
        let group_id = c
            .group_id
            .as_deref()
            .filter(|g| self.d.groups.iter().any(|x| x.id == *g));
        sp::component(c, group_id, &self.d.page.id)
    }

    /// The page's components, then its groups as components with `group: true`.
    fn components(&self) -> Vec<V2Component<'a>> {
        let mut out: Vec<V2Component<'a>> = self
            .d
            .components
            .iter()
            .map(|c| self.component(c))
            .collect();
        for g in &self.d.groups {
            let members: Vec<&'a Component> = self
                .d
                .components
                .iter()
                .copied()
                .filter(|c| c.group_id.as_deref() == Some(g.id.as_str()))
                .collect();
            out.push(sp::group(g, &members, &self.d.page.id));
        }
        out
    }

    /// Components by id, as they are now; ids no longer known are left out.
    fn components_of(&self, ids: impl IntoIterator<Item = &'a String>) -> Vec<V2Component<'a>> {
        ids.into_iter()
            .filter_map(|id| self.d.all_components.iter().find(|c| &c.id == id))
            .map(|c| self.component(c))
            .collect()
    }

    fn incident(&self, i: &'a Incident) -> V2Incident<'a> {
        let comps = self.components_of(i.components.iter().map(|c| &c.id));
        sp::incident(i, self.public_url, comps)
    }

    fn maintenance(&self, m: &'a Maintenance) -> V2Incident<'a> {
        sp::maintenance(m, self.public_url, self.components_of(&m.component_ids))
    }

    fn status(&self) -> sp::Status {
        sp::Status {
            indicator: self.d.overall.indicator,
            description: self.d.overall.description,
        }
    }

    fn incidents(&self, open_only: bool) -> Vec<V2Incident<'a>> {
        self.d
            .incidents
            .iter()
            .filter(|i| !open_only || i.is_active())
            .take(if open_only { usize::MAX } else { LIST_LIMIT })
            .map(|i| self.incident(i))
            .collect()
    }

    /// Active first, then upcoming soonest first (what `summary.json` carries).
    fn current_maintenance(&self) -> Vec<V2Incident<'a>> {
        let mut list = self.d.active_maintenance();
        list.extend(self.d.upcoming_maintenance());
        list.into_iter().map(|m| self.maintenance(m)).collect()
    }

    fn document(&self, doc: Doc) -> Document<'a> {
        let mut out = Document {
            page: self.page(),
            components: None,
            incidents: None,
            scheduled_maintenances: None,
            status: None,
        };
        match doc {
            Doc::Summary => {
                out.components = Some(self.components());
                out.incidents = Some(self.incidents(true));
                out.scheduled_maintenances = Some(self.current_maintenance());
                out.status = Some(self.status());
            }
            Doc::Status => out.status = Some(self.status()),
            Doc::Components => out.components = Some(self.components()),
            Doc::Incidents => out.incidents = Some(self.incidents(false)),
            Doc::Unresolved => out.incidents = Some(self.incidents(true)),
            Doc::Maintenances => {
                let mut list = self.d.maintenance.clone();
                list.sort_by_key(|m| std::cmp::Reverse(m.starts_at));
                list.truncate(LIST_LIMIT);
                out.scheduled_maintenances =
                    Some(list.into_iter().map(|m| self.maintenance(m)).collect());
            }
            Doc::Upcoming => {
                out.scheduled_maintenances = Some(
                    self.d
                        .maintenance
                        .iter()
                        .filter(|m| m.status == MaintenanceStatus::Scheduled)
                        .map(|m| self.maintenance(m))
                        .collect(),
                )
            }
            Doc::Active => {
                out.scheduled_maintenances = Some(
                    self.d
                        .active_maintenance()
                        .into_iter()
                        .map(|m| self.maintenance(m))
                        .collect(),
                )
            }
        }
        out
    }
}

/// The JSON of one v2 document for a page.
pub fn document_json(doc: Doc, d: &PageData, public_url: &str) -> AppResult<Vec<u8>> {
    let b = Builder { d, public_url };
    serde_json::to_vec(&b.document(doc))
        .map_err(|e| AppError::Internal(format!("v2 document: {e}")))
}

const CORS: [(&str, &str); 1] = [("Access-Control-Allow-Origin", "*")];

async fn serve(
    req: &HttpRequest,
    state: &AppState,
    slug: Option<&str>,
    doc: &str,
) -> AppResult<HttpResponse> {
    let doc = Doc::from_path(doc).ok_or_else(|| AppError::NotFound(format!("/api/v2/{doc}")))?;
    if let Some(res) = public::kept(req, state) {
        return Ok(res);
    }
    let snap = state.page_cache.snapshot(&state.store).await?;
    let page = public::resolve(req, &snap, slug)
        .ok_or_else(|| AppError::NotFound(format!("page {}", slug.unwrap_or("default"))))?;
    public::allow(req, page, Client::Machine).await?;
    let key = format!("{}/v2/{}", page.id, doc.path());
    let r = state.page_cache.document(&key, snap.generation, || {
        let d = snap.page_data(page);
        let body = document_json(doc, &d, &state.config.public_url)?;
        Ok(Rendered::new(snap.generation, body, "application/json"))
    })?;
    Ok(public::respond(req, &r, page, &CORS))
}

/// Errors carry the CORS header too, so browser widgets can read them.
fn with_cors(res: AppResult<HttpResponse>) -> HttpResponse {
    let mut res = res.unwrap_or_else(|e| e.error_response());
    res.headers_mut().insert(
        actix_web::http::header::ACCESS_CONTROL_ALLOW_ORIGIN,
        actix_web::http::header::HeaderValue::from_static("*"),
    );
    res
}

/// `GET /api/v2/{doc}` for the page of the request's Host, else the default page.
pub async fn get_v2(
    req: HttpRequest,
    state: web::Data<AppState>,
    doc: web::Path<String>,
) -> HttpResponse {
    with_cors(serve(&req, &state, None, &doc).await)
}

/// `GET /p/{slug}/api/v2/{doc}`.
pub async fn get_page_v2(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let (slug, doc) = path.into_inner();
    with_cors(serve(&req, &state, Some(&slug), &doc).await)
}

/// `OPTIONS` preflight of any v2 document.
pub async fn options_v2() -> HttpResponse {
    HttpResponse::NoContent()
        .insert_header(("Access-Control-Allow-Origin", "*"))
        .insert_header(("Access-Control-Allow-Methods", "GET, OPTIONS"))
        .insert_header((
            "Access-Control-Allow-Headers",
            "Accept, Authorization, Content-Type, If-None-Match",
        ))
        .insert_header(("Access-Control-Max-Age", "86400"))
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{
        AffectedComponent, Audience, ComponentChange, ComponentStatus, Group, Impact,
        IncidentState, IncidentStatus, Page, Update,
    };
    use crate::snapshot::Snapshot;
    use chrono::{DateTime, TimeZone, Utc};
    use serde_json::Value;

    const FIXTURE: &str = include_str!("../../tests/fixtures/statuspage-v2-summary.example.json");

    fn at(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, d, h, m, 0).unwrap()
    }

    fn jan10() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 10, 8, 0, 0).unwrap()
    }

    /// The fixture's page rebuilt as statusd records.
    fn snapshot() -> Snapshot {
        let page = Page {
            managed_by_config: false,
            id: "01JDX0PAGE0000000000000000".into(),
            slug: "default".into(),
            title: "Acme Status".into(),
            audience: Audience::Public,
            time_zone: "Europe/Berlin".into(),
            custom_host: None,
            allowed_domains: vec![],
            theme: String::new(),
            accent_color: None,
            logo: None,
            created_at: jan10(),
            updated_at: jan10(),
        };
        let group = Group {
            slug: String::new(),
            managed_by_config: false,
            id: "01JDX0GROUPCORE000000000000".into(),
            page_id: page.id.clone(),
            name: "Core platform".into(),
            position: 0,
            collapsed: false,
            created_at: jan10(),
            updated_at: jan10(),
        };
        let api = Component {
            slug: String::new(),
            managed_by_config: false,
            id: "01JDX0COMPAPI00000000000000".into(),
            name: "API".into(),
            description: "Public REST API".into(),
            group_id: Some(group.id.clone()),
            page_ids: vec![page.id.clone()],
            status: ComponentStatus::PartialOutage,
            position: 1,
            created_at: jan10(),
            updated_at: at(23, 10, 2),
            show_measured_uptime: false,
        };
        let change = |old, new| ComponentChange {
            id: api.id.clone(),
            name: api.name.clone(),
            old_status: old,
            new_status: new,
        };
        let update = |id: &str, status: &str, body: &str, t, changes| Update {
            id: id.into(),
            status: status.into(),
            message: body.into(),
            created_at: t,
            updated_at: None,
            by: "t".into(),
            notify: true,
            component_changes: changes,
        };
        let incident = Incident {
            id: "01JDX0INC000000000000000000".into(),
            page_id: page.id.clone(),
            title: "Elevated API error rates".into(),
            impact: Impact::Major,
            status: IncidentStatus::Identified,
            state: IncidentState::Published,
            components: vec![AffectedComponent {
                id: api.id.clone(),
                status: ComponentStatus::PartialOutage,
            }],
            started_at: at(23, 9, 58),
            identified_at: Some(at(23, 10, 15)),
            monitoring_at: None,
            resolved_at: None,
            published_at: Some(at(23, 10, 0)),
            created_at: at(23, 10, 0),
            updated_at: at(23, 10, 15),
            created_by: "t".into(),
            source_text: None,
            updates: vec![
                update(
                    "01JDX0UPD100000000000000000",
                    "investigating",
                    "We are investigating elevated error rates on the API.",
                    at(23, 10, 0),
                    vec![change(
                        ComponentStatus::Operational,
                        ComponentStatus::PartialOutage,
                    )],
                ),
                update(
                    "01JDX0UPD200000000000000000",
                    "identified",
                    "We found a faulty database replica and are failing over.",
                    at(23, 10, 15),
                    vec![change(
                        ComponentStatus::PartialOutage,
                        ComponentStatus::PartialOutage,
                    )],
                ),
            ],
            postmortem: None,
            history: vec![],
        };
        let maintenance = Maintenance {
            id: "01JDX0MNT000000000000000000".into(),
            page_id: page.id.clone(),
            title: "Database upgrade".into(),
            message: String::new(),
            component_ids: vec![],
            starts_at: at(28, 2, 0),
            ends_at: at(28, 3, 0),
            status: MaintenanceStatus::Scheduled,
            started_at: None,
            completed_at: None,
            created_at: at(20, 12, 0),
            updated_at: at(20, 12, 0),
            created_by: "t".into(),
            updates: vec![],
        };
        Snapshot {
            generation: 1,
            pages: vec![page],
            groups: vec![group],
            components: vec![api],
            incidents: vec![incident],
            maintenance: vec![maintenance],
            timelines: Default::default(),
            measured: Default::default(),
            now: at(23, 10, 2),
        }
    }

    fn doc(snap: &Snapshot, doc: Doc) -> Value {
        let d = snap.page_data(&snap.pages[0]);
        serde_json::from_slice(&document_json(doc, &d, "https://status.acme.example/").unwrap())
            .unwrap()
    }

    fn kind(v: &Value) -> &'static str {
        match v {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }

    /// Every field of `want` is in `got` with the same JSON type (null matches
    /// anything: a nullable field may be set); arrays compare their first elements.
    fn same_shape(want: &Value, got: &Value, path: &str, errs: &mut Vec<String>) {
        match (want, got) {
            (Value::Null, _) | (_, Value::Null) => {}
            (Value::Object(w), Value::Object(g)) => {
                for (k, wv) in w {
                    match g.get(k) {
                        Some(gv) => same_shape(wv, gv, &format!("{path}.{k}"), errs),
                        None => errs.push(format!("{path}.{k} missing")),
                    }
                }
            }
            (Value::Array(w), Value::Array(g)) => {
                if let (Some(wv), Some(gv)) = (w.first(), g.first()) {
                    same_shape(wv, gv, &format!("{path}[0]"), errs);
                }
            }
            (w, g) if kind(w) == kind(g) => {}
            (w, g) => errs.push(format!("{path}: want {}, got {}", kind(w), kind(g))),
        }
    }

    #[test]
    fn summary_equals_the_fixture() {
        let fixture: Value = serde_json::from_str(FIXTURE).unwrap();
        let got = doc(&snapshot(), Doc::Summary);
        // Built from the same data, the document is the fixture itself, field for field.
        assert_eq!(
            got,
            fixture,
            "got {}",
            serde_json::to_string_pretty(&got).unwrap()
        );
    }

    #[test]
    fn every_document_has_the_fixture_fields_and_types() {
        let fixture: Value = serde_json::from_str(FIXTURE).unwrap();
        let snap = snapshot();
        let cases: [(Doc, &[&str]); 8] = [
            (
                Doc::Summary,
                &[
                    "page",
                    "components",
                    "incidents",
                    "scheduled_maintenances",
                    "status",
                ],
            ),
            (Doc::Status, &["page", "status"]),
            (Doc::Components, &["page", "components"]),
            (Doc::Incidents, &["page", "incidents"]),
            (Doc::Unresolved, &["page", "incidents"]),
            (Doc::Maintenances, &["page", "scheduled_maintenances"]),
            (Doc::Upcoming, &["page", "scheduled_maintenances"]),
            (Doc::Active, &["page", "scheduled_maintenances"]),
        ];
        for (d, keys) in cases {
            let got = doc(&snap, d);
            let obj = got.as_object().unwrap();
            let mut have: Vec<&str> = obj.keys().map(String::as_str).collect();
            have.sort();
            let mut want = keys.to_vec();
            want.sort();
            assert_eq!(have, want, "{}", d.path());
            let mut errs = vec![];
            for k in keys {
                same_shape(&fixture[k], &got[k], k, &mut errs);
            }
            assert!(errs.is_empty(), "{}: {errs:?}", d.path());
        }
    }

    #[test]
    fn lists_follow_status() {
        let mut snap = snapshot();
        let mut resolved = snap.incidents[0].clone();
        resolved.id = "resolved".into();
        resolved.status = IncidentStatus::Resolved;
        resolved.resolved_at = Some(at(23, 11, 0));
        snap.incidents.push(resolved);
        let mut active = snap.maintenance[0].clone();
        active.id = "active".into();
        active.status = MaintenanceStatus::InProgress;
        let mut done = snap.maintenance[0].clone();
        done.id = "done".into();
        done.status = MaintenanceStatus::Completed;
        snap.maintenance.extend([active, done]);
        let ids = |v: &Value, key: &str| -> Vec<String> {
            v[key]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x["id"].as_str().unwrap().to_string())
                .collect()
        };
        let inc = "01JDX0INC000000000000000000";
        let mnt = "01JDX0MNT000000000000000000";
        let cases: [(Doc, &str, Vec<&str>); 6] = [
            (Doc::Incidents, "incidents", vec![inc, "resolved"]),
            (Doc::Unresolved, "incidents", vec![inc]),
            (Doc::Upcoming, "scheduled_maintenances", vec![mnt]),
            (Doc::Active, "scheduled_maintenances", vec!["active"]),
            (
                Doc::Maintenances,
                "scheduled_maintenances",
                vec!["active", "done", mnt],
            ),
            (Doc::Summary, "scheduled_maintenances", vec!["active", mnt]),
        ];
        for (d, key, want) in cases {
            let mut got = ids(&doc(&snap, d), key);
            let mut want: Vec<String> = want.into_iter().map(String::from).collect();
            if d == Doc::Maintenances {
                // Same start: the order among them is not specified.
                got.sort();
                want.sort();
            }
            assert_eq!(got, want, "{}", d.path());
        }
    }

    #[test]
    fn active_maintenance_without_components_sets_the_maintenance_indicator() {
        let mut snap = snapshot();
        snap.incidents.clear();
        snap.components[0].status = ComponentStatus::Operational;
        let s = doc(&snap, Doc::Status);
        assert_eq!(s["status"]["indicator"], "none");
        snap.maintenance[0].status = MaintenanceStatus::InProgress;
        let s = doc(&snap, Doc::Status);
        assert_eq!(s["status"]["indicator"], "maintenance");
        assert_eq!(s["status"]["description"], "Service Under Maintenance");
    }

    #[test]
    fn doc_paths_round_trip() {
        for d in Doc::ALL {
            assert_eq!(Doc::from_path(d.path()), Some(d));
        }
        assert_eq!(Doc::from_path("nope.json"), None);
    }
}
