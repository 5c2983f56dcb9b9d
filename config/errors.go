package config

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// Pos is a line and column in the configuration file, 1-based.
type Pos struct{ Line, Col int }

// Error is a configuration error located in its file.
type Error struct {
	File string
	Pos  Pos // zero when the key is not in the file
	Key  string
	Msg  string
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Pos.Line > 0 {
			fmt.Fprintf(&b, ":%d:%d", e.Pos.Line, e.Pos.Col)
		}
		b.WriteString(": ")
	}
	if e.Key != "" {
		fmt.Fprintf(&b, "%s: ", e.Key)
	}
	b.WriteString(e.Msg)
	return b.String()
}

// positions locates keys: byKey maps a dotted path ("bundle.entry_points[0]")
// to where its value starts, for validation messages; byPos maps the
// position of every key and value token to its path, so that decoder
// errors, which carry only a token, can name their key.
// near is the position of key or, for a key not written (a value left
// out), of the closest enclosing one.
func (p positions) near(key string) Pos {
	for key != "" {
		if at, ok := p.byKey[key]; ok {
			return at
		}
		i := strings.LastIndexAny(key, ".[")
		if i < 0 {
			break
		}
		key = key[:i]
	}
	return Pos{}
}

type positions struct {
	byKey map[string]Pos
	byPos map[Pos]string
}

func tokenPos(tk *token.Token) Pos { return Pos{tk.Position.Line, tk.Position.Column} }

func (p positions) keyAt(tk *token.Token) string {
	if tk == nil || p.byPos == nil {
		return ""
	}
	return p.byPos[tokenPos(tk)]
}

func keyPositions(data []byte) (positions, error) {
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return positions{}, err
	}
	p := positions{byKey: map[string]Pos{}, byPos: map[Pos]string{}}
	for _, doc := range f.Docs {
		ast.Walk(visitor(func(n ast.Node) {
			path := strings.TrimPrefix(strings.TrimPrefix(n.GetPath(), "$"), ".")
			if path == "" {
				return
			}
			at := tokenPos(n.GetToken())
			if _, ok := p.byKey[path]; !ok {
				p.byKey[path] = at
			}
			if _, ok := p.byPos[at]; !ok {
				p.byPos[at] = path
			}
			if mv, ok := n.(*ast.MappingValueNode); ok {
				// Point at the value, not at the ':' of the pair.
				p.byKey[path] = tokenPos(mv.Value.GetToken())
				p.byPos[tokenPos(mv.Key.GetToken())] = path
			}
		}), doc)
	}
	return p, nil
}

type visitor func(ast.Node)

func (v visitor) Visit(n ast.Node) ast.Visitor {
	v(n)
	return v
}

// goFieldRE matches the Go names in go-yaml's type errors.
var goFieldRE = regexp.MustCompile(`Go struct field \S+ of type `)

// yamlError turns a go-yaml error into an Error naming file, line and key.
func yamlError(file string, err error, pos positions) error {
	var ye interface {
		GetToken() *token.Token
		GetMessage() string
	}
	if !errors.As(err, &ye) {
		return fmt.Errorf("%s: %w", file, err)
	}
	e := &Error{File: file, Msg: ye.GetMessage()}
	if tk := ye.GetToken(); tk != nil {
		e.Pos = Pos{tk.Position.Line, tk.Position.Column}
	}
	e.Key = pos.keyAt(ye.GetToken())
	if e.Key != "" {
		// The message names Go struct fields; the key says it better.
		e.Msg = strings.TrimSpace(goFieldRE.ReplaceAllString(e.Msg, ""))
	}
	e.Msg = strings.ReplaceAll(e.Msg, "unknown field", "unknown key")
	return e
}
