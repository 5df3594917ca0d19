// Package fetcher owns getting feeds: HTTP with conditional GET and limits,
// local files, charset decoding, parsing with gofeed and normalising items,
// and handing each feed's result to the store in one transaction. A feed
// that fails, hangs, is huge or panics the parser is reported as a
// *fetcher.Error and never affects the other feeds. It renders nothing and
// knows nothing of topics.
package fetcher
