package feedout

import (
	"strings"
	"unicode/utf8"
)

// Every piece of text feedout publishes (titles, author names, category
// terms, link and source titles, and the text of summaries and content)
// goes through cleanText, so that a reader is shown only characters that
// mean something. Only the output changes; callers keep their data.
//
//   - What XML 1.0 cannot carry goes: invalid UTF-8, C0 controls other
//     than tab and line breaks, surrogates, U+FFFE and U+FFFF. DEL too.
//   - C1 controls (U+0080–U+009F) in text are windows-1252 bytes decoded
//     as ISO-8859-1, or &#147;-style references written by software that
//     assumed windows-1252 (HTML parsers read such references as
//     windows-1252 for that reason). The 27 code points windows-1252
//     defines become the character meant (0x93 and 0x94 the curly double
//     quotes, 0x96 an en dash, 0x80 the euro sign); the other five are
//     dropped.
//   - U+FFFD stands for bytes the source got wrong. What they were is
//     lost and the replacement glyph tells a reader nothing more, so it is
//     dropped. (The W3C Feed Validator reports both U+FFFD and C1 controls
//     as BadCharacters: signs of a mis-decoded feed.)
//   - Noncharacters (U+FDD0–U+FDEF and the last two code points of every
//     plane) are never meant for interchange: dropped.
//   - Bidi embedding, override and isolate controls (U+202A–U+202E,
//     U+2066–U+2069) can make a title read as something it is not: an
//     override reverses what follows it, in a reader's list also past the
//     end of the title. HTML has markup for direction (dir, bdi, bdo), so
//     they are dropped everywhere. The marks U+200E, U+200F and U+061C,
//     which only settle the direction of neutral characters beside them,
//     and zero-width joiners, which emoji and many scripts need, stay.

// cleanText returns s with the characters above dropped or, for C1
// controls, mapped as windows-1252.
func cleanText(s string) string {
	for _, r := range s {
		if !keepRune(r) {
			return cleanSlow(s)
		}
	}
	return s
}

func cleanSlow(s string) string {
	var sb strings.Builder
	sb.Grow(len(s))
	for _, r := range s { // an invalid byte comes as utf8.RuneError
		switch {
		case keepRune(r):
			sb.WriteRune(r)
		case r >= 0x80 && r <= 0x9F:
			if c := windows1252[r-0x80]; c != 0 {
				sb.WriteRune(c)
			}
		}
	}
	return sb.String()
}

// keepRune reports whether r is published as it is.
func keepRune(r rune) bool {
	switch {
	case r < 0x80:
		return r >= 0x20 && r != 0x7F || r == '\t' || r == '\n' || r == '\r'
	case r <= 0x9F: // C1
		return false
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069: // bidi controls
		return false
	case r >= 0xD800 && r <= 0xDFFF: // surrogates
		return false
	case r >= 0xFDD0 && r <= 0xFDEF, r&0xFFFE == 0xFFFE: // noncharacters
		return false
	case r == utf8.RuneError: // U+FFFD
		return false
	}
	return r <= utf8.MaxRune
}

// windows1252 is what windows-1252 means by the bytes 0x80–0x9F; zero
// where it defines nothing (0x81, 0x8D, 0x8F, 0x90, 0x9D).
var windows1252 = [32]rune{
	'€', 0, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 0, 'Ž', 0,
	0, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', 0, 'ž', 'Ÿ',
}

// cleanLine is cleanText for single-line fields: runs of spaces, tabs and
// line breaks (left behind when a character is dropped, too) become one
// space, and the ends are trimmed.
func cleanLine(s string) string {
	s = cleanText(s)
	if strings.ContainsAny(s, "\t\n\r") || strings.Contains(s, "  ") {
		s = collapseSpace(s)
	}
	return strings.TrimSpace(s)
}

func collapseSpace(s string) string {
	var sb strings.Builder
	sb.Grow(len(s))
	space := false
	for _, r := range s {
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' {
			space = true
			continue
		}
		if space {
			sb.WriteByte(' ')
			space = false
		}
		sb.WriteRune(r)
	}
	if space {
		sb.WriteByte(' ')
	}
	return sb.String()
}
