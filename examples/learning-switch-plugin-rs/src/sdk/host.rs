//! The host calls. `log` and `now_ms` are always granted; the others need the
//! capability named on each, else they return `HostError::Denied` (and the
//! runtime counts the refusal).

use super::bindings::sdn::plugin::{clock, kv, log as wit_log, openflow, pubsub};
use super::{Command, HostError};

/// The runtime's log, each line tagged with the plugin's name.
pub mod log {
    use super::wit_log::{log, Level};

    pub fn debug(message: &str) {
        log(Level::Debug, message);
    }
    pub fn info(message: &str) {
        log(Level::Info, message);
    }
    pub fn warn(message: &str) {
        log(Level::Warn, message);
    }
    pub fn error(message: &str) {
        log(Level::Error, message);
    }
}

/// Milliseconds since the Unix epoch (there is no WASI clock: `std::time::SystemTime` panics).
pub fn now_ms() -> u64 {
    clock::now_ms()
}

/// Sends commands now, besides those `handle` returns. Capability `openflow`.
pub fn send(commands: &[Command]) -> Result<(), HostError> {
    openflow::send(commands)
}

/// Publishes to other apps. Capability `pubsub`.
pub fn publish(subject: &str, payload: &[u8]) -> Result<(), HostError> {
    pubsub::publish(subject, payload)
}

/// The value at `key`, `None` when absent. Capability `kv-read`.
pub fn kv_get(key: &[u8]) -> Result<Option<Vec<u8>>, HostError> {
    kv::get(key)
}

/// Capability `kv-write`.
pub fn kv_put(key: &[u8], value: &[u8]) -> Result<(), HostError> {
    kv::put(key, value)
}

/// Capability `kv-write`.
pub fn kv_delete(key: &[u8]) -> Result<(), HostError> {
    kv::delete(key)
}
