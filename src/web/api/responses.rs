//! The error answers each `/api/v1` operation documents, shared by the handlers'
//! `#[utoipa::path]` attributes (kept apart from `openapi.rs`, which lists the handlers).

use std::collections::BTreeMap;
use utoipa::IntoResponses;
use utoipa::openapi::{Ref, RefOr, Response};

/// Builds an `IntoResponses` type answering the shared `Error` response for some statuses.
macro_rules! error_set {
    ($(#[$doc:meta])* $name:ident: $($status:literal),+) => {
        $(#[$doc])*
        pub struct $name;
        impl IntoResponses for $name {
            fn responses() -> BTreeMap<String, RefOr<Response>> {
                [$($status),+]
                    .into_iter()
                    .map(|s: u16| (s.to_string(), RefOr::Ref(Ref::from_response_name("Error"))))
                    .collect()
            }
        }
    };
}

error_set!(
    /// A list: a bad filter, no or a bad token, a role too low.
    ListErrors: 400, 401, 403
);
error_set!(
    /// One object by id: no or a bad token, a role too low, no such id.
    ReadErrors: 401, 403, 404
);
error_set!(
    /// A read with filters: a bad filter, no or a bad token, a role too low, no such id.
    QueryErrors: 400, 401, 403, 404
);
error_set!(
    /// No such thing (routes without a token).
    NotFound: 404
);
error_set!(
    /// A change: invalid input, no or a bad token, a role too low, no such id, a clash
    /// (slug taken), a body too large or not JSON, ids that do not exist.
    WriteErrors: 400, 401, 403, 404, 409, 413, 415, 422
);
