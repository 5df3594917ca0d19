package config

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// decodeError says what the TOML decoder refused in the user's terms: the
// key or table by name, the type wanted in TOML's words, and where.
func decodeError(path string, data []byte, err error) error {
	var de *toml.DecodeError
	if errors.As(err, &de) {
		line, col := de.Position()
		key := de.Key()
		msg := strings.TrimPrefix(de.Error(), "toml: ")
		switch {
		case msg == "unknown field":
			msg = fmt.Sprintf("unknown key %q%s", strings.Join(key, "."), suggest(key, false))
		case msg == "missing table":
			msg = fmt.Sprintf("unknown table [%s]%s", strings.Join(key, "."), suggest(key, true))
		case strings.HasPrefix(msg, "cannot decode TOML "):
			msg = typeMessage(key, msg)
		}
		return &Error{File: path, Line: line, Col: col, Msg: msg}
	}
	var se *toml.StrictMissingError
	if errors.As(err, &se) && len(se.Errors) > 0 {
		errs := make([]error, len(se.Errors))
		for i := range se.Errors {
			line, col := se.Errors[i].Position()
			key := se.Errors[i].Key()
			errs[i] = &Error{File: path, Line: line, Col: col,
				Msg: fmt.Sprintf("unknown key %q%s", strings.Join(key, "."), suggest(key, false))}
		}
		return errors.Join(errs...)
	}
	// A value's own decoding (a duration) failed: the decoder does not
	// say where, so find the key whose value it is.
	if key, ok := badDuration(data); ok {
		if idx, ierr := newIndex(data); ierr == nil {
			p := idx.lookup(key)
			return &Error{File: path, Line: p.Line, Col: p.Column, Msg: fmt.Sprintf("%s: %v", key, err)}
		}
	}
	return &Error{File: path, Msg: err.Error()}
}

// typeMessage rewrites "cannot decode TOML string into struct field
// config.fileTopic.Threshold of type float64" as "threshold: want a
// number, not a string".
func typeMessage(key []string, msg string) string {
	got := strings.Fields(strings.TrimPrefix(msg, "cannot decode TOML "))
	if len(got) == 0 {
		return msg
	}
	goType := msg[strings.LastIndex(msg, " ")+1:]
	want := map[string]string{
		"float64": "a number (3 or 2.5)", "float32": "a number (3 or 2.5)",
		"int": "a whole number", "int64": "a whole number", "int32": "a whole number",
		"string": `a string in quotes ("…")`, "bool": "true or false",
		"[]string": `an array of strings (["a", "b"])`,
	}[strings.TrimPrefix(goType, "*")]
	if want == "" {
		if strings.HasPrefix(goType, "[]") {
			want = "an array"
		} else {
			want = "a table"
		}
	}
	name := strings.Join(key, ".")
	if name == "" {
		name = "value"
	}
	return fmt.Sprintf("%s: want %s, not a TOML %s", name, want, got[0])
}

// suggest names the known key or table nearest to the last part of key
// (" (did you mean [[topics]]?)"), or nothing.
func suggest(key []string, table bool) string {
	if len(key) == 0 {
		return ""
	}
	// The first part of key that is not known is the one misspelt.
	t := reflect.TypeOf(file{})
	for i, k := range key {
		f, ok := fieldByTag(t, k)
		if !ok {
			key = key[:i+1]
			break
		}
		if f.Type.Kind() == reflect.Map {
			return "" // a name of the user's own ([groups.NAME])
		}
		t = elem(f.Type)
	}
	if t.Kind() != reflect.Struct {
		return ""
	}
	last := key[len(key)-1]
	var best string
	bestD := 3
	var names []string
	for i := 0; i < t.NumField(); i++ {
		names = append(names, strings.Split(t.Field(i).Tag.Get("toml"), ",")[0])
	}
	sort.Strings(names)
	for _, n := range names {
		if d := distance(strings.ToLower(last), n); d < bestD || strings.HasPrefix(n, strings.ToLower(last)) && d <= 3 && best == "" {
			best, bestD = n, d
		}
	}
	if best == "" {
		return ""
	}
	f, _ := fieldByTag(t, best)
	full := strings.Join(append(append([]string(nil), key[:len(key)-1]...), best), ".")
	switch k := f.Type.Kind(); {
	case k == reflect.Slice && elem(f.Type).Kind() == reflect.Struct:
		return fmt.Sprintf(" (did you mean [[%s]]?)", full)
	case k == reflect.Struct || k == reflect.Map:
		if k == reflect.Map {
			full += ".NAME"
		}
		return fmt.Sprintf(" (did you mean [%s]?)", full)
	}
	return fmt.Sprintf(" (did you mean %s?)", full)
}

func fieldByTag(t reflect.Type, tag string) (reflect.StructField, bool) {
	if t == nil || t.Kind() != reflect.Struct {
		return reflect.StructField{}, false
	}
	for i := 0; i < t.NumField(); i++ {
		if strings.Split(t.Field(i).Tag.Get("toml"), ",")[0] == tag {
			return t.Field(i), true
		}
	}
	return reflect.StructField{}, false
}

// elem is what a table of this type holds: the element of a slice or map,
// the target of a pointer.
func elem(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	return t
}

// distance is the Levenshtein distance of a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// badDuration finds the first duration key (timeout, budget,
// dedup.window) whose value does not parse as one.
func badDuration(data []byte) (string, bool) {
	var m map[string]any
	if toml.Unmarshal(data, &m) != nil {
		return "", false
	}
	check := func(key string, v any) bool {
		if v == nil {
			return false
		}
		var d duration
		s, ok := v.(string)
		return !ok || d.UnmarshalText([]byte(s)) != nil
	}
	for _, k := range []string{"timeout", "budget"} {
		if check(k, m[k]) {
			return k, true
		}
	}
	if dd, ok := m["dedup"].(map[string]any); ok && check("dedup.window", dd["window"]) {
		return "dedup.window", true
	}
	return "", false
}
