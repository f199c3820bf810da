//! tts: the configured voices and the backends that speak them, checked once
//! when the configuration is read: every voice names a backend that exists,
//! and every fallback a voice that exists. The engine trusts this.

use std::collections::BTreeMap;

use super::spec::BackendSpec;

/// A named voice: which backend speaks it and how.
#[derive(Debug, Clone, PartialEq)]
pub struct VoiceBinding {
    pub name: String,
    pub backend: String,
    /// The backend's own voice id.
    pub voice: String,
    pub speed: f32,
    pub lang: String,
    /// The voice to use when this one's backend is exhausted.
    pub fallback: Option<String>,
}

/// Every voice and backend, with their references resolved.
#[derive(Debug, Clone)]
pub struct Voices {
    backends: Vec<BackendSpec>,
    bindings: BTreeMap<String, VoiceBinding>,
}

/// A reference that does not resolve.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VoicesError {
    #[error("voice `{voice}` names backend `{backend}`, which is not defined")]
    UnknownBackend { voice: String, backend: String },
    #[error("voice `{voice}` names fallback voice `{fallback}`, which is not defined")]
    UnknownFallback { voice: String, fallback: String },
    #[error("voice `{0}` cannot be its own fallback")]
    OwnFallback(String),
}

impl Voices {
    pub fn new(
        backends: Vec<BackendSpec>,
        bindings: Vec<VoiceBinding>,
    ) -> Result<Voices, VoicesError> {
        let bindings: BTreeMap<String, VoiceBinding> =
            bindings.into_iter().map(|b| (b.name.clone(), b)).collect();
        for b in bindings.values() {
            if !backends.iter().any(|s| s.name == b.backend) {
                return Err(VoicesError::UnknownBackend {
                    voice: b.name.clone(),
                    backend: b.backend.clone(),
                });
            }
            match &b.fallback {
                Some(f) if f == &b.name => return Err(VoicesError::OwnFallback(f.clone())),
                Some(f) if !bindings.contains_key(f) => {
                    return Err(VoicesError::UnknownFallback {
                        voice: b.name.clone(),
                        fallback: f.clone(),
                    })
                }
                _ => {}
            }
        }
        Ok(Voices { backends, bindings })
    }

    pub fn backends(&self) -> &[BackendSpec] {
        &self.backends
    }

    pub fn bindings(&self) -> impl Iterator<Item = &VoiceBinding> {
        self.bindings.values()
    }

    pub fn get(&self, voice: &str) -> Option<&VoiceBinding> {
        self.bindings.get(voice)
    }

    /// The backend that speaks `voice`.
    pub fn backend_of(&self, voice: &VoiceBinding) -> &BackendSpec {
        self.backends
            .iter()
            .find(|b| b.name == voice.backend)
            .expect("backends were resolved when the voices were made")
    }

    pub fn len(&self) -> usize {
        self.bindings.len()
    }

    pub fn is_empty(&self) -> bool {
        self.bindings.is_empty()
    }
}
