//! Downloading one recording: attempts, retries with backoff, a per-host cap and an overall
//! timeout around them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Semaphore;

use super::FetchError;
use super::http::{Client, Deadline, Download, Failure, Next, Request};
use super::retry::{Budget, Settings, backoff};
use crate::Error;

/// Downloads recordings for one sync run.
pub struct Downloader {
    client: Client,
    settings: Settings,
    budget: Budget,
    hosts: Mutex<HashMap<String, Arc<Semaphore>>>,
}

impl Downloader {
    pub fn new(net: &crate::net::Net, settings: Settings) -> Result<Self, Error> {
        Ok(Self {
            client: Client::new(net, &settings)?,
            budget: Budget::new(settings.retry_budget),
            settings,
            hosts: Mutex::default(),
        })
    }

    /// Downloads `request.url`, retrying what can be retried, within the time allowed for
    /// one recording (counted once a download slot for its host is free).
    pub async fn download(&self, request: &Request<'_>) -> Result<Download, FetchError> {
        let host = self.host_slots(request.url);
        let _slot = tokio::select! {
            slot = host.acquire() => slot.map_err(|err| FetchError::Network(err.to_string()))?,
            () = request.stop.cancelled() => return Err(FetchError::Interrupted),
        };
        self.attempts(request, Deadline::after(self.settings.total_timeout))
            .await
    }

    async fn attempts(
        &self,
        request: &Request<'_>,
        deadline: Deadline,
    ) -> Result<Download, FetchError> {
        let mut attempt = 1;
        loop {
            let Failure { error, next } = match self.client.attempt(request, deadline).await {
                Ok(download) => return Ok(download),
                Err(failure) => failure,
            };
            let wait = match next {
                Next::Stop => return Err(error),
                Next::Restart => {
                    request.partial.discard();
                    Duration::ZERO
                }
                Next::Retry(None) => backoff(&self.settings, attempt),
                Next::Retry(Some(asked)) if asked > self.settings.max_retry_wait => {
                    return Err(FetchError::RetryAfterTooLong {
                        wait: asked,
                        cap: self.settings.max_retry_wait,
                        last: Box::new(error),
                    });
                }
                Next::Retry(Some(asked)) => asked,
            };
            if attempt >= self.settings.max_attempts {
                return Err(FetchError::GaveUp {
                    attempts: attempt,
                    last: Box::new(error),
                });
            }
            if deadline.passed_after(wait) {
                return Err(FetchError::TotalTimeout(deadline.allowed));
            }
            if !self.budget.take() {
                return Err(FetchError::BudgetSpent {
                    last: Box::new(error),
                });
            }
            attempt += 1;
            request
                .progress
                .retrying(request.key, attempt, wait, &error.to_string());
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = request.stop.cancelled() => return Err(FetchError::Interrupted),
            }
        }
    }

    /// The semaphore that caps downloads from the URL's host.
    fn host_slots(&self, url: &url::Url) -> Arc<Semaphore> {
        let host = format!(
            "{}:{}",
            url.host_str().unwrap_or_default(),
            url.port_or_known_default().unwrap_or(0)
        );
        let mut hosts = self
            .hosts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Arc::clone(
            hosts
                .entry(host)
                .or_insert_with(|| Arc::new(Semaphore::new(self.settings.per_host.max(1)))),
        )
    }
}
