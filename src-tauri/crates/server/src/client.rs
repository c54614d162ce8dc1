//! Who a request comes from, for the per-client limits: the connection's peer address, or,
//! behind a reverse proxy that the operator says to trust, the address the proxy saw.

use std::net::{IpAddr, SocketAddr};

use axum::http::HeaderMap;

/// The client's address. With `trust_forwarded_for`, the last entry of X-Forwarded-For: a proxy
/// appends the address it saw, so the last entry is the one the proxy vouches for, and anything
/// before it is whatever the client wrote. A missing or unreadable header falls back to the peer.
pub fn client_ip(peer: SocketAddr, headers: &HeaderMap, trust_forwarded_for: bool) -> IpAddr {
    if trust_forwarded_for {
        let last_hop = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .rfind(|v| !v.is_empty())
            .and_then(parse_hop);
        if let Some(ip) = last_hop {
            return ip;
        }
    }
    peer.ip()
}

/// `1.2.3.4`, `2001:db8::1`, or either with a port.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

/// The key a client's attempts count under. An IPv6 host usually has a whole /64 to pick
/// addresses from, so the /64 counts as one client; an IPv4-mapped address is its IPv4 address.
pub fn limit_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", v.parse().unwrap());
        }
        h
    }

    const PEER: &str = "127.0.0.1:50000";

    #[test]
    fn the_peer_counts_unless_the_proxy_is_trusted() {
        let peer: SocketAddr = PEER.parse().unwrap();
        let h = headers(&["203.0.113.9"]);
        assert_eq!(client_ip(peer, &h, false), peer.ip());
        assert_eq!(
            client_ip(peer, &h, true),
            "203.0.113.9".parse::<IpAddr>().unwrap()
        );
    }

    #[test]
    fn the_last_hop_is_the_one_the_proxy_saw() {
        let peer: SocketAddr = PEER.parse().unwrap();
        let forged = headers(&["198.51.100.1, 203.0.113.9"]);
        assert_eq!(
            client_ip(peer, &forged, true),
            "203.0.113.9".parse::<IpAddr>().unwrap()
        );
        let two_headers = headers(&["198.51.100.1", "[2001:db8::7]:443"]);
        assert_eq!(
            client_ip(peer, &two_headers, true),
            "2001:db8::7".parse::<IpAddr>().unwrap()
        );
        for unreadable in [&["nonsense"][..], &[" , "], &[]] {
            assert_eq!(client_ip(peer, &headers(unreadable), true), peer.ip());
        }
    }

    #[test]
    fn ipv6_clients_count_by_their_64_prefix() {
        let a = limit_key("2001:db8:1:2:aaaa::1".parse().unwrap());
        let b = limit_key("2001:db8:1:2:bbbb::2".parse().unwrap());
        assert_eq!(a, b);
        assert_eq!(a, "2001:db8:1:2::/64");
        assert_eq!(limit_key("::ffff:192.0.2.4".parse().unwrap()), "192.0.2.4");
        assert_eq!(limit_key("192.0.2.4".parse().unwrap()), "192.0.2.4");
    }
}
