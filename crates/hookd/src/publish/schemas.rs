//! The event type catalog's JSON Schemas, compiled once and kept in memory, so that validating
//! an event's `data` costs no database read. Reloaded whenever the catalog changes.

use crate::store::{DynStore, StoreResult};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// Most problems listed when `data` does not match its schema.
const MAX_REPORTED: usize = 5;

pub struct SchemaCatalog {
    store: DynStore,
    validators: RwLock<Arc<HashMap<String, Arc<jsonschema::Validator>>>>,
}

impl SchemaCatalog {
    pub async fn load(store: DynStore) -> StoreResult<Arc<Self>> {
        let catalog = Arc::new(Self {
            store,
            validators: RwLock::new(Arc::default()),
        });
        catalog.reload().await?;
        Ok(catalog)
    }

    pub async fn reload(&self) -> StoreResult<()> {
        let mut validators = HashMap::new();
        for event_type in self.store.list_event_types().await? {
            let Some(schema) = &event_type.schema else {
                continue;
            };
            match compile(schema) {
                Ok(validator) => {
                    validators.insert(event_type.name.as_str().to_owned(), Arc::new(validator));
                }
                Err(error) => {
                    tracing::error!(name = %event_type.name, %error, "stored schema no longer compiles")
                }
            }
        }
        *self.validators.write().expect("schema lock") = Arc::new(validators);
        Ok(())
    }

    /// Whether events of this type have a schema (so `data` must be parsed and checked).
    pub fn has_schema(&self, event_type: &str) -> bool {
        self.validators
            .read()
            .expect("schema lock")
            .contains_key(event_type)
    }

    /// Checks `data` against the type's schema, if it has one; the error lists what is wrong.
    pub fn check(&self, event_type: &str, data: &serde_json::Value) -> Result<(), String> {
        let validator = self
            .validators
            .read()
            .expect("schema lock")
            .get(event_type)
            .cloned();
        let Some(validator) = validator else {
            return Ok(());
        };
        let problems: Vec<String> = validator
            .iter_errors(data)
            .take(MAX_REPORTED)
            .map(|error| {
                let path = error.instance_path().to_string();
                if path.is_empty() {
                    error.to_string()
                } else {
                    format!("at {path}: {error}")
                }
            })
            .collect();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "does not match the schema of {event_type}: {}",
                problems.join("; ")
            ))
        }
    }
}

/// Compiles a schema; the error explains why it is not a usable JSON Schema. Remote `$ref`s are
/// not fetched (hookd makes no outbound calls besides deliveries).
pub fn compile(schema: &serde_json::Value) -> Result<jsonschema::Validator, String> {
    jsonschema::validator_for(schema).map_err(|error| error.to_string())
}
