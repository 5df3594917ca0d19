package fetcher

import (
	"bytes"
	"fmt"
	"mime"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"
)

var xmlDeclEncoding = regexp.MustCompile(`^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']`)

// toUTF8 decodes a feed body to UTF-8, following (in order) a byte-order
// mark, then UTF-16 recognised by its first bytes, then valid UTF-8
// (which wins over labels that lie), then the HTTP charset, then the XML
// declaration. Labels are read the WHATWG way (iso-8859-1 means
// windows-1252). It rewrites the XML declaration to say
// UTF-8 so that the parser does not decode twice. warn is non-empty when
// bytes had to be replaced or a label was ignored.
func toUTF8(body []byte, contentType string) (out []byte, warn string, err error) {
	switch {
	case bytes.HasPrefix(body, []byte{0xEF, 0xBB, 0xBF}):
		return fixDecl(body[3:]), "", nil
	case bytes.HasPrefix(body, []byte{0xFF, 0xFE}), bytes.HasPrefix(body, []byte{0xFE, 0xFF}):
		dec := unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder()
		b, err := dec.Bytes(body)
		if err != nil {
			return nil, "", fmt.Errorf("UTF-16: %w", err)
		}
		return fixDecl(b), "", nil
	}
	headerLabel := ""
	if contentType != "" {
		if _, params, err := mime.ParseMediaType(contentType); err == nil {
			headerLabel = params["charset"]
		}
	}
	// Before the UTF-8 test: UTF-16 of ASCII (and of Cyrillic, and
	// more) is valid UTF-8 byte for byte, NULs included.
	if order, name, ok := sniffUTF16(body); ok {
		b, err := unicode.UTF16(order, unicode.IgnoreBOM).NewDecoder().Bytes(body)
		if err != nil {
			return nil, "", fmt.Errorf("%s: %w", name, err)
		}
		// "utf-16" names no byte order (WHATWG reads little-endian).
		if enc, err := htmlindex.Get(headerLabel); headerLabel != "" && !strings.EqualFold(headerLabel, "utf-16") && (err != nil || enc != unicode.UTF16(order, unicode.IgnoreBOM)) {
			warn = fmt.Sprintf("labelled %q; decoded as %s, which the bytes are", headerLabel, name)
		}
		return fixDecl(b), warn, nil
	}
	declLabel := ""
	if m := xmlDeclEncoding.FindSubmatch(body[:min(len(body), 512)]); m != nil {
		declLabel = string(m[1])
	}
	// The HTTP charset normally wins, but bytes that are not UTF-8 under
	// a header that says UTF-8 (a common server default) follow the XML
	// declaration instead.
	label := headerLabel
	if label == "" || isUTF8Label(label) && !utf8.Valid(body) && declLabel != "" {
		label = declLabel
	}
	if utf8.Valid(body) {
		// Valid UTF-8 wins over labels: real single-byte text is almost
		// never valid UTF-8, while mislabelled UTF-8 is common.
		if _, err := htmlindex.Get(label); label != "" && err != nil {
			return fixDecl(body), fmt.Sprintf("unknown encoding %q; the bytes are valid UTF-8", label), nil
		}
		return fixDecl(body), "", nil
	}
	var enc encoding.Encoding
	if label != "" {
		enc, err = htmlindex.Get(label)
		if err != nil {
			return nil, "", fmt.Errorf("unknown encoding %q", label)
		}
	}
	if enc == nil || enc == unicode.UTF8 {
		if name, guess := guessCyrillic(body); guess != nil {
			b, err := guess.NewDecoder().Bytes(body)
			if err == nil {
				said := "no charset label"
				if label != "" {
					said = fmt.Sprintf("labelled %q", label)
				}
				return fixDecl(b), fmt.Sprintf("bytes are not UTF-8 (%s); decoded as %s, guessed from the bytes", said, name), nil
			}
		}
		return fixDecl(bytes.ToValidUTF8(body, []byte("\uFFFD"))), "invalid UTF-8 replaced with U+FFFD", nil
	}
	b, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		return nil, "", fmt.Errorf("decode %s: %w", label, err)
	}
	return fixDecl(b), "", nil
}

// sniffUTF16 recognises UTF-16 without a byte-order mark by its first
// characters, as XML 1.0 Appendix F does ("<?" is 3C 00 3F 00 in
// UTF-16LE, 00 3C 00 3F in UTF-16BE): after any white space, "<" or "{"
// and then another ASCII character, each beside a NUL byte. Text that is
// not UTF-16 has no NUL there: XML and JSON forbid it.
func sniffUTF16(b []byte) (unicode.Endianness, string, bool) {
	for _, o := range []struct {
		order  unicode.Endianness
		name   string
		lo, hi int // the byte of an ASCII character, the NUL beside it
	}{{unicode.LittleEndian, "UTF-16LE", 0, 1}, {unicode.BigEndian, "UTF-16BE", 1, 0}} {
		ascii := func(i int) byte { // the ASCII character at byte i, or 0
			if i+1 >= len(b) || b[i+o.hi] != 0 || b[i+o.lo] >= 0x80 {
				return 0
			}
			return b[i+o.lo]
		}
		i := 0
		for isSpace(ascii(i)) {
			i += 2
		}
		if c := ascii(i); (c == '<' || c == '{') && ascii(i+2) != 0 {
			return o.order, o.name, true
		}
	}
	return unicode.LittleEndian, "", false
}

