module github.com/feedsift/feedsift

go 1.26.8
