package filter

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file parses the topic language (LANGUAGE.md) into an abstract
// syntax tree. It is a hand-written recursive-descent parser over a
// lexer that records byte offsets, so every error points at the exact
// place in the query or group term.

type tkind uint8

const (
	tEOF tkind = iota
	tWord
	tPhrase
	tGroup
	tLParen
	tRParen
	tComma
	tAnd
	tOr
	tNot
	tUnless
	tSame
	tNear
	tFunc
	tScope
	tWeight
	tStart
)

var tkindNames = [...]string{
	tEOF: "end of query", tWord: "word", tPhrase: "phrase", tGroup: "@group",
	tLParen: "'('", tRParen: "')'", tComma: "','", tAnd: "AND", tOr: "OR",
	tNot: "NOT", tUnless: "UNLESS", tSame: "SAME", tNear: "NEAR",
	tFunc: "SENTENCE(", tScope: "scope", tWeight: "weight", tStart: "START(",
}

type tok struct {
	kind     tkind
	off, end int
	text     string  // word, phrase content, group or scope name
	suffix   byte    // '*' or '~' after a word or phrase
	exact    bool    // written with '=': case and diacritics as written, no stemming
	n        int     // NEAR distance
	w        float64 // weight; for a word or phrase, its term weight (^w), 0 when none
}

func (t tok) String() string {
	switch t.kind {
	case tWord:
		return fmt.Sprintf("word %q", t.text)
	case tPhrase:
		return fmt.Sprintf("phrase %q", t.text)
	case tGroup:
		return "@" + t.text
	case tScope:
		return t.text + ":"
	case tWeight:
		return "weight " + strconv.FormatFloat(t.w, 'g', -1, 64) + ":"
	case tFunc, tStart:
		if t.text != "" {
			return t.text + "("
		}
	case tNear:
		if t.text != "" {
			return t.text
		}
	}
	return tkindNames[t.kind]
}

// scopes maps scope names to token scope bits.
var scopes = map[string]uint16{
	"title":    bTitle,
	"lead":     bLead,
	"head":     bTitle | bLead,
	"summary":  bSummary | bLead,
	"content":  bContent,
	"body":     bSummary | bLead | bContent,
	"text":     bText,
	"author":   bAuthor,
	"category": bCategory,
	"feed":     bFeed,
	"link":     bLink,
}

const scopeList = "title, lead, head, summary, content, body, text, author, category, feed, link"

// defaultNear is the distance of a bare NEAR.
const defaultNear = 10

// defaultStart is the number of words of a bare START.
const defaultStart = 3

// maxDepth bounds nesting so that no query can exhaust the stack.
const maxDepth = 64

type parseError struct {
	off int
	msg string
}

func (e *parseError) Error() string { return e.msg }

