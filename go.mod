module github.com/feedsift/feedsift

go 1.26.8

require (
	github.com/kljensen/snowball v0.10.0
	golang.org/x/net v0.62.0
	golang.org/x/text v0.43.0
)

require github.com/pelletier/go-toml/v2 v2.4.3 // indirect
