package feedout

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"
)

func TestSanitizeHTML(t *testing.T) {
	const base = "https://example.org/blog/post/"
	tests := []struct {
		name, in, want string
	}{
		{"plain text", "fish & chips", "fish &amp; chips"},
		{"kept markup", `<p>A <b>bold</b> <em>move</em></p>`, `<p>A <b>bold</b> <em>move</em></p>`},
		{"script", `<p>hi<script>alert(1)</script></p>`, `<p>hi</p>`},
		{"script unclosed", `<script>alert(1)`, ``},
		{"event handler", `<img src="https://x.example/a.png" onerror="alert(1)">`, `<img src="https://x.example/a.png"/>`},
		{"onclick upper", `<P ONCLICK="x()">t</P>`, `<p>t</p>`},
		{"javascript link", `<a href="javascript:alert(1)">x</a>`, `x`},
		{"javascript obfuscated", `<a href="jav&#x09;ascript:alert(1)">x</a>`, `x`},
		{"javascript spaces", `<a href="  JaVaScRiPt:alert(1)">x</a>`, `x`},
		{"vbscript", `<a href="vbscript:msgbox(1)">x</a>`, `x`},
		{"data image", `<img src="data:image/png;base64,iVBORw0KGgo=" alt="d">`, `<img alt="d"/>`},
		{"data link", `<a href="data:text/html,<script>alert(1)</script>">x</a>`, `x`},
		{"iframe", `<iframe src="https://evil.example/"></iframe>after`, `after`},
		{"style element", `<style>body{display:none}</style>text`, `text`},
		{"style attribute", `<p style="background:url(javascript:alert(1))">t</p>`, `<p>t</p>`},
		{"object embed", `<object data="x.swf"><embed src="x.swf"></object>ok`, `ok`},
		{"form", `<form action="/login"><input name="pw"><button>go</button></form>`, `go`},
		{"svg onload", `<svg onload="alert(1)"><circle r="1"/></svg>ok`, `ok`},
		{"svg script", `<svg><script>alert(1)</script></svg>ok`, `ok`},
		{"svg use xlink", `<svg><use xlink:href="data:image/svg+xml,&lt;svg onload=alert(1)&gt;"/></svg>`, ``},
		{"math href", `<math><a href="javascript:alert(1)">x</a></math>`, `x`},
		{"meta refresh", `<meta http-equiv="refresh" content="0;url=javascript:alert(1)">t`, `t`},
		{"base tag", `<base href="https://evil.example/"><a href="/x">x</a>`, `<a href="https://example.org/x">x</a>`},
		{"noscript mxss", `<noscript><p title="</noscript><img src=x onerror=alert(1)>">`, `<img src="https://example.org/blog/post/x"/>&#34;&gt;`},
		{"comment", `a<!-- <script>alert(1)</script> -->b`, `ab`},
		{"relative link", `<a href="../other">o</a>`, `<a href="https://example.org/blog/other">o</a>`},
		{"root link", `<a href="/about">a</a>`, `<a href="https://example.org/about">a</a>`},
		{"fragment", `<a href="#c1">c</a>`, `<a href="https://example.org/blog/post/#c1">c</a>`},
		{"protocol relative", `<img src="//cdn.example/x.png">`, `<img src="https://cdn.example/x.png"/>`},
		{"relative img", `<img src="pic.jpg" alt="p">`, `<img src="https://example.org/blog/post/pic.jpg" alt="p"/>`},
		{"absolute kept", `<a href="http://other.example/">x</a>`, `<a href="http://other.example/">x</a>`},
		{"mailto kept", `<a href="mailto:a@example.org">m</a>`, `<a href="mailto:a@example.org">m</a>`},
		{"unbalanced", `<p><b>bold<p>next`, `<p><b>bold</b></p><p><b>next</b></p>`},
		{"control chars", "a\x00b\x0bc\uFFFEd", "abcd"},
		{"invalid utf8", "a\xffb", "ab"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SanitizeHTMLBase(tt.in, base); got != tt.want {
				t.Errorf("SanitizeHTMLBase(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSanitizeHTML_NoBase(t *testing.T) {
	got := SanitizeHTML(`<a href="/x" onclick="y()">x</a>`)
	if want := `<a href="/x">x</a>`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestAbsURLs(t *testing.T) {
	tests := []struct {
		name, in, base, want string
	}{
		{"srcset", `<img srcset="a.png 1x, /b.png 2x">`, "https://ex.example/p/", `<img srcset="https://ex.example/p/a.png 1x, https://ex.example/b.png 2x"/>`},
		{"cite", `<blockquote cite="q.html">q</blockquote>`, "https://ex.example/", `<blockquote cite="https://ex.example/q.html">q</blockquote>`},
		{"no base", `<a href="x">x</a>`, "", `<a href="x">x</a>`},
		{"relative base", `<a href="x">x</a>`, "/p/", `<a href="x">x</a>`},
		{"javascript base", `<a href="x">x</a>`, "javascript:alert(1)", `<a href="x">x</a>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := AbsURLs(tt.in, tt.base); got != tt.want {
				t.Errorf("AbsURLs(%q, %q)\n got %q\nwant %q", tt.in, tt.base, got, tt.want)
			}
		})
	}
}

func TestHTMLText(t *testing.T) {
	got := htmlText("<p>One &amp; <b>two</b></p><p>three\n four</p>")
	if want := "One & two three four"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// FuzzSanitizeHTML checks the sanitiser's promises on arbitrary input: no
// dangerous element, attribute or URL scheme survives, the output is valid
// UTF-8 made of XML characters, and sanitising it again changes nothing.
func FuzzSanitizeHTML(f *testing.F) {
	for _, s := range []string{
		`<p>hi</p>`, `<script>alert(1)</script>`, `<img src=x onerror=alert(1)>`,
		`<a href="javascript:alert(1)">x</a>`, `<svg><use href="data:x"/></svg>`,
		`<noscript><p title="</noscript><img src=x onerror=alert(1)>">`,
		`<a href="jav&#x09;ascript:x">`, "<p>\x00\xff</p>", `<style>@import "x"</style>`,
		`<table><td><iframe srcdoc="<script>x</script>">`, `<a href=/x>rel</a>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := SanitizeHTMLBase(in, "https://example.org/a/b")
		if !utf8.ValidString(out) || cleanText(out) != out {
			t.Fatalf("output has characters XML cannot carry: %q", out)
		}
		z := html.NewTokenizer(strings.NewReader(out))
		for {
			tt := z.Next()
			if tt == html.ErrorToken {
				break
			}
			if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
				continue
			}
			tok := z.Token()
			switch tok.Data {
			case "script", "style", "iframe", "object", "embed", "form", "svg", "math", "base", "meta", "link":
				t.Fatalf("output keeps <%s>: %q from %q", tok.Data, out, in)
			}
			for _, a := range tok.Attr {
				k := strings.ToLower(a.Key)
				v := strings.ToLower(strings.TrimSpace(a.Val))
				if strings.HasPrefix(k, "on") || k == "style" {
					t.Fatalf("output keeps attribute %s: %q from %q", a.Key, out, in)
				}
				for _, bad := range []string{"javascript:", "data:", "vbscript:"} {
					if strings.HasPrefix(v, bad) {
						t.Fatalf("output keeps %s URL: %q from %q", bad, out, in)
					}
				}
			}
		}
		if again := SanitizeHTMLBase(out, "https://example.org/a/b"); again != out {
			t.Fatalf("not idempotent:\n in %q\nout %q\nagain %q", in, out, again)
		}
	})
}
