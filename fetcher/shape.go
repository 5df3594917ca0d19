package fetcher

import (
	"bytes"
	"fmt"
)

// shapeLimits bound the shape of an XML document gofeed is given. Its
// memory grows with the nesting depth (3,000,000 unclosed tags, 9 MB,
// cost it a gigabyte; 1,000,000 closed nested ones 388 MB), and goxpp,
// under it, copies every namespace declaration in scope for each element
// it reads (100,000 declared on the root of a 100-item feed cost 17 s and
// 5 GB of allocations; 30 declarations over 1,000,000 elements 8 s).
type shapeLimits struct {
	depth      int // elements open at once
	namespaces int // namespace declarations in scope at one element
	nsCopies   int // those, summed over the document's elements
}

// defaultShape is far above real feeds: Atom XHTML content nests a few
// dozen deep at most, and a feed declares a few dozen namespaces, whose
// copies over a 1,000-item feed come to some hundreds of thousands.
var defaultShape = shapeLimits{depth: 256, namespaces: 256, nsCopies: 4_000_000}

// scanShape checks an XML document against lim in one pass over its
// bytes, before any parser sees it (encoding/xml would itself allocate
// per element and per level). It counts elements as a parser does:
// comments, CDATA sections, processing instructions, DOCTYPE and other
// declarations, and quoted attribute values are skipped, empty-element
// tags are one level deeper but hold nothing, and an end tag closes the
// innermost element whatever its name. It returns the deepest nesting
// seen; the error is of class
// too_deep for depth, parse for namespaces. A construct that does not end
// ends the scan without an error: the parser reports it.
func scanShape(b []byte, lim shapeLimits) (deepest int, _ *Error) {
	var (
		depth   int
		decls   = make([]int, 0, 32) // namespace declarations of each open element
		inScope int
		copies  int
	)
	for i := 0; ; {
		lt := bytes.IndexByte(b[i:], '<')
		if lt < 0 || i+lt+1 >= len(b) {
			return deepest, nil
		}
		i += lt
		rest := b[i+1:]
		switch c := rest[0]; {
		case c == '/':
			end := bytes.IndexByte(rest, '>')
			if end < 0 {
				return deepest, nil
			}
			i += 1 + end + 1
			if depth > 0 {
				depth--
				inScope -= decls[depth]
				decls = decls[:depth]
			}
		case isNameStart(c):
			end, empty, n := scanStartTag(b, i+1)
			if end < 0 {
				return deepest, nil
			}
			if inScope+n > lim.namespaces {
				if depth == 0 {
					return deepest, &Error{Class: ClassParse, Detail: fmt.Sprintf("the <%s> start tag at byte %d declares %d namespaces (limit %d in scope)", tagName(b, i), i, n, lim.namespaces)}
				}
				return deepest, &Error{Class: ClassParse, Detail: fmt.Sprintf("the <%s> start tag at byte %d puts %d namespace declarations in scope (limit %d)", tagName(b, i), i, inScope+n, lim.namespaces)}
			}
			if copies += inScope + n; copies > lim.nsCopies {
				return deepest, &Error{Class: ClassParse, Detail: fmt.Sprintf("over %d namespace copies by the <%s> start tag at byte %d: too many elements under namespace declarations (the parser copies every declaration in scope for each element)", lim.nsCopies, tagName(b, i), i)}
			}
			if depth == lim.depth {
				return deepest, &Error{Class: ClassTooDeep, Detail: fmt.Sprintf("elements nested over %d deep (the limit) at byte %d", lim.depth, i)}
			}
			deepest = max(deepest, depth+1)
			if !empty {
				depth++
				decls = append(decls, n)
				inScope += n
			}
			i = end
		case c == '!':
			var end int
			switch {
			case bytes.HasPrefix(rest, []byte("!--")):
				if end = bytes.Index(rest[3:], []byte("-->")); end >= 0 {
					end += 1 + 3 + 3
				}
			case bytes.HasPrefix(rest, []byte("![CDATA[")):
				if end = bytes.Index(rest[8:], []byte("]]>")); end >= 0 {
					end += 1 + 8 + 3
				}
			default: // DOCTYPE, or another declaration
				if end = doctypeEnd(b, i+2); end >= 0 {
					end -= i
				}
			}
			if end < 0 {
				return deepest, nil
			}
			i += end
		case c == '?':
			end := bytes.Index(rest[1:], []byte("?>"))
			if end < 0 {
				return deepest, nil
			}
			i += 1 + 1 + end + 2
		default: // a "<" that starts nothing
			i++
		}
	}
}

// scanStartTag reads the start tag whose name begins at b[from], up to
// its ">", skipping quoted attribute values. It returns the offset past
// the tag (-1 if it does not end), whether it is an empty-element tag
// ("/>"), and how many namespaces it declares (xmlns and xmlns:prefix
// attributes).
func scanStartTag(b []byte, from int) (end int, empty bool, decls int) {
	for j := from; j < len(b); j++ {
		switch c := b[j]; c {
		case '"', '\'':
			k := bytes.IndexByte(b[j+1:], c)
			if k < 0 {
				return -1, false, 0
			}
			j += 1 + k
			// encoding/xml takes an attribute right after a value's
			// closing quote too (`a="1"xmlns:b="u"`): count it as well.
			if isXMLNS(b[j+1:]) {
				decls++
				j += 5
			}
		case '>':
			return j + 1, b[j-1] == '/', decls
		case ' ', '\t', '\r', '\n':
			if isXMLNS(b[j+1:]) {
				decls++
				j += 5
			}
		}
	}
	return -1, false, 0
}

// isXMLNS reports whether a starts a namespace declaration's name
// ("xmlns=" or "xmlns:prefix").
func isXMLNS(a []byte) bool {
	return len(a) > 5 && string(a[:5]) == "xmlns" && (a[5] == ':' || a[5] == '=' || isSpace(a[5]))
}
