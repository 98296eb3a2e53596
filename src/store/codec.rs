//! `Json<T>`: the one codec for record values. Records are serde structs stored as JSON
//! so fields can be added (with `#[serde(default)]`) without a migration.

use redb::{TypeName, Value};
use serde::{Serialize, de::DeserializeOwned};
use std::fmt::Debug;
use std::marker::PhantomData;

/// A redb value type holding `T` as JSON.
#[derive(Debug)]
pub struct Json<T>(PhantomData<T>);

impl<T> Value for Json<T>
where
    T: Serialize + DeserializeOwned + Debug + 'static,
{
    type SelfType<'a>
        = T
    where
        Self: 'a;
    type AsBytes<'a>
        = Vec<u8>
    where
        Self: 'a;

    fn fixed_width() -> Option<usize> {
        None
    }

    fn from_bytes<'a>(data: &'a [u8]) -> T
    where
        Self: 'a,
    {
        // redb checksums pages, so a record that does not decode means a file written by
        // an incompatible build; there is no sensible value to return.
        serde_json::from_slice(data).unwrap_or_else(|e| {
            panic!(
                "a {} record in the data file does not decode ({e}); restore a backup or use the statusd version that wrote it",
                std::any::type_name::<T>()
            )
        })
    }

    fn as_bytes<'a, 'b: 'a>(value: &'a T) -> Vec<u8>
    where
        Self: 'b,
    {
        serde_json::to_vec(value).expect("records serialize to JSON")
    }

    fn type_name() -> TypeName {
        TypeName::new("statusd::Json")
    }
}
