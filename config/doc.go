// Package config owns the configuration file: it decodes the TOML strictly
// (an unknown key or a wrong type is an error naming file:line:col),
// resolves paths relative to the file, applies the documented defaults and
// validates every value. It knows the positions of values in the file so
// that errors found later (a topic query that does not compile) can be
// reported at the right line and column. It imports none of feedsift's
// other packages and touches no network and no database.
package config
