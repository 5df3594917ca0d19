package feedout

import (
	"bytes"
	"strings"
	"testing"
)

func TestMarkHTML(t *testing.T) {
	tests := []struct {
		name, in string
		words    []string
		want     string
	}{
		{"word", "<p>Shoigu arrives in Beijing</p>", []string{"Shoigu", "Beijing"}, "<p><mark>Shoigu</mark> arrives in <mark>Beijing</mark></p>"},
		{"longest first", "<p>Xi Jinping met Xi</p>", []string{"Xi", "Xi Jinping"}, "<p><mark>Xi Jinping</mark> met <mark>Xi</mark></p>"},
		{"whole words only", "<p>Xiamen and Xi</p>", []string{"Xi"}, "<p>Xiamen and <mark>Xi</mark></p>"},
		{"not in attributes", `<p><a href="https://x.example/Shoigu" title="Shoigu">Shoigu</a></p>`, []string{"Shoigu"}, `<p><a href="https://x.example/Shoigu" title="Shoigu"><mark>Shoigu</mark></a></p>`},
		{"not twice", "<p><mark>Shoigu</mark></p>", []string{"Shoigu"}, "<p><mark>Shoigu</mark></p>"},
		{"bare text", "Shoigu in Beijing", []string{"Beijing"}, "Shoigu in <mark>Beijing</mark>"},
		{"Chinese", "<p>中俄海军在东海举行联合演习</p>", []string{"中俄", "联合"}, "<p><mark>中俄</mark>海军在东海举行<mark>联合</mark>演习</p>"},
		{"Cyrillic", "<p>Шойгу прибыл в Пекин</p>", []string{"Пекин"}, "<p>Шойгу прибыл в <mark>Пекин</mark></p>"},
		{"escapes kept", "<p>AT&amp;T &lt;Shoigu&gt;</p>", []string{"Shoigu"}, "<p>AT&amp;T &lt;<mark>Shoigu</mark>&gt;</p>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := markHTML(tt.in, cleanWords(tt.words)); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

// TestWrite_Highlight: the words are marked in every format's HTML, the
// title stays plain, and the mark survives as the sanitiser allows it.
func TestWrite_Highlight(t *testing.T) {
	for _, fm := range formats {
		f := testFeed(selfURL(fm.ext))
		f.Entries[0].Highlight = []string{"Go team", "release"}
		var buf bytes.Buffer
		if err := fm.write(&buf, f); err != nil {
			t.Fatal(err)
		}
		text := publishedText(t, fm.ext, buf.Bytes())
		// JSON Feed's summary is plain text: its content_html carries the marks.
		if fm.ext != "json" && !strings.Contains(text, "<mark>Go team</mark>") || !strings.Contains(text, "<mark>release</mark>") {
			t.Errorf("%s: no marks in the published HTML", fm.name)
		}
		if strings.Contains(text, "<mark>Go 1.24") {
			t.Errorf("%s: the title was marked", fm.name)
		}
	}
}
