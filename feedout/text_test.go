package feedout

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

func TestCleanText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "Шойгу прибыл в Пекин: 🚢 café", "Шойгу прибыл в Пекин: 🚢 café"},
		{"tab and newlines stay", "a\tb\nc\r\nd", "a\tb\nc\r\nd"},
		{"C0 controls", "a\x00b\x01c\x1fd", "abcd"},
		{"DEL", "a\x7fb", "ab"},
		{"invalid UTF-8", "caf\xe9 au lait", "caf au lait"},
		{"surrogate bytes", "a\xed\xa0\x80b", "ab"},
		{"U+FFFD", "Bad bytes: \uFFFD\uFFFD end", "Bad bytes:  end"},
		{"windows-1252 quotes", "\u0093Quoted\u0094 \u0096 it\u0092s", "“Quoted” – it’s"},
		{"windows-1252 euro, ellipsis, dashes", "\u0080 5\u0085 \u0097 \u0099", "€ 5… — ™"},
		{"undefined in windows-1252", "a\u0081b\u008dc\u008fd\u0090e\u009df", "abcdef"},
		{"noncharacters", "a\uFDD0b\uFDEFc\uFFFEd\uFFFFe\U0001FFFEf\U0010FFFFg", "abcdefg"},
		{"U+FDCF and U+FDF0 are characters", "\uFDCF\uFDF0", "\uFDCF\uFDF0"},
		{"bidi override", "Invoice \u202Efdp.exe", "Invoice fdp.exe"},
		{"bidi embeddings", "a\u202Ab\u202Bc\u202Cd\u202De", "abcde"},
		{"bidi isolates", "a\u2066b\u2067c\u2068d\u2069e", "abcde"},
		{"bidi marks stay", "a\u200Eb\u200Fc\u061Cd", "a\u200Eb\u200Fc\u061Cd"},
		{"zero-width joiners stay", "👩\u200D💻 می\u200Cخواهم", "👩\u200D💻 می\u200Cخواهم"},
		{"BOM as zero-width space stays", "a\uFEFFb", "a\uFEFFb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cleanText(tt.in)
			if got != tt.want {
				t.Errorf("cleanText(%+q)\n got %+q\nwant %+q", tt.in, got, tt.want)
			}
			if again := cleanText(got); again != got {
				t.Errorf("not idempotent: %+q then %+q", got, again)
			}
		})
	}
}

func TestCleanLine(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"trimmed", "  title \n", "title"},
		{"line breaks", "one\r\ntwo\tthree", "one two three"},
		{"space left by a dropped character", "Bad bytes: \uFFFD \uFFFD( \uFFFD end", "Bad bytes: ( end"},
		{"no-break space stays", "Qui\u00A0?", "Qui\u00A0?"},
		{"all dropped", "\uFFFD\u202E", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cleanLine(tt.in); got != tt.want {
				t.Errorf("cleanLine(%+q) = %+q, want %+q", tt.in, got, tt.want)
			}
		})
	}
}

// TestWindows1252 checks the table against x/text's windows-1252: the
// defined bytes map alike, the undefined ones are dropped.
func TestWindows1252(t *testing.T) {
	for b := 0x80; b <= 0x9F; b++ {
		want := charmap.Windows1252.DecodeByte(byte(b))
		if want == utf8.RuneError {
			want = 0 // undefined in windows-1252
		}
		if got := windows1252[b-0x80]; got != want {
			t.Errorf("0x%02X: %q, want %q", b, got, want)
		}
	}
}

// TestWrite_Characters: what a reader is shown, per field and format.
// Bad characters come from the title, an author, a category, the summary,
// the content (literally and as character references), the source's title
// and a related link's title.
func TestWrite_Characters(t *testing.T) {
	f := testFeed("")
	e := &f.Entries[0]
	e.Title = "\u0093Quoted\u0094 \u202Etxt.exe \uFFFD end"
	e.Authors = []string{"Ren\u00e9e \uFFFD\u2066Writer\u2069"}
	e.Categories = []string{"cat\u0096egory\uFDD0"}
	e.SummaryHTML = "<p>Summary \u0093q\u0094 &#147;r&#148; &#x202E;s &#xFFFD;t \uFFFD</p>"
	e.ContentHTML = "<p>Content \u202Dx\u202C &#x81;y \u0085</p>"
	e.Source.Title = "Source\u202E title"
	e.Related = []Link{{Href: "https://other.example/s", Title: "Other\u0099 \uFFFD"}}
	// What the validator flags (C1, U+FFFD) and what could spoof a title.
	bad := func(r rune) bool {
		return r >= 0x80 && r <= 0x9F || r == '\uFFFD' || r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069 ||
			r >= 0xFDD0 && r <= 0xFDEF
	}
	for _, fm := range formats {
		t.Run(fm.name, func(t *testing.T) {
			f.Self = selfURL(fm.ext)
			var buf bytes.Buffer
			if err := fm.write(&buf, f); err != nil {
				t.Fatal(err)
			}
			text := publishedText(t, fm.ext, buf.Bytes())
			if i := strings.IndexFunc(text, bad); i >= 0 {
				r, _ := utf8.DecodeRuneInString(text[i:])
				t.Errorf("published %+q: …%s…", r, text[max(0, i-40):min(len(text), i+40)])
			}
			for _, want := range []string{"“Quoted” txt.exe end", "Renée Writer", "cat–egory", "Summary “q” “r” s t",
				"Content x y …", "Source title"} {
				if !strings.Contains(text, want) {
					t.Errorf("%q not published", want)
				}
			}
		})
	}
}

// publishedText is every character data and attribute value of an XML
// document, or every string of a JSON one, with character references
// resolved (once: HTML in text is still escaped, as a reader receives it).
func publishedText(t *testing.T, ext string, b []byte) string {
	t.Helper()
	var sb strings.Builder
	if ext == "json" {
		var walk func(any)
		walk = func(v any) {
			switch v := v.(type) {
			case string:
				sb.WriteString(v + "\n")
			case []any:
				for _, x := range v {
					walk(x)
				}
			case map[string]any:
				for _, x := range v {
					walk(x)
				}
			}
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatal(err)
		}
		walk(v)
		return sb.String()
	}
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		switch tok := tok.(type) {
		case xml.CharData:
			sb.Write(tok)
		case xml.StartElement:
			for _, a := range tok.Attr {
				sb.WriteString(a.Value + "\n")
			}
		}
	}
	return sb.String()
}

// TestWrite_UnpublishableSourceTitle: a source title that cleans to
// nothing (one invalid byte stored as U+FFFD, a noncharacter, controls)
// is that title's problem: the document is written, the source named by
// its feed's host.
func TestWrite_UnpublishableSourceTitle(t *testing.T) {
	for _, title := range []string{"\uFFFD", "\uFDD0", "\u202E\u2066", " \x01 "} {
		f := testFeed("")
		f.Entries[0].Source.Title = title
		for _, fm := range formats {
			f.Self = selfURL(fm.ext)
			var buf bytes.Buffer
			if err := fm.write(&buf, f); err != nil {
				t.Errorf("%+q: Write%s: %v", title, fm.name, err)
				continue
			}
			want := ">go.example.com<"
			if fm.ext == "json" {
				want = `"go.example.com"`
			}
			if !strings.Contains(buf.String(), want) {
				t.Errorf("%+q: Write%s: no fallback source title", title, fm.name)
			}
		}
	}
}
