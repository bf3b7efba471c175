//! The one lock helper of the workspace, for backends and for the interfaces above them.

use std::sync::{Mutex, MutexGuard};

/// Locks `m`, carrying on past a poisoned lock. A poisoned lock only means another thread
/// panicked while holding it (library code does not panic; a program's callback may); every
/// state guarded here stays consistent across such a panic (each update is one assignment or
/// a step that leaves it whole), so the caller keeps answering rather than panic in turn.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
