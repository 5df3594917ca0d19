package fetcher

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"syscall"
	"time"
)

// ClassBlocked is the class of a connection refused because its
// destination is on a private network.
const ClassBlocked = "blocked_private"

// hostPort is u's host and port in the form the transport dials,
// lower-cased, with the scheme's default port filled in.
func hostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	return net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}

// allow lets connections to the host:port of a configured feed reach a
// private address: a feed on localhost or the intranet is the user's
// choice. Redirects and DNS answers elsewhere get no such pass.
func (f *Fetcher) allow(rawURL string) {
	if u, err := url.Parse(rawURL); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
		f.allowed.Store(hostPort(u), true)
	}
}

// dial connects, refusing private destinations unless addr is exactly a
// configured feed's host:port. The check runs in Dialer.Control, on the
// address actually dialled, so it covers redirects, every DNS answer and
// IPv4-mapped IPv6 literals alike.
func (f *Fetcher) dialer(addr string) *net.Dialer {
	d := &net.Dialer{Timeout: f.opt.ConnectTimeout, KeepAlive: 30 * time.Second}
	if _, ok := f.allowed.Load(strings.ToLower(addr)); !ok && !f.opt.AllowPrivateNetworks {
		d.Control = refusePrivate
	}
	return d
}

// refusePrivate is a net.Dialer Control hook.
func refusePrivate(network, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return &Error{Class: ClassBlocked, Detail: fmt.Sprintf("cannot check destination %q: %v", address, err)}
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return &Error{Class: ClassBlocked, Detail: fmt.Sprintf("cannot check destination %q: %v", address, err)}
	}
	if isPrivate(ip) {
		return &Error{Class: ClassBlocked, Detail: fmt.Sprintf("refused to connect to %s: a private, loopback or link-local address (only configured feeds may use one; allow_private_networks = true lifts this)", address)}
	}
	return nil
}

// cgnat is the shared address space of RFC 6598, private in practice.
var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// nat64 is the well-known NAT64 prefix (RFC 6052): 64:ff9b::a.b.c.d
// reaches a.b.c.d.
var nat64 = netip.MustParsePrefix("64:ff9b::/96")

// embedded is the IPv4 address an IPv6 one carries, when it reaches it:
// IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d, deprecated
// but still routed by some stacks) and NAT64.
func embedded(ip netip.Addr) netip.Addr {
	if !ip.Is6() {
		return ip
	}
	b := ip.As16()
	var v4 [4]byte
	copy(v4[:], b[12:])
	zero := [12]byte{}
	switch {
	case ip.Is4In6():
		return ip.Unmap()
	case [12]byte(b[:12]) == zero && (v4[0] != 0 || v4[1] != 0): // not :: or ::1
		return netip.AddrFrom4(v4)
	case nat64.Contains(ip):
		return netip.AddrFrom4(v4)
	}
	return ip
}

func isPrivate(ip netip.Addr) bool {
	ip = embedded(ip)
	return ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() || cgnat.Contains(ip) ||
		(ip.Is4() && ip.As4()[0] == 0) // 0.0.0.0/8 reaches this host on Linux
}

// tlsKey names one TLS setting; feeds that share it share a client.
type tlsKey struct {
	insecure bool
	caFile   string
}

// client returns the HTTP client for a feed's TLS settings.
func (f *Fetcher) client(fd Feed) (*http.Client, error) {
	k := tlsKey{fd.TLSInsecure, fd.CAFile}
	f.mu.Lock()
	defer f.mu.Unlock()
	if c, ok := f.clients[k]; ok {
		return c, nil
	}
	tr := f.opt.Transport
	if tr == nil {
		t := &http.Transport{
			// The configured proxy (HTTP_PROXY…) is the user's choice,
			// like a configured feed, even on a private address;
			// behind it the destination is the proxy's to check.
			Proxy: func(r *http.Request) (*url.URL, error) {
				u, err := http.ProxyFromEnvironment(r)
				if u != nil {
					f.allowed.Store(hostPort(u), true)
				}
				return u, err
			},
			DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				return f.dialer(addr).DialContext(ctx, network, addr)
			},
			TLSHandshakeTimeout:   f.opt.TLSTimeout,
			ResponseHeaderTimeout: f.opt.HeaderTimeout,
			MaxIdleConnsPerHost:   f.opt.PerHost,
			IdleConnTimeout:       30 * time.Second,
			ForceAttemptHTTP2:     true,
			TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12},
		}
		if k.caFile != "" {
			pem, err := os.ReadFile(k.caFile)
			if err != nil {
				return nil, fmt.Errorf("ca_file: %w", err)
			}
			pool, err := x509.SystemCertPool()
			if err != nil || pool == nil {
				pool = x509.NewCertPool()
			}
			if !pool.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("ca_file %s: no PEM certificate in it", k.caFile)
			}
			t.TLSClientConfig.RootCAs = pool
		}
		// Only when the user set tls_insecure for this feed: never as a
		// fallback after a failed verification.
		t.TLSClientConfig.InsecureSkipVerify = k.insecure
		tr = t
	}
	c := &http.Client{Transport: tr, CheckRedirect: checkRedirect}
	f.clients[k] = c
	return c, nil
}

// PrivateAddress reports the private, loopback or link-local address
// rawURL's host is or resolves to, if it has one: what the guard would
// refuse for a feed nobody configured. A name that does not resolve
// (before ctx ends) is not known to be private.
func PrivateAddress(ctx context.Context, rawURL string) (netip.Addr, bool) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return netip.Addr{}, false
	}
	host := u.Hostname()
	if ip, err := netip.ParseAddr(host); err == nil {
		return ip, isPrivate(ip)
	}
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return netip.Addr{}, false
	}
	for _, ip := range addrs {
		if isPrivate(ip) {
			return ip, true
		}
	}
	return netip.Addr{}, false
}
