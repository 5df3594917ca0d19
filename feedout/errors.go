package feedout

import (
	"errors"
	"fmt"
)

// ErrInvalid is matched (errors.Is) by every error reporting a Feed the
// writers refuse to publish: a missing ID, title, self URL or date.
var ErrInvalid = errors.New("invalid feed")

// InvalidError names the feed and the field that is wrong.
type InvalidError struct {
	Feed   string // Feed.ID, or Feed.Self when the ID is missing
	Field  string // e.g. "Self", "Entries[3].Updated"
	Detail string
}

func (e *InvalidError) Error() string {
	return fmt.Sprintf("feed %s: invalid %s: %s", e.Feed, e.Field, e.Detail)
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }
