//! The sites the user connected to zg-console, and the accounts each may see and use.
//!
//! A site is its origin (scheme, host and port), the unit the browser vouches for: it is
//! what `MessageEvent.origin` reports for the page that posted a request, and the only
//! thing a page cannot forge about itself. Paths are not separate sites; a page with no
//! origin (`null`: a sandboxed frame, a local file) cannot connect, since anything could
//! claim to be it. Plain http is refused outside this computer: on the way to a remote
//! host, whoever sits in between can rewrite the page and its requests.

use alloy_primitives::Address;
use serde::{Deserialize, Serialize};

use super::request::DappError;

/// One site's connection: the accounts the user chose to show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectedSite {
    /// Normalised by [`check_origin`].
    pub origin: String,
    /// Never empty; the first is what the site gets when it names no account.
    pub accounts: Vec<Address>,
    /// When the user last connected it, in milliseconds since the epoch.
    pub connected_at_ms: u64,
}

/// Every connected site, in the order they were first connected. Stored as JSON.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Sites {
    #[serde(default)]
    sites: Vec<ConnectedSite>,
}

impl Sites {
    /// Connects `origin` with `accounts` (duplicates dropped, order kept), replacing what it
    /// had. Choosing no account is declining: [`DappError::UserRejected`], which the site
    /// can be told as it is.
    pub fn connect(&mut self, origin: &str, accounts: Vec<Address>, now_ms: u64) -> Result<(), DappError> {
        let origin = check_origin(origin)?;
        let mut unique = Vec::with_capacity(accounts.len());
        for account in accounts {
            if !unique.contains(&account) {
                unique.push(account);
            }
        }
        if unique.is_empty() {
            return Err(DappError::UserRejected);
        }
        let site = ConnectedSite { origin, accounts: unique, connected_at_ms: now_ms };
        match self.sites.iter_mut().find(|s| s.origin == site.origin) {
            Some(existing) => *existing = site,
            None => self.sites.push(site),
        }
        Ok(())
    }

    /// Disconnects `origin`; whether it was connected.
    pub fn revoke(&mut self, origin: &str) -> bool {
        let Some(origin) = check_origin(origin).ok() else { return false };
        let before = self.sites.len();
        self.sites.retain(|s| s.origin != origin);
        self.sites.len() != before
    }

    /// The accounts `origin` may see and use; empty when it is not connected.
    pub fn accounts_for(&self, origin: &str) -> &[Address] {
        self.get(origin).map(|s| s.accounts.as_slice()).unwrap_or_default()
    }

    pub fn is_connected(&self, origin: &str) -> bool {
        self.get(origin).is_some()
    }

    pub fn list(&self) -> &[ConnectedSite] {
        &self.sites
    }

    /// Takes `account` from every site (it left the wallet), and disconnects those left
    /// with none. Returns the origins whose accounts changed, to tell them.
    pub fn remove_account(&mut self, account: Address) -> Vec<String> {
        let mut changed = Vec::new();
        for site in &mut self.sites {
            if site.accounts.contains(&account) {
                site.accounts.retain(|a| *a != account);
                changed.push(site.origin.clone());
            }
        }
        self.sites.retain(|s| !s.accounts.is_empty());
        changed
    }

    fn get(&self, origin: &str) -> Option<&ConnectedSite> {
        let origin = check_origin(origin).ok()?;
        self.sites.iter().find(|s| s.origin == origin)
    }
}

