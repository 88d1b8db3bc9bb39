//! Counters and latency histograms, rendered in the Prometheus text format by hand (the
//! exporter crates pull a TLS stack the server does not need).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 14] = [
    0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

#[derive(Default, Clone)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
struct Inner {
    /// (route, method, status) → count.
    requests: BTreeMap<(String, String, u16), u64>,
    /// route → latency.
    latency: BTreeMap<String, Histogram>,
}

#[derive(Default)]
pub struct Metrics {
    inner: Mutex<Inner>,
    pub in_flight: AtomicI64,
    pub updates_ok: AtomicU64,
    /// Update runs whose fetch failed as a whole (the hook's error, its deadline).
    pub update_runs_failed: AtomicU64,
    /// Source → update runs that did not confirm it.
    source_failures: Mutex<BTreeMap<String, u64>>,
    pub index_swaps: AtomicU64,
    pub screened_records: AtomicU64,
    /// Payment messages screened, and those held.
    pub screened_messages: AtomicU64,
    pub held_messages: AtomicU64,
}

impl Metrics {
    /// Counts an update run that did not confirm `source` current.
    pub fn source_update_failed(&self, source: &str) {
        if let Ok(mut failures) = self.source_failures.lock() {
            *failures.entry(source.to_string()).or_default() += 1;
        }
    }

    /// Source → update runs that did not confirm it.
    pub fn source_failures(&self) -> BTreeMap<String, u64> {
        self.source_failures
            .lock()
            .map(|f| f.clone())
            .unwrap_or_default()
    }

    pub fn observe(&self, route: &str, method: &str, status: u16, seconds: f64) {
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        *inner
            .requests
            .entry((route.to_string(), method.to_string(), status))
            .or_default() += 1;
        let h = inner.latency.entry(route.to_string()).or_default();
        h.count += 1;
        h.sum += seconds;
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                h.counts[i] += 1;
            }
        }
    }

    /// The Prometheus exposition text; `extra` appends gauges computed by the caller.
    pub fn render(&self, extra: &str) -> String {
        let mut out = String::new();
        let (requests, latency) = match self.inner.lock() {
            Ok(inner) => (inner.requests.clone(), inner.latency.clone()),
            Err(_) => Default::default(),
        };
        out.push_str("# HELP sanctum_http_requests_total HTTP requests answered, by route, method and status.\n");
        out.push_str("# TYPE sanctum_http_requests_total counter\n");
        for ((route, method, status), n) in &requests {
            let _ = writeln!(
                out,
                "sanctum_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{status}\"}} {n}",
                escape(route),
                escape(method)
            );
        }
        out.push_str(
            "# HELP sanctum_http_request_duration_seconds Time to answer a request, by route.\n",
        );
        out.push_str("# TYPE sanctum_http_request_duration_seconds histogram\n");
        for (route, h) in &latency {
            let route = escape(route);
            for (bound, n) in BUCKETS.iter().zip(h.counts.iter()) {
                let _ = writeln!(
                    out,
                    "sanctum_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "sanctum_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                out,
                "sanctum_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                h.sum
            );
            let _ = writeln!(
                out,
                "sanctum_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                h.count
            );
        }
        let gauges = [
            (
                "sanctum_http_requests_in_flight",
                "gauge",
                "Requests being answered.",
                self.in_flight.load(Ordering::Relaxed) as f64,
            ),
            (
                "sanctum_updates_total",
                "counter",
                "List updates whose fetch ran to its end (some sources may still have failed).",
                self.updates_ok.load(Ordering::Relaxed) as f64,
            ),
            (
                "sanctum_update_runs_failed_total",
                "counter",
                "List updates whose fetch failed as a whole (error or update_timeout).",
                self.update_runs_failed.load(Ordering::Relaxed) as f64,
            ),
            (
                "sanctum_index_swaps_total",
                "counter",
                "Times a new index replaced the served one.",
                self.index_swaps.load(Ordering::Relaxed) as f64,
            ),
            (
                "sanctum_screened_records_total",
                "counter",
                "Records screened (match queries and /v1 screens).",
                self.screened_records.load(Ordering::Relaxed) as f64,
            ),
            (
                "sanctum_screened_messages_total",
                "counter",
                "Payment messages screened (/v1/screen/message).",
                self.screened_messages.load(Ordering::Relaxed) as f64,
            ),
            (
                "sanctum_held_messages_total",
                "counter",
                "Payment messages held: a hit on a listed party, BIC, identifier or sanctioned jurisdiction.",
                self.held_messages.load(Ordering::Relaxed) as f64,
            ),
        ];
        for (name, kind, help, value) in gauges {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
            );
        }
        out.push_str(extra);
        out
    }
}

/// Escapes a label value (backslash, quote, newline).
pub fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}
