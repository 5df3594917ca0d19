package store

import "time"

// The functions below let a second engine (store/pg) give items the same
// identities and encodings as this one, so that a database copied from
// one to the other, or two engines fed the same documents, agree on every
// item key. They only expose what items.go and stories.go already do.

// ChangingGUIDWindow is how long an item with a new GUID but the same link
// and title counts as the same story (feeds that re-stamp GUIDs).
const ChangingGUIDWindow = changingGUIDWindow

// ContentHash is the hash of everything a reader would see change in it.
func ContentHash(it *Item) string { return it.contentHash() }

// ItemKey is the stable key of an item of the feed at feedURL whose
// content hash is hash: by GUID, else link, else content.
func ItemKey(feedURL string, it *Item, hash string) string {
	kind, value := identityParts(it, hash)
	return itemKey(feedURL, kind, value)
}

// Identity names an item within one document: two items with the same
// identity are repeats, and only the first is stored.
func Identity(it *Item, hash string) string { return identity(it, hash) }

// EncodeEnclosures is the stored (JSON) form of es; "" for none.
func EncodeEnclosures(es []Enclosure) string { return encodeEnclosures(es) }

// DecodeEnclosures reverses EncodeEnclosures.
func DecodeEnclosures(s string) ([]Enclosure, error) {
	if s == "" {
		return nil, nil
	}
	var es []Enclosure
	err := jsonUnmarshal(s, &es)
	return es, err
}

// JoinLines and SplitLines are the stored form of authors, categories and
// match reasons.
func JoinLines(ss []string) string { return joinLines(ss) }

// SplitLines reverses JoinLines.
func SplitLines(s string) []string { return splitLines(s) }

// EncodeHashes is the stored form of shingles: little-endian uint64s.
func EncodeHashes(hs []uint64) []byte { return encodeHashes(hs) }

// DecodeHashes reverses EncodeHashes.
func DecodeHashes(b []byte) ([]uint64, error) { return decodeHashes(b) }

// Unix and FromUnix are the stored form of times: unix seconds, 0 for the
// zero time.
func Unix(t time.Time) int64 { return unix(t) }

// FromUnix reverses Unix (in UTC).
func FromUnix(n int64) time.Time { return fromUnix(n) }