/// `origin` if a site there may connect, normalised as browsers write origins: lowercase,
/// no trailing slash, no default port. Accepted: `https://host[:port]`, and plain http
/// only to this computer (`localhost`, `127.0.0.1`, `[::1]`), for development.
pub fn check_origin(origin: &str) -> Result<String, DappError> {
    let refuse = |why: &str| Err(DappError::BadOrigin(why.to_string()));
    if origin.len() > 300 {
        return refuse("the address is too long to be a site's");
    }
    let lower = origin.to_ascii_lowercase();
    if lower == "null" {
        return refuse("this page has no origin (a sandboxed frame or a local file)");
    }
    let (scheme, rest) = match (lower.strip_prefix("https://"), lower.strip_prefix("http://")) {
        (Some(rest), _) => ("https", rest),
        (_, Some(rest)) => ("http", rest),
        _ => return refuse("only https:// sites can connect"),
    };
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if rest.contains(['/', '?', '#', '@', '\\']) {
        return refuse("a site is its scheme, host and port, without a path or query");
    }
    let (host, port) = match rest.strip_prefix('[') {
        Some(bracketed) => {
            let Some((inner, port)) = bracketed.split_once(']') else { return refuse("the host is malformed") };
            if inner.is_empty() || !inner.bytes().all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.') {
                return refuse("the host is malformed");
            }
            (format!("[{inner}]"), port)
        }
        None => {
            let (host, port) = rest.find(':').map_or((rest, ""), |at| rest.split_at(at));
            let label_ok = |l: &str| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
            if host.len() > 253 || !host.split('.').all(label_ok) {
                return refuse("the host is malformed");
            }
            (host.to_string(), port)
        }
    };
    let port = match port {
        "" => None,
        _ => match port.strip_prefix(':').and_then(|p| p.parse::<u16>().ok()).filter(|p| *p != 0) {
            Some(p) => Some(p),
            None => return refuse("the port is malformed"),
        },
    };
    let default_port = if scheme == "https" { 443 } else { 80 };
    if scheme == "http" && !matches!(host.as_str(), "localhost" | "127.0.0.1" | "[::1]") {
        return refuse("plain http:// is accepted only from this computer (localhost)");
    }
    Ok(match port.filter(|p| *p != default_port) {
        Some(p) => format!("{scheme}://{host}:{p}"),
        None => format!("{scheme}://{host}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: Address = Address::repeat_byte(0xa);
    const B: Address = Address::repeat_byte(0xb);

    fn refused(origin: &str) -> String {
        match check_origin(origin) {
            Err(DappError::BadOrigin(why)) => why,
            other => panic!("{origin} was not refused: {other:?}"),
        }
    }

    #[test]
    fn https_and_local_http_origins_are_accepted_and_normalised() {
        assert_eq!(check_origin("https://app.example.com"), Ok("https://app.example.com".into()));
        assert_eq!(check_origin("HTTPS://App.Example.COM/"), Ok("https://app.example.com".into()));
        assert_eq!(check_origin("https://example.com:8443"), Ok("https://example.com:8443".into()));
        assert_eq!(check_origin("https://example.com:443"), Ok("https://example.com".into()), "default port");
        assert_eq!(check_origin("http://localhost:5173"), Ok("http://localhost:5173".into()));
        assert_eq!(check_origin("http://127.0.0.1"), Ok("http://127.0.0.1".into()));
        assert_eq!(check_origin("http://[::1]:8080"), Ok("http://[::1]:8080".into()));
        assert_eq!(check_origin("https://[2001:db8::1]"), Ok("https://[2001:db8::1]".into()));
    }

    #[test]
    fn origins_that_cannot_be_trusted_are_refused() {
        assert!(refused("http://example.com").contains("only from this computer"));
        assert!(refused("http://localhost.example.com").contains("only from this computer"));
        assert!(refused("null").contains("no origin"));
        assert!(refused("file:///home/me/page.html").contains("https"));
        assert!(refused("chrome-extension://abcdef").contains("https"));
        assert!(refused("https://example.com/path").contains("path"));
        assert!(refused("https://example.com?x=1").contains("path"));
        assert!(refused("https://user@example.com").contains("path"));
        assert!(refused("https://").contains("host"));
        assert!(refused("https://exa mple.com").contains("host"));
        assert!(refused("https://example.com.").contains("host"));
        assert!(refused("https://example.com:0").contains("port"));
        assert!(refused("https://example.com:99999").contains("port"));
        assert!(refused("https://example.com:").contains("port"));
        assert!(refused("https://[::1").contains("host"));
        assert_eq!(DappError::BadOrigin(refused("null")).code(), 4100);
    }

    #[test]
    fn sites_connect_revoke_and_answer_for_their_accounts() {
        let mut sites = Sites::default();
        assert_eq!(sites.accounts_for("https://app.example.com"), &[] as &[Address]);
        sites.connect("https://App.example.com/", vec![A, B, A], 1_000).unwrap();
        assert_eq!(sites.accounts_for("https://app.example.com"), &[A, B], "normalised, duplicates dropped");
        assert!(sites.is_connected("HTTPS://APP.EXAMPLE.COM"));
        assert!(!sites.is_connected("https://other.example.com"));
        assert!(!sites.is_connected("http://app.example.com"), "the scheme is part of the site");
        // Connecting again replaces the accounts and the time, in the same place.
        sites.connect("https://other.example.com", vec![B], 2_000).unwrap();
        sites.connect("https://app.example.com", vec![B], 3_000).unwrap();
        let listed: Vec<_> = sites.list().iter().map(|s| (s.origin.as_str(), s.connected_at_ms)).collect();
        assert_eq!(listed, [("https://app.example.com", 3_000), ("https://other.example.com", 2_000)]);
        assert_eq!(sites.accounts_for("https://app.example.com"), &[B]);
        assert!(sites.revoke("https://app.example.com/"));
        assert!(!sites.revoke("https://app.example.com"), "already gone");
        assert!(!sites.revoke("null"));
        assert_eq!(sites.accounts_for("https://app.example.com"), &[] as &[Address]);
        assert!(sites.is_connected("https://other.example.com"));
    }

    #[test]
    fn connecting_needs_a_good_origin_and_an_account() {
        let mut sites = Sites::default();
        assert!(matches!(sites.connect("http://example.com", vec![A], 0), Err(DappError::BadOrigin(_))));
        assert_eq!(sites.connect("https://example.com", vec![], 0), Err(DappError::UserRejected));
        assert!(sites.list().is_empty());
    }

    #[test]
    fn an_account_leaving_the_wallet_leaves_every_site() {
        let mut sites = Sites::default();
        sites.connect("https://one.example", vec![A, B], 0).unwrap();
        sites.connect("https://two.example", vec![A], 0).unwrap();
        sites.connect("https://three.example", vec![B], 0).unwrap();
        assert_eq!(sites.remove_account(A), ["https://one.example", "https://two.example"]);
        assert_eq!(sites.accounts_for("https://one.example"), &[B]);
        assert!(!sites.is_connected("https://two.example"), "left with no account");
        assert_eq!(sites.list().len(), 2);
    }

    #[test]
    fn sites_are_stored_as_camel_case_json() {
        let mut sites = Sites::default();
        sites.connect("https://example.com", vec![A], 1_700_000_000_000).unwrap();
        let json = serde_json::to_value(&sites).unwrap();
        assert_eq!(json["sites"][0]["connectedAtMs"], serde_json::json!(1_700_000_000_000u64));
        assert_eq!(json["sites"][0]["origin"], "https://example.com");
        let back: Sites = serde_json::from_value(json).unwrap();
        assert_eq!(back, sites);
        assert_eq!(serde_json::from_str::<Sites>("{}").unwrap(), Sites::default());
    }
}
