// Package store owns the SQLite database: its pragmas, its embedded
// numbered migrations and every SQL statement. Each public method that
// writes runs one transaction (one per fetched feed), so a crash or a
// failed fetch never loses what is already stored. It imports none of
// feedsift's other packages.
package store
