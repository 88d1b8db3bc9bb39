//! Shared helpers for the binary's integration tests.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A `sanctum` command on a given data directory, isolated from the user's environment.
pub fn sanctum(data_dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sanctum"));
    cmd.arg("--data-dir").arg(data_dir);
    for var in [
        "SANCTUM_LISTS_DIR",
        "SANCTUM_CONFIG",
        "SANCTUM_DATA_DIR",
        "SANCTUM_DATABASE_URL",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

/// Runs a command, returning its output; stdout and stderr go to the test log.
pub fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().expect("the sanctum binary runs");
    eprintln!(
        "$ {cmd:?}\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

pub fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "command failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

/// A directory of symlinks to chosen shared files (the files are never copied).
pub fn link_dir(files: &[PathBuf]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for f in files {
        std::os::unix::fs::symlink(f, dir.path().join(f.file_name().expect("file name")))
            .expect("symlink");
    }
    dir
}

/// A tiny HTTP/1.1 file server on loopback for download tests. Paths map to files under
/// `root`. The first `fail_first` requests get a 503, to exercise retries.
pub struct FileServer {
    pub base: String,
    pub requests: Arc<AtomicUsize>,
}

pub fn serve(root: PathBuf, fail_first: usize) -> FileServer {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = requests.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let path = request_line
                .split_whitespace()
                .nth(1)
                .unwrap_or("/")
                .trim_start_matches('/')
                .to_string();
            let mut stream = stream;
            let body = std::fs::read(root.join(&path));
            let response = match body {
                _ if n < fail_first => b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".to_vec(),
                Ok(body) => {
                    let mut r = format!("HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n", body.len()).into_bytes();
                    r.extend(body);
                    r
                }
                Err(_) => b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".to_vec(),
            };
            let _ = stream.write_all(&response);
        }
    });
    FileServer { base, requests }
}