func isUTF8Label(l string) bool {
	enc, err := htmlindex.Get(l)
	return err == nil && enc == unicode.UTF8
}

// fixDecl makes the XML declaration (if any) say UTF-8.
func fixDecl(b []byte) []byte {
	m := xmlDeclEncoding.FindSubmatchIndex(b[:min(len(b), 512)])
	if m == nil {
		return b
	}
	out := make([]byte, 0, len(b))
	out = append(out, b[:m[2]]...)
	out = append(out, "UTF-8"...)
	return append(out, b[m[3]:]...)
}

var charRef = regexp.MustCompile(`&#([xX][0-9a-fA-F]{1,8}|[0-9]{1,10});`)

// cleanXML drops what XML 1.0 forbids and parsers reject whole documents
// for: C0 control characters and character references to illegal code
// points.
func cleanXML(b []byte) []byte {
	if hasIllegalXMLRune(b) {
		b = bytes.Map(func(r rune) rune {
			if isIllegalXMLRune(r) {
				return -1
			}
			return r
		}, b)
	}
	if hasIllegalCharRef(b) {
		b = charRef.ReplaceAllFunc(b, legalRef)
	}
	return b
}

// legalRef returns a character reference charRef matched, or nothing when
// it names a code point XML forbids.
func legalRef(ref []byte) []byte {
	s := string(ref[2 : len(ref)-1])
	var n uint64
	var err error
	if s[0] == 'x' || s[0] == 'X' {
		n, err = strconv.ParseUint(s[1:], 16, 32)
	} else {
		n, err = strconv.ParseUint(s, 10, 32)
	}
	if err != nil || isIllegalXMLRune(rune(n)) || n > utf8.MaxRune {
		return nil
	}
	return ref
}

// hasIllegalXMLRune reports whether b (UTF-8) holds a rune
// isIllegalXMLRune rejects, a byte at a time: C0 controls, and U+FFFE
// and U+FFFF (EF BF BE, EF BF BF). Encoded surrogates are not valid
// UTF-8 and decode as U+FFFD, which is legal, as bytes.IndexFunc sees them.
func hasIllegalXMLRune(b []byte) bool {
	for i, c := range b {
		switch {
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r':
			return true
		case c == 0xEF && i+2 < len(b) && b[i+1] == 0xBF && (b[i+2] == 0xBE || b[i+2] == 0xBF):
			return true
		}
	}
	return false
}

// hasIllegalCharRef reports whether b holds a character reference that
// charRef matches and cleanXML drops: most feeds hold many references, all
// legal, and the regular expression is slow.
func hasIllegalCharRef(b []byte) bool {
	for {
		i := bytes.Index(b, []byte("&#"))
		if i < 0 {
			return false
		}
		b = b[i+2:]
		hex := len(b) > 0 && (b[0] == 'x' || b[0] == 'X')
		digits := b
		if hex {
			digits = b[1:]
		}
		n, j, ok := uint64(0), 0, true
		for ; j < len(digits); j++ {
			c := digits[j]
			var v uint64
			switch {
			case '0' <= c && c <= '9':
				v = uint64(c - '0')
			case hex && 'a' <= c && c <= 'f':
				v = uint64(c-'a') + 10
			case hex && 'A' <= c && c <= 'F':
				v = uint64(c-'A') + 10
			default:
				ok = false
			}
			if !ok {
				break
			}
			if hex {
				n = n*16 + v
			} else {
				n = n*10 + v
			}
			if n > utf8.MaxRune {
				n = utf8.MaxRune + 1 // keep counting digits without overflow
			}
		}
		if j == 0 || j >= len(digits) || digits[j] != ';' {
			continue // not a reference charRef matches
		}
		if hex && j > 8 || !hex && j > 10 {
			continue // too long for charRef
		}
		if n > utf8.MaxRune || isIllegalXMLRune(rune(n)) {
			return true
		}
	}
}

func isIllegalXMLRune(r rune) bool {
	switch {
	case r == '\t', r == '\n', r == '\r':
		return false
	case r < 0x20:
		return true
	case r >= 0xD800 && r <= 0xDFFF, r == 0xFFFE, r == 0xFFFF:
		return true
	}
	return false
}

// guessCyrillic recognises single-byte Cyrillic text that claims (or is
// assumed) to be UTF-8: at least minGuessBytes high bytes, nearly all of
// them Cyrillic letters in windows-1251 or KOI8-R. Which of the two is
// told by case: running text is mostly lower case, which windows-1251
// puts at 0xE0–0xFF and KOI8-R at 0xC0–0xDF. Anything else (a few stray
// bytes in UTF-8 text) is not guessed: those become U+FFFD.
func guessCyrillic(b []byte) (string, encoding.Encoding) {
	const minGuessBytes = 16
	var high, letters, upperHalf int
	for _, c := range b {
		if c < 0x80 {
			continue
		}
		high++
		switch {
		case c >= 0xE0:
			letters++
			upperHalf++
		case c >= 0xC0, c == 0xA8, c == 0xB8, c == 0xA3, c == 0xB3: // Ё ё in either
			letters++
		}
	}
	if high < minGuessBytes || letters*10 < high*9 {
		return "", nil
	}
	if upperHalf*2 >= letters {
		return "windows-1251", charmap.Windows1251
	}
	return "KOI8-R", charmap.KOI8R
}
