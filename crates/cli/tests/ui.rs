//! The analyst's pages of `sanctum serve`, driven over HTTP as a browser would (cookies,
//! forms, redirects), on the real SDN of 2022-02-17: sign in, the queue, claim, review,
//! propose, the four-eyes check by a second user, CSRF and session refusals, escaping.

mod common;

use common::{run, sanctum};
use sanctum_testkit::shared_lists;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::Duration;

struct Server {
    child: Child,
    url: String,
    agent: ureq::Agent,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Page {
    status: u16,
    location: String,
    set_cookie: Vec<String>,
    csp: String,
    body: String,
}

impl Server {
    fn start(data: &Path) -> Server {
        // The update button's fetch reads this empty mirror: it fails at once, offline.
        let mirror = data.join("empty-mirror");
        std::fs::create_dir_all(&mirror).expect("mirror dir");
        let mut child = sanctum(data)
            .args(["serve", "--bind", "127.0.0.1:0", "--rate-limit", "0"])
            .env("SANCTUM_LISTS_DIR", &mirror)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("sanctum serve starts");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        stdout.read_line(&mut line).expect("the listening line");
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .expect("listening")
            .to_string();
        std::thread::spawn(move || {
            let _ = std::io::copy(&mut stdout, &mut std::io::sink());
        });
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        Server { child, url, agent }
    }

    fn page(&self, method: &str, path: &str, cookies: &str, form: &[(&str, &str)]) -> Page {
        let url = format!("{}{path}", self.url);
        let result = if method == "GET" {
            self.agent.get(&url).header("Cookie", cookies).call()
        } else {
            let body: String = form
                .iter()
                .map(|(k, v)| format!("{k}={}", encode(v)))
                .collect::<Vec<_>>()
                .join("&");
            self.agent
                .post(&url)
                .header("Cookie", cookies)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .send(body.as_bytes())
        };
        let mut response = result.expect("answered");
        let header = |name: &str| {
            response
                .headers()
                .get_all(name)
                .iter()
                .filter_map(|v| v.to_str().ok().map(str::to_string))
                .collect::<Vec<_>>()
        };
        let location = header("location").join("");
        let set_cookie = header("set-cookie");
        let csp = header("content-security-policy").join("");
        let status = response.status().as_u16();
        let body = response.body_mut().read_to_string().unwrap_or_default();
        Page {
            status,
            location,
            set_cookie,
            csp,
            body,
        }
    }

    /// Signs in: the session cookie.
    fn sign_in(&self, name: &str, password: &str) -> String {
        let form = self.page("GET", "/login", "", &[]);
        let login_cookie = cookie_pair(&form.set_cookie, "sanctum_login");
        let csrf = hidden(&form.body, "csrf");
        let reply = self.page(
            "POST",
            "/login",
            &login_cookie,
            &[("username", name), ("password", password), ("csrf", &csrf)],
        );
        assert_eq!(reply.status, 303, "{}", reply.body);
        assert_eq!(reply.location, "/alerts");
        let session = reply
            .set_cookie
            .iter()
            .find(|c| c.starts_with("sanctum_session="))
            .expect("session cookie");
        assert!(
            session.contains("HttpOnly") && session.contains("SameSite=Strict"),
            "{session}"
        );
        cookie_pair(&reply.set_cookie, "sanctum_session")
    }
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            b' ' => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn cookie_pair(set_cookie: &[String], name: &str) -> String {
    set_cookie
        .iter()
        .find(|c| c.starts_with(&format!("{name}=")))
        .and_then(|c| c.split(';').next())
        .unwrap_or_else(|| panic!("no {name} cookie in {set_cookie:?}"))
        .to_string()
}

/// The value of the first hidden input named `name`.
fn hidden(body: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = body
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} field"))
        + marker.len();
    body[start..start + body[start..].find('"').expect("end of value")].to_string()
}

fn user(
    data: &Path,
    admin: Option<&str>,
    name: &str,
    role: &str,
    password: Option<&str>,
) -> String {
    let mut cmd = sanctum(data);
    cmd.args(["users", "add", name, "--role", role]);
    if let Some(key) = admin {
        cmd.env("SANCTUM_KEY", key);
    }
    let out = if let Some(password) = password {
        cmd.arg("--password-stdin")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(format!("{password}\n").as_bytes())
            .expect("password");
        child.wait_with_output().expect("users add")
    } else {
        run(&mut cmd)
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn an_alert_reviewed_under_four_eyes_through_the_pages() {
    let Some(lists) = shared_lists("an_alert_reviewed_under_four_eyes_through_the_pages") else {
        return;
    };
    let data = tempfile::tempdir().expect("temp dir");
    let data = data.path();
    let out = run(sanctum(data)
        .args(["update", "us_ofac_sdn", "--from"])
        .arg(lists.join("ofac_sdn_csv/sdn_2022-02-17.csv")));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let root = user(data, None, "root", "admin", None);
    let ana = user(
        data,
        Some(&root),
        "ana",
        "analyst",
        Some("correct horse ana"),
    );
    user(
        data,
        Some(&root),
        "rex",
        "reviewer",
        Some("battery staple rex"),
    );
    let customers = data.join("book.csv");
    // A customer id carrying markup: it must reach the page as text.
    std::fs::write(
        &customers,
        "id,name,country\n<script>alert(1)</script>,Arkady Rotenberg,RU\nc2,Margarethe Vollmer,DE\n",
    )
    .expect("write");
    let out = run(sanctum(data)
        .env("SANCTUM_KEY", &ana)
        .args(["book", "import"])
        .arg(&customers));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    user(data, Some(&root), "boss", "admin", Some("admin pass boss"));
    // The links between the lists, kept in the store for the alignment page.
    let out = run(sanctum(data).args(["align", "--program", "ukraine"]));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let server = Server::start(data);
    // No session: to the sign-in page.
    let page = server.page("GET", "/alerts", "", &[]);
    assert_eq!((page.status, page.location.as_str()), (303, "/login"));
    let login = server.page("GET", "/login", "", &[]);
    assert_eq!(login.status, 200);
    assert!(
        login.csp.contains("default-src 'none'") && login.csp.contains("frame-ancestors 'none'"),
        "{}",
        login.csp
    );
    assert!(login.body.contains("name=\"username\"") && login.body.contains("name=\"password\""));
    // A wrong password is refused.
    let login_cookie = cookie_pair(&login.set_cookie, "sanctum_login");
    let csrf = hidden(&login.body, "csrf");
    let wrong = server.page(
        "POST",
        "/login",
        &login_cookie,
        &[("username", "ana"), ("password", "nope"), ("csrf", &csrf)],
    );
    assert_eq!(wrong.status, 401);

    let ana_session = server.sign_in("ana", "correct horse ana");
    let queue = server.page("GET", "/alerts", &ana_session, &[]);
    assert_eq!(queue.status, 200);
    assert!(queue.body.contains("ROTENBERG"), "{}", queue.body);
    let shown = queue
        .body
        .lines()
        .find(|line| line.contains("alert(1)"))
        .unwrap_or_default();
    assert!(
        shown.contains("&#60;script&#62;alert(1)&#60;/script&#62;")
            || shown.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the markup shown as text: {shown}"
    );
    assert!(!queue.body.contains("<script>"), "no markup from data");
    let csrf = hidden(&queue.body, "csrf");
    // The admin page is refused to an analyst; a filter no alert meets leaves the queue empty.
    assert_eq!(server.page("GET", "/lists", &ana_session, &[]).status, 403);
    let filtered = server.page(
        "GET",
        "/alerts?min_score=0.99&source=us_ofac_sdn",
        &ana_session,
        &[],
    );
    assert!(
        filtered.body.contains("No alert here."),
        "{}",
        filtered.body
    );
    assert!(
        filtered.body.contains("value=\"0.99\""),
        "the form keeps the filter"
    );

    // A form without its token changes nothing.
    let refused = server.page("POST", "/alerts/claim", &ana_session, &[]);
    assert_eq!(refused.status, 403);
    let claimed = server.page("POST", "/alerts/claim", &ana_session, &[("csrf", &csrf)]);
    assert_eq!(claimed.status, 303);
    let alert_path = claimed.location.clone();
    assert!(alert_path.starts_with("/alerts/"), "{alert_path}");
    let alert = server.page("GET", &alert_path, &ana_session, &[]);
    assert!(
        alert.body.contains("in_review") && alert.body.contains("<mark>"),
        "{}",
        alert.body
    );
    assert!(alert.body.contains("How the names matched"));

    let proposed = server.page(
        "POST",
        &format!("{alert_path}/propose"),
        &ana_session,
        &[
            ("csrf", &csrf),
            ("decision", "false_positive"),
            ("reason", "birth_date_differs"),
            ("comment", ""),
        ],
    );
    assert_eq!(proposed.status, 303, "{}", proposed.body);
    // The maker cannot check her own proposal.
    let own = server.page(
        "POST",
        &format!("{alert_path}/approve"),
        &ana_session,
        &[("csrf", &csrf)],
    );
    assert_eq!(own.status, 403, "{}", own.body);

    let rex_session = server.sign_in("rex", "battery staple rex");
    let rex_alert = server.page("GET", &alert_path, &rex_session, &[]);
    assert!(
        rex_alert.body.contains("Approve"),
        "the reviewer is offered the check"
    );
    let rex_csrf = hidden(&rex_alert.body, "csrf");
    // Ana's token is not Rex's.
    let crossed = server.page(
        "POST",
        &format!("{alert_path}/approve"),
        &rex_session,
        &[("csrf", &csrf)],
    );
    assert_eq!(crossed.status, 403);
    let approved = server.page(
        "POST",
        &format!("{alert_path}/approve"),
        &rex_session,
        &[("csrf", &rex_csrf)],
    );
    assert_eq!(approved.status, 303, "{}", approved.body);
    let closed = server.page("GET", &alert_path, &rex_session, &[]);
    assert!(closed.body.contains("state-closed"), "{}", closed.body);
    assert!(
        closed.body.contains("alert.approve"),
        "the history shows the approval"
    );

    // Who designated whom: the chart is SVG in the page, the table links to the cards.
    let align = server.page("GET", "/align?program=ukraine", &rex_session, &[]);
    assert_eq!(align.status, 200, "{}", align.body);
    assert!(align.body.contains("<svg role=\"img\""), "{}", align.body);
    assert!(align.body.contains("<polyline"), "a line drawn");
    assert!(align.body.contains("href=\"/parties/us-ofac-sdn-"));
    assert!(!align.body.contains("<script"), "no script in the chart");
    assert!(
        rex_alert.body.contains("href=\"/align\""),
        "linked from the nav"
    );
    let bad = server.page("GET", "/align?from=yesterday", &rex_session, &[]);
    assert_eq!(bad.status, 422, "{}", bad.body);

    // Search: facets with counts, each result with why; a facet value narrows.
    let search = server.page("GET", "/search?q=Arkady+Rotenberg", &rex_session, &[]);
    assert!(search.body.contains("aria-label=\"Narrow the results\""));
    assert!(
        search
            .body
            .contains("/search?q=Arkady%20Rotenberg&#38;kind=person\">person"),
        "{}",
        search.body
    );
    assert!(
        search.body.contains("words aligned"),
        "why: {}",
        search.body
    );
    let people = server.page(
        "GET",
        "/search?q=Arkady+Rotenberg&kind=person",
        &rex_session,
        &[],
    );
    assert!(people.body.contains("with kind person"), "{}", people.body);
    assert!(
        !people.body.contains("<td>organization</td>"),
        "{}",
        people.body
    );

    // The update button: an analyst is refused, an admin starts it.
    let refused = server.page("POST", "/lists/update", &ana_session, &[("csrf", &csrf)]);
    assert_eq!(refused.status, 403);
    let boss = server.sign_in("boss", "admin pass boss");
    let lists = server.page("GET", "/lists", &boss, &[]);
    assert!(
        lists.body.contains("Update every list now"),
        "{}",
        lists.body
    );
    let boss_csrf = hidden(&lists.body, "csrf");
    let forged = server.page("POST", "/lists/update", &boss, &[]);
    assert_eq!(forged.status, 403, "no token, no update");
    let started = server.page("POST", "/lists/update", &boss, &[("csrf", &boss_csrf)]);
    assert_eq!((started.status, started.location.as_str()), (303, "/lists"));
    let mut status = String::new();
    for _ in 0..100 {
        let lists = server.page("GET", "/lists", &boss, &[]);
        if lists.body.contains("The last update ended") {
            status = lists.body;
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(status.contains("The last update ended"), "the update ran");

    // Signing out ends the session.
    let out = server.page("POST", "/logout", &rex_session, &[("csrf", &rex_csrf)]);
    assert_eq!((out.status, out.location.as_str()), (303, "/login"));
    let after = server.page("GET", "/alerts", &rex_session, &[]);
    assert_eq!(after.status, 303);
}
