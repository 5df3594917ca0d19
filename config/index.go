package config

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/pelletier/go-toml/v2/unstable"
)

// index maps dotted key paths ("topics.0.query", "groups.russia.terms.3")
// to where their values stand in the file, so that problems found after
// decoding still name file:line:col.
type index struct {
	data []byte
	at   map[string]unstable.Range
}

func newIndex(data []byte) (*index, error) {
	idx := &index{data: data, at: map[string]unstable.Range{}}
	var p unstable.Parser
	p.Reset(data)
	prefix := ""
	arrays := map[string]int{}
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table:
			prefix = keyPath(e.Key())
			idx.at[prefix] = keyRange(e)
		case unstable.ArrayTable:
			k := keyPath(e.Key())
			n := arrays[k]
			arrays[k] = n + 1
			prefix = fmt.Sprintf("%s.%d", k, n)
			idx.at[prefix] = keyRange(e)
		case unstable.KeyValue:
			idx.value(join(prefix, keyPath(e.Key())), e.Value())
		}
	}
	if err := p.Error(); err != nil {
		return nil, err
	}
	return idx, nil
}

func (idx *index) value(key string, v *unstable.Node) {
	idx.at[key] = v.Raw
	switch v.Kind {
	case unstable.Array:
		i := 0
		for it := v.Children(); it.Next(); {
			idx.value(fmt.Sprintf("%s.%d", key, i), it.Node())
			i++
		}
	case unstable.InlineTable:
		for it := v.Children(); it.Next(); {
			kv := it.Node()
			idx.value(join(key, keyPath(kv.Key())), kv.Value())
		}
	}
}

// keyRange is where a table header's key stands.
func keyRange(e *unstable.Node) unstable.Range {
	it := e.Key()
	if it.Next() {
		return it.Node().Raw
	}
	return e.Raw
}

func keyPath(it unstable.Iterator) string {
	var parts []string
	for it.Next() {
		parts = append(parts, string(it.Node().Data))
	}
	return strings.Join(parts, ".")
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

// lookup returns the position of key's value, or of the nearest enclosing
// table that is in the file.
func (idx *index) lookup(key string) unstable.Position {
	for {
		if r, ok := idx.at[key]; ok && (r.Offset != 0 || r.Length != 0) {
			return idx.pos(int(r.Offset))
		}
		i := strings.LastIndexByte(key, '.')
		if i < 0 {
			return unstable.Position{Line: 1, Column: 1}
		}
		key = key[:i]
	}
}

func (idx *index) pos(off int) unstable.Position {
	p := unstable.Position{Offset: off, Line: 1, Column: 1}
	b := idx.data[:off]
	p.Line += strings.Count(string(b), "\n")
	if i := strings.LastIndexByte(string(b), '\n'); i >= 0 {
		b = b[i+1:]
	}
	p.Column = len(b) + 1
	return p
}

// stringPos turns a byte offset into the decoded string value at key into
// a position in the file, stepping over the quotes and escape sequences.
func (idx *index) stringPos(key string, offset int) unstable.Position {
	r, ok := idx.at[key]
	if !ok {
		return idx.lookup(key)
	}
	raw := idx.data[r.Offset : r.Offset+r.Length]
	i := 0
	basic := false
	switch {
	case strings.HasPrefix(string(raw), `'''`), strings.HasPrefix(string(raw), `"""`):
		basic = raw[0] == '"'
		i = 3
		if strings.HasPrefix(string(raw[i:]), "\r\n") {
			i += 2
		} else if i < len(raw) && raw[i] == '\n' {
			i++
		}
	case len(raw) > 0 && (raw[0] == '\'' || raw[0] == '"'):
		basic = raw[0] == '"'
		i = 1
	default:
		return idx.pos(int(r.Offset))
	}
	for decoded := 0; decoded < offset && i < len(raw); {
		if basic && raw[i] == '\\' && i+1 < len(raw) {
			n, d := escapeLen(raw[i:])
			i += n
			decoded += d
			continue
		}
		i++
		decoded++
	}
	return idx.pos(int(r.Offset) + i)
}

// escapeLen reports how many raw bytes an escape sequence at the start of b
// takes and how many bytes it decodes to.
func escapeLen(b []byte) (raw, decoded int) {
	switch b[1] {
	case 'u', 'U':
		n := 6
		if b[1] == 'U' {
			n = 10
		}
		if n > len(b) {
			return len(b), 1
		}
		var r rune
		fmt.Sscanf(string(b[2:n]), "%x", &r)
		return n, utf8.RuneLen(r)
	case '\n', '\r', ' ', '\t': // line-ending backslash: trims following white space
		j := 1
		for j < len(b) && strings.IndexByte(" \t\r\n", b[j]) >= 0 {
			j++
		}
		return j, 0
	default:
		return 2, 1
	}
}

// QueryError returns an error at byte offset off of topic i's query.
func (c *Config) QueryError(i, off int, msg string) *Error {
	p := c.index.stringPos(fmt.Sprintf("topics.%d.query", i), off)
	return &Error{File: c.Path, Line: p.Line, Col: p.Column, Msg: fmt.Sprintf("topic %q: %s", c.Topics[i].Name, msg)}
}

// MuteError returns an error at byte offset off of mute j of topic i's
// query.
func (c *Config) MuteError(i, j, off int, msg string) *Error {
	p := c.index.stringPos(fmt.Sprintf("topics.%d.mute.%d.query", i, j), off)
	return &Error{File: c.Path, Line: p.Line, Col: p.Column, Msg: fmt.Sprintf("topic %q: mute %d: %s", c.Topics[i].Name, j+1, msg)}
}

// TermError returns an error at byte offset off of term j of group name.
func (c *Config) TermError(name string, j, off int, msg string) *Error {
	p := c.index.stringPos(fmt.Sprintf("groups.%s.terms.%d", name, j), off)
	return &Error{File: c.Path, Line: p.Line, Col: p.Column, Msg: fmt.Sprintf("group %q: %s", name, msg)}
}

// TopicError returns an error at topic i's table.
func (c *Config) TopicError(i int, msg string) *Error {
	p := c.index.lookup(fmt.Sprintf("topics.%d", i))
	return &Error{File: c.Path, Line: p.Line, Col: p.Column, Msg: fmt.Sprintf("topic %q: %s", c.Topics[i].Name, msg)}
}

// GroupError returns an error at group name's table.
func (c *Config) GroupError(name, msg string) *Error {
	p := c.index.lookup("groups." + name)
	return &Error{File: c.Path, Line: p.Line, Col: p.Column, Msg: fmt.Sprintf("group %q: %s", name, msg)}
}
