//! The outbound address policy: which hosts and addresses a request may reach.

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

use super::Refused;

/// What outbound requests may reach.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// `--allow-private`: any address.
    allow_private: bool,
    /// Hosts the user named (lowercase): they may be internal.
    named: HashSet<String>,
}

impl Policy {
    /// Internal addresses are refused unless `allow_private`.
    pub fn new(allow_private: bool) -> Self {
        Self {
            allow_private,
            named: HashSet::new(),
        }
    }

    /// Lets the host of `url`, named by the user, be internal: a catalog URL on the local
    /// network is the maintainer's choice; a redirect to it from elsewhere is not.
    pub fn allow_host_of(&mut self, url: &Url) {
        if let Some(host) = url.host_str() {
            self.named.insert(host.to_ascii_lowercase());
        }
    }

    fn trusts(&self, host: &str) -> bool {
        self.allow_private || self.named.contains(&host.to_ascii_lowercase())
    }

    /// Whether a request to `url` may be sent: http(s) only, and an IP literal only if it is
    /// public or trusted. Names are checked when they are resolved.
    pub fn check_url(&self, url: &Url) -> Result<(), Refused> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Refused(format!("`{url}` is not an http(s) URL")));
        }
        let ip = match url.host() {
            Some(Host::Ipv4(ip)) => IpAddr::V4(ip),
            Some(Host::Ipv6(ip)) => IpAddr::V6(ip),
            Some(Host::Domain(_)) => return Ok(()),
            None => return Err(Refused(format!("`{url}` has no host"))),
        };
        let host = url.host_str().unwrap_or_default();
        match internal(ip) {
            Some(kind) if !self.trusts(host) => Err(refusal(host, ip, kind)),
            _ => Ok(()),
        }
    }
}

fn refusal(host: &str, ip: IpAddr, kind: &str) -> Refused {
    let shown = if host.trim_matches(['[', ']']) == ip.to_string() {
        format!("`{ip}`")
    } else {
        format!("`{host}` ({ip})")
    };
    Refused(format!(
        "{shown} is a {kind} address, which is not fetched unless the catalog names the host itself or --allow-private is given"
    ))
}

/// What kind of internal address `ip` is, or `None` for a public one.
pub fn internal(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(ip) => internal_v4(ip),
        IpAddr::V6(ip) => internal_v6(ip),
    }
}

fn internal_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, ..] = ip.octets();
    match (a, b) {
        (127, _) => Some("loopback"),
        (169, 254) => Some("link-local"),
        (10, _) | (192, 168) => Some("private"),
        (172, b) if (16..32).contains(&b) => Some("private"),
        (100, b) if (64..128).contains(&b) => Some("shared (carrier-grade NAT)"),
        (0, _) => Some("unspecified"),
        (192, 0) if ip.octets()[2] == 0 => Some("reserved"),
        (198, 18 | 19) | (240..=255, _) => Some("reserved"),
        (224..=239, _) => Some("multicast"),
        _ => None,
    }
}

fn internal_v6(ip: Ipv6Addr) -> Option<&'static str> {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return internal_v4(v4);
    }
    let segments = ip.segments();
    let embedded = |high: u16, low: u16| {
        let [a, b] = high.to_be_bytes();
        let [c, d] = low.to_be_bytes();
        internal_v4(Ipv4Addr::new(a, b, c, d))
    };
    match segments {
        [0, 0, 0, 0, 0, 0, 0, 0] => Some("unspecified"),
        [0, 0, 0, 0, 0, 0, 0, 1] => Some("loopback"),
        // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4 address.
        [0x64, 0xff9b, 0, 0, 0, 0, high, low] | [0x2002, high, low, ..] => embedded(high, low),
        [first, ..] if first & 0xfe00 == 0xfc00 => Some("unique-local"),
        [first, ..] if first & 0xffc0 == 0xfe80 => Some("link-local"),
        [first, ..] if first & 0xff00 == 0xff00 => Some("multicast"),
        _ => None,
    }
}

/// Resolves names for reqwest and drops the addresses the policy refuses, so that what is
/// checked is what is connected to.
pub struct Resolver {
    policy: Arc<Policy>,
}

impl Resolver {
    pub fn new(policy: Arc<Policy>) -> Self {
        Self { policy }
    }
}

impl Resolve for Resolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = Arc::clone(&self.policy);
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if policy.trusts(&host) {
                return Ok(Box::new(found.into_iter()) as Addrs);
            }
            let public: Vec<SocketAddr> = found
                .iter()
                .copied()
                .filter(|addr| internal(addr.ip()).is_none())
                .collect();
            match (public.is_empty(), found.first()) {
                (true, Some(first)) => {
                    let kind = internal(first.ip()).unwrap_or("internal");
                    Err(Box::new(refusal(&host, first.ip(), kind)) as _)
                }
                _ => Ok(Box::new(public.into_iter()) as Addrs),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_addresses_are_recognised() {
        for text in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "::ffff:10.0.0.1",
            "::ffff:127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::",
        ] {
            let ip: IpAddr = text.parse().unwrap();
            assert!(internal(ip).is_some(), "{text}");
        }
        for text in [
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "2001:4860::8888",
            "1.1.1.1",
        ] {
            let ip: IpAddr = text.parse().unwrap();
            assert_eq!(internal(ip), None, "{text}");
        }
    }

    #[test]
    fn ip_literals_are_checked_before_any_request() {
        let policy = Policy::new(false);
        for url in [
            "http://127.0.0.1/x.mp3",
            "http://[::ffff:10.0.0.1]/x.mp3",
            "http://169.254.169.254/latest/meta-data/",
            "http://[::1]:8080/",
        ] {
            let err = policy.check_url(&Url::parse(url).unwrap()).unwrap_err();
            assert!(err.0.contains("--allow-private"), "{url}: {err}");
        }
        assert!(
            policy
                .check_url(&Url::parse("https://example.org/x.mp3").unwrap())
                .is_ok()
        );
        assert!(
            policy
                .check_url(&Url::parse("file:///etc/passwd").unwrap())
                .is_err()
        );
    }

    #[test]
    fn named_hosts_and_allow_private_are_trusted() {
        let mut policy = Policy::new(false);
        policy.allow_host_of(&Url::parse("http://127.0.0.1:9/a.mp3").unwrap());
        assert!(
            policy
                .check_url(&Url::parse("http://127.0.0.1:80/b").unwrap())
                .is_ok()
        );
        assert!(
            policy
                .check_url(&Url::parse("http://10.0.0.1/b").unwrap())
                .is_err()
        );
        let open = Policy::new(true);
        assert!(
            open.check_url(&Url::parse("http://10.0.0.1/b").unwrap())
                .is_ok()
        );
    }

    #[tokio::test]
    async fn names_resolving_to_internal_addresses_are_refused() {
        let resolver = Resolver::new(Arc::new(Policy::new(false)));
        let name: Name = "localhost".parse().unwrap();
        let Err(err) = resolver.resolve(name).await else {
            panic!("localhost resolved for a request");
        };
        assert!(err.to_string().contains("loopback"), "{err}");
    }
}
