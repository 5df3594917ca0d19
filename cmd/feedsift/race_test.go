//go:build race

package main

// raceDetector is true under -race, which makes CPU-bound work 5–10
// times slower: the hostile catalogue then uses smaller instances of its
// heaviest cases (still over every cap) so that CI stays fast.
const raceDetector = true