type lexer struct {
	src       string
	pos       int
	lineStart bool // no token yet on the current line
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isDelim(c byte) bool {
	return isSpace(c) || c == '(' || c == ')' || c == '"' || c == ',' || c == ':'
}

func (lx *lexer) errf(off int, format string, args ...any) *parseError {
	return &parseError{off: off, msg: fmt.Sprintf(format, args...)}
}

// where describes an offset of the source for a message.
func where(src string, off int) string {
	line, col := 1, 1
	for i, r := range src {
		if i >= off {
			break
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	if line == 1 {
		return fmt.Sprintf("column %d", col)
	}
	return fmt.Sprintf("line %d, column %d", line, col)
}

func (lx *lexer) next() (tok, error) {
	src := lx.src
	for lx.pos < len(src) {
		c := src[lx.pos]
		if c == '\n' {
			lx.lineStart = true
			lx.pos++
		} else if isSpace(c) {
			lx.pos++
		} else if c == '#' {
			for lx.pos < len(src) && src[lx.pos] != '\n' {
				lx.pos++
			}
		} else {
			break
		}
	}
	start := lx.pos
	atLineStart := lx.lineStart
	lx.lineStart = false
	if start >= len(src) {
		return tok{kind: tEOF, off: start, end: start}, nil
	}
	single := func(k tkind) (tok, error) {
		lx.pos++
		return tok{kind: k, off: start, end: lx.pos}, nil
	}
	if src[start] == '=' && start+1 < len(src) && (!isDelim(src[start+1]) || src[start+1] == '"') {
		// =word, ="a phrase": exactly as written.
		lx.pos++
		lx.lineStart = atLineStart
		t, err := lx.next()
		if err != nil {
			return t, err
		}
		if t.kind != tWord && t.kind != tPhrase {
			return tok{}, lx.errf(start, "'=' goes before a word or a \"phrase\" (at %s)", where(src, start))
		}
		if t.suffix == '~' {
			return tok{}, lx.errf(start, "an exact term (=) cannot be stemmed (~) (at %s)", where(src, start))
		}
		t.exact, t.off = true, start
		return t, nil
	}
	switch src[start] {
	case '(':
		return single(tLParen)
	case ')':
		return single(tRParen)
	case ',':
		return single(tComma)
	case ':':
		return tok{}, lx.errf(start, "unexpected ':' at %s (a scope name such as title: or a weight such as 3: goes before it)", where(src, start))
	case '"':
		end := strings.IndexByte(src[start+1:], '"')
		if end < 0 {
			return tok{}, lx.errf(start, "expected '\"' to close the phrase opened at %s", where(src, start))
		}
		t := tok{kind: tPhrase, off: start, text: src[start+1 : start+1+end]}
		lx.pos = start + end + 2
		if lx.pos < len(src) && (src[lx.pos] == '~' || src[lx.pos] == '*') {
			t.suffix = src[lx.pos]
			lx.pos++
		}
		if strings.HasSuffix(t.text, "*") {
			if t.suffix != 0 {
				return tok{}, lx.errf(start, "a phrase takes either a '*' inside or a '~' after it, not both")
			}
			t.text = strings.TrimRight(t.text, "*")
			t.suffix = '*'
		}
		if lx.pos < len(src) && src[lx.pos] == '^' {
			j := lx.pos + 1
			for j < len(src) && !isDelim(src[j]) {
				j++
			}
			w, err := termWeight(src[lx.pos+1 : j])
			if err != nil {
				return tok{}, lx.errf(lx.pos, "%v (at %s)", err, where(src, lx.pos))
			}
			t.w, lx.pos = w, j
		}
		t.end = lx.pos
		return t, nil
	case '@':
		i := start + 1
		for i < len(src) && isNameByte(src[i]) {
			i++
		}
		if i == start+1 {
			return tok{}, lx.errf(start, "expected a group name after '@' at %s", where(src, start))
		}
		lx.pos = i
		return tok{kind: tGroup, off: start, end: i, text: src[start+1 : i]}, nil
	}
	i := start
	for i < len(src) && !isDelim(src[i]) {
		i++
	}
	word := src[start:i]
	lx.pos = i
	if i < len(src) && src[i] == ':' {
		lx.pos++
		if atLineStart {
			if w, err := strconv.ParseFloat(word, 64); err == nil && isNumber(word) {
				return tok{kind: tWeight, off: start, end: lx.pos, w: w}, nil
			}
		}
		if _, ok := scopes[word]; ok {
			return tok{kind: tScope, off: start, end: lx.pos, text: word}, nil
		}
		if isNumber(word) {
			return tok{}, lx.errf(start, "weight %s: must start a line", word)
		}
		return tok{}, lx.errf(start, "unknown scope %q; scopes are %s", word+":", scopeList)
	}
	t := tok{kind: tWord, off: start, end: i, text: word}
	switch word {
	case "AND":
		t.kind = tAnd
	case "OR":
		t.kind = tOr
	case "NOT":
		t.kind = tNot
	case "UNLESS":
		t.kind = tUnless
	case "SAME":
		t.kind = tSame
	case "NEAR":
		t.kind, t.n = tNear, defaultNear
	case "BEFORE":
		t.kind, t.n = tNear, defaultNear
	case "SENTENCE", "PAIR":
		if i < len(src) && src[i] == '(' {
			t.kind = tFunc
		}
	}
	if t.kind != tWord {
		return t, nil
	}
	for _, fn := range [...]string{"START", "END"} {
		if word != fn && !strings.HasPrefix(word, fn+"/") {
			continue
		}
		n := defaultStart
		if rest, ok := strings.CutPrefix(word, fn+"/"); ok {
			var err error
			n, err = strconv.Atoi(rest)
			if err != nil || n < 1 || n > 1000 {
				return tok{}, lx.errf(start, "expected a number of words from 1 to 1000 after %s/ at %s", fn, where(src, start))
			}
		}
		if i < len(src) && src[i] == '(' {
			return tok{kind: tStart, off: start, end: i, n: n, text: fn}, nil
		}
		if word != fn {
			return tok{}, lx.errf(i, "expected '(' right after %s at %s", word, where(src, start))
		}
	}
	for _, op := range [...]string{"NEAR", "BEFORE"} {
		if rest, ok := strings.CutPrefix(word, op+"/"); ok {
			n, err := strconv.Atoi(rest)
			if err != nil || n < 0 || n > 1000 {
				return tok{}, lx.errf(start, "expected a distance from 0 to 1000 after %s/ at %s", op, where(src, start))
			}
			return tok{kind: tNear, off: start, end: i, n: n, text: op}, nil
		}
	}
	if k := strings.LastIndexByte(word, '^'); k >= 0 {
		w, err := termWeight(word[k+1:])
		if err != nil {
			return tok{}, lx.errf(start+k, "%v (at %s)", err, where(src, start+k))
		}
		if k == 0 {
			return tok{}, lx.errf(start, "'^' goes after a word or a \"phrase\" (at %s)", where(src, start))
		}
		t.w, word = w, word[:k]
		t.text = word
	}
	if last := word[len(word)-1]; last == '*' || last == '~' {
		t.suffix = last
		t.text = word[:len(word)-1]
	}
	if k := strings.IndexAny(t.text, "*~"); k >= 0 {
		return tok{}, lx.errf(start+k, "'%c' is allowed only at the end of a word (at %s)", t.text[k], where(src, start+k))
	}
	return t, nil
}

// termWeight reads the weight after a term's '^'.
func termWeight(s string) (float64, error) {
	w, err := strconv.ParseFloat(s, 64)
	if err != nil || !isNumber(s) || w <= 0 || w > 100 {
		return 0, fmt.Errorf("expected a term weight above 0 and at most 100 after '^', found %q", s)
	}
	return w, nil
}

func isNameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-' || c == '.'
}

func isNumber(s string) bool {
	if s == "" {
		return false
	}
	if s[0] == '+' || s[0] == '-' {
		s = s[1:]
	}
	digits, dot := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9':
			digits++
		case c == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return digits > 0
}

// op is an AST node kind.
type op uint8

const (
	opTerm op = iota
	opGroup
	opAnd
	opOr
	opNot
	opSent
	opNear
	opScope
	opUnless
	opStart  // START/n( … ), or END/n( … ) (text "END")
	opPair   // PAIR(a, b)
	opApart  // a NOT NEAR/n b
	opBefore // a BEFORE/n b
)

// ast is a parsed expression.
type ast struct {
	op       op
	kids     []*ast
	text     string  // opTerm: the term as written; opGroup, opScope: the name
	suffix   byte    // opTerm: '*', '~' or 0
	phrase   bool    // opTerm: written in quotes
	exact    bool    // opTerm: written with '='
	weight   float64 // opTerm: its weight (^w), 0 for the default 1
	n        int     // opNear, opApart: distance; opStart: number of words
	off, end int     // byte range in the source
}

// clause is one weighted line of a query.
type clause struct {
	weight float64
	expr   *ast
}

type parser struct {
	lx    lexer
	tok   tok
	depth int
}

func newParser(src string) (*parser, error) {
	p := &parser{lx: lexer{src: src, lineStart: true}}
	return p, p.advance()
}

func (p *parser) advance() error {
	t, err := p.lx.next()
	if err != nil {
		return err
	}
	p.tok = t
	return nil
}

func (p *parser) errf(off int, format string, args ...any) error {
	return &parseError{off: off, msg: fmt.Sprintf(format, args...)}
}

// parseQuery parses a whole query. weighted reports whether it is a list
// of "weight: expression" clauses.
func parseQuery(src string) (clauses []clause, weighted bool, err error) {
	p, err := newParser(src)
	if err != nil {
		return nil, false, err
	}
	if p.tok.kind == tEOF {
		return nil, false, p.errf(0, "empty query")
	}
	if p.tok.kind != tWeight {
		e, err := p.parseExpr()
		if err != nil {
			return nil, false, err
		}
		if p.tok.kind == tWeight {
			return nil, false, p.errf(p.tok.off, "a weighted clause at %s, but the query does not start with one: put a weight such as 1: before the first clause too", where(src, p.tok.off))
		}
		if err := p.expectEOF(); err != nil {
			return nil, false, err
		}
		return []clause{{weight: 1, expr: e}}, false, nil
	}
	for p.tok.kind == tWeight {
		w := p.tok.w
		if err := p.advance(); err != nil {
			return nil, false, err
		}
		if p.tok.kind == tEOF || p.tok.kind == tWeight {
			return nil, false, p.errf(p.tok.off, "expected an expression after the weight at %s", where(src, p.tok.off))
		}
		e, err := p.parseExpr()
		if err != nil {
			return nil, false, err
		}
		clauses = append(clauses, clause{weight: w, expr: e})
	}
	if err := p.expectEOF(); err != nil {
		return nil, false, err
	}
	return clauses, true, nil
}

// parseTerm parses one group term: an expression without weights.
func parseTerm(src string) (*ast, error) {
	p, err := newParser(src)
	if err != nil {
		return nil, err
	}
	if p.tok.kind == tEOF {
		return nil, p.errf(0, "empty term")
	}
	if p.tok.kind == tWeight {
		return nil, p.errf(p.tok.off, "weights are not allowed in group terms")
	}
	e, err := p.parseExpr()
	if err != nil {
		return nil, err
	}
	return e, p.expectEOF()
}

func (p *parser) expectEOF() error {
	switch p.tok.kind {
	case tEOF:
		return nil
	case tRParen:
		return p.errf(p.tok.off, "unexpected ')' at %s: no '(' to close", where(p.lx.src, p.tok.off))
	case tUnless:
		return p.errf(p.tok.off, "unexpected UNLESS at %s: it binds to one word, phrase, @group or (...) on its left; add parentheses", where(p.lx.src, p.tok.off))
	case tWeight:
		return p.errf(p.tok.off, "unexpected weight at %s", where(p.lx.src, p.tok.off))
	}
	return p.errf(p.tok.off, "unexpected %s at %s", p.tok, where(p.lx.src, p.tok.off))
}

func (p *parser) enter(off int) error {
	p.depth++
	if p.depth > maxDepth {
		return p.errf(off, "expression nested more than %d deep at %s", maxDepth, where(p.lx.src, off))
	}
	return nil
}

func (p *parser) parseExpr() (*ast, error) {
	if err := p.enter(p.tok.off); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	first, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tOr {
		return first, nil
	}
	n := &ast{op: opOr, kids: []*ast{first}, off: first.off}
	for p.tok.kind == tOr {
		if err := p.advance(); err != nil {
			return nil, err
		}
		k, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		n.kids = append(n.kids, k)
	}
	n.end = n.kids[len(n.kids)-1].end
	return n, nil
}

func startsUnary(k tkind) bool {
	switch k {
	case tWord, tPhrase, tGroup, tLParen, tFunc, tStart, tScope, tNot:
		return true
	}
	return false
}

func (p *parser) parseAnd() (*ast, error) {
	first, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	n := &ast{op: opAnd, kids: []*ast{first}, off: first.off}
	for {
		if p.tok.kind == tAnd {
			if err := p.advance(); err != nil {
				return nil, err
			}
			if !startsUnary(p.tok.kind) {
				return nil, p.errf(p.tok.off, "expected an expression after AND at %s but found %s", where(p.lx.src, p.tok.off), p.tok)
			}
		} else if !startsUnary(p.tok.kind) {
			break
		}
		k, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		n.kids = append(n.kids, k)
	}
	if len(n.kids) == 1 {
		return first, nil
	}
	n.end = n.kids[len(n.kids)-1].end
	return n, nil
}

// parseUnary parses NOT x, and x UNLESS y, which binds tighter than NOT:
// NOT x UNLESS y is NOT (x UNLESS y), an exclusion that y overrides.
func (p *parser) parseUnary() (*ast, error) {
	if p.tok.kind != tNot {
		return p.parseUnless()
	}
	if err := p.enter(p.tok.off); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	off := p.tok.off
	if err := p.advance(); err != nil {
		return nil, err
	}
	if !startsUnary(p.tok.kind) {
		return nil, p.errf(p.tok.off, "expected an expression after NOT at %s but found %s", where(p.lx.src, p.tok.off), p.tok)
	}
	k, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	return &ast{op: opNot, kids: []*ast{k}, off: off, end: k.end}, nil
}

func (p *parser) parseUnless() (*ast, error) {
	x, err := p.parseNear()
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tUnless {
		return x, nil
	}
	if err := p.enter(p.tok.off); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	if err := p.advance(); err != nil {
		return nil, err
	}
	if !startsUnary(p.tok.kind) {
		return nil, p.errf(p.tok.off, "expected an expression after UNLESS at %s but found %s", where(p.lx.src, p.tok.off), p.tok)
	}
	y, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	return &ast{op: opUnless, kids: []*ast{x, y}, off: x.off, end: y.end}, nil
}

func (p *parser) parseNear() (*ast, error) {
	first, err := p.parsePrimary()
	if err != nil {
		return nil, err
	}
	for p.tok.kind == tSame || p.tok.kind == tNear || p.tok.kind == tNot {
		t := p.tok
		apart := false
		if t.kind == tNot {
			// a NOT NEAR/n b; any other NOT is a new operand of an AND.
			saved := p.lx
			if err := p.advance(); err != nil {
				return nil, err
			}
			if p.tok.kind != tNear {
				p.lx, p.tok = saved, t
				break
			}
			if p.tok.text == "BEFORE" {
				return nil, p.errf(t.off, "NOT BEFORE at %s is not part of the language; NOT NEAR/n excludes a context on either side", where(p.lx.src, t.off))
			}
			apart, t = true, p.tok
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
		if !startsUnary(p.tok.kind) || p.tok.kind == tNot {
			what := t.String()
			if apart {
				what = "NOT " + what
			}
			return nil, p.errf(p.tok.off, "expected a word, phrase, @group or '(' after %s at %s but found %s", what, where(p.lx.src, p.tok.off), p.tok)
		}
		k, err := p.parsePrimary()
		if err != nil {
			return nil, err
		}
		if apart {
			first = &ast{op: opApart, n: t.n, kids: []*ast{first, k}, off: first.off, end: k.end}
			continue
		}
		if t.text == "BEFORE" {
			first = &ast{op: opBefore, n: t.n, kids: []*ast{first, k}, off: first.off, end: k.end}
			continue
		}
		if t.kind == tSame {
			if first.op == opSent && first.text == "SAME" {
				first.kids = append(first.kids, k)
				first.end = k.end
				continue
			}
			first = &ast{op: opSent, text: "SAME", kids: []*ast{first, k}, off: first.off, end: k.end}
		} else {
			first = &ast{op: opNear, n: t.n, kids: []*ast{first, k}, off: first.off, end: k.end}
		}
	}
	return first, nil
}

func (p *parser) parsePrimary() (*ast, error) {
	t := p.tok
	src := p.lx.src
	switch t.kind {
	case tWord, tPhrase:
		if err := p.advance(); err != nil {
			return nil, err
		}
		return &ast{op: opTerm, text: t.text, suffix: t.suffix, phrase: t.kind == tPhrase, exact: t.exact, weight: t.w, off: t.off, end: t.end}, nil
	case tGroup:
		if err := p.advance(); err != nil {
			return nil, err
		}
		return &ast{op: opGroup, text: t.text, off: t.off, end: t.end}, nil
	case tScope:
		if err := p.enter(t.off); err != nil {
			return nil, err
		}
		defer func() { p.depth-- }()
		if err := p.advance(); err != nil {
			return nil, err
		}
		switch p.tok.kind {
		case tWord, tPhrase, tGroup, tLParen, tFunc, tStart:
		default:
			return nil, p.errf(p.tok.off, "expected a word, phrase, @group or '(' after %s at %s but found %s", t, where(src, p.tok.off), p.tok)
		}
		k, err := p.parsePrimary()
		if err != nil {
			return nil, err
		}
		return &ast{op: opScope, text: t.text, kids: []*ast{k}, off: t.off, end: k.end}, nil
	case tLParen:
		if err := p.advance(); err != nil {
			return nil, err
		}
		if p.tok.kind == tRParen {
			return nil, p.errf(p.tok.off, "empty parentheses at %s", where(src, t.off))
		}
		e, err := p.parseExpr()
		if err != nil {
			return nil, err
		}
		if p.tok.kind != tRParen {
			return nil, p.errf(p.tok.off, "expected ')' to close '(' at %s but found %s", where(src, t.off), p.tok)
		}
		end := p.tok.end
		if err := p.advance(); err != nil {
			return nil, err
		}
		// Keep the parentheses in the node's source text (a scope's text
		// ends where its expression does).
		if e.op != opTerm && e.op != opGroup {
			e.off, e.end = t.off, end
		}
		return e, nil
	case tFunc:
		if err := p.enter(t.off); err != nil {
			return nil, err
		}
		defer func() { p.depth-- }()
		fn := t.text                        // SENTENCE or PAIR
		if err := p.advance(); err != nil { // SENTENCE
			return nil, err
		}
		if err := p.advance(); err != nil { // (
			return nil, err
		}
		n := &ast{op: opSent, text: fn, off: t.off}
		if fn == "PAIR" {
			n.op = opPair
		}
		for {
			if p.tok.kind == tRParen && len(n.kids) > 0 {
				break
			}
			e, err := p.parseExpr()
			if err != nil {
				return nil, err
			}
			n.kids = append(n.kids, e)
			if p.tok.kind == tComma {
				if err := p.advance(); err != nil {
					return nil, err
				}
				continue
			}
			if p.tok.kind != tRParen {
				return nil, p.errf(p.tok.off, "expected ',' or ')' to close %s( at %s but found %s", fn, where(src, t.off), p.tok)
			}
		}
		if len(n.kids) < 2 {
			return nil, p.errf(t.off, "%s at %s needs at least two arguments", fn, where(src, t.off))
		}
		if n.op == opPair && len(n.kids) != 2 {
			return nil, p.errf(t.off, "PAIR at %s takes two arguments, not %d", where(src, t.off), len(n.kids))
		}
		n.end = p.tok.end
		if err := p.advance(); err != nil {
			return nil, err
		}
		return n, nil
	case tStart:
		if err := p.enter(t.off); err != nil {
			return nil, err
		}
		defer func() { p.depth-- }()
		if err := p.advance(); err != nil { // START/n
			return nil, err
		}
		if err := p.advance(); err != nil { // (
			return nil, err
		}
		if p.tok.kind == tRParen {
			return nil, p.errf(p.tok.off, "%s at %s needs an argument", t.text, where(src, t.off))
		}
		e, err := p.parseExpr()
		if err != nil {
			return nil, err
		}
		if p.tok.kind != tRParen {
			return nil, p.errf(p.tok.off, "expected ')' to close %s( at %s but found %s", t.text, where(src, t.off), p.tok)
		}
		n := &ast{op: opStart, n: t.n, text: t.text, kids: []*ast{e}, off: t.off, end: p.tok.end}
		if err := p.advance(); err != nil {
			return nil, err
		}
		return n, nil
	case tEOF:
		return nil, p.errf(t.off, "unexpected end of query: expected a word, \"phrase\", @group, scope: or '('")
	}
	return nil, p.errf(t.off, "expected a word, \"phrase\", @group, scope: or '(' at %s but found %s", where(src, t.off), t)
}

// runeLen counts runes, for the minimum prefix length.
func runeLen(s string) int { return utf8.RuneCountInString(s) }
