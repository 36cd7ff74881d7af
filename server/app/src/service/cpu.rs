//! CPU-heavy request work (DSL parsing and everything built on it) runs on tokio's blocking
//! threads, at most one piece per core at a time: the async workers stay free to answer health
//! checks and cheap requests while large definitions are parsed, and a burst of heavy requests
//! queues instead of taking every thread.

use std::sync::Arc;

use dataflow_core::Code;
use tokio::sync::Semaphore;

use crate::error::{AppError, AppResult};

/// A bounded pool for CPU-bound work (cheap to clone).
#[derive(Debug, Clone)]
pub struct CpuPool {
    permits: Arc<Semaphore>,
}

impl Default for CpuPool {
    /// As many slots as the machine has cores.
    fn default() -> Self {
        Self::new(std::thread::available_parallelism().map_or(1, std::num::NonZero::get))
    }
}

impl CpuPool {
    /// A pool running at most `slots` pieces of work at once.
    pub fn new(slots: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(slots.max(1))),
        }
    }

    /// Runs `work` on a blocking thread once a slot is free.
    pub async fn run<T, F>(&self, work: F) -> AppResult<T>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let permit =
            self.permits.clone().acquire_owned().await.map_err(|e| {
                AppError::new(Code::Internal, format!("the CPU pool is closed: {e}"))
            })?;
        tokio::task::spawn_blocking(move || {
            let _slot = permit;
            work()
        })
        .await
        .map_err(|e| AppError::new(Code::Internal, format!("CPU-bound work failed: {e}")))
    }
}
