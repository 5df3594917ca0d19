package filter

// Version changes whenever the same topic could match differently (a
// change in tokenising, folding or scoring), so that callers re-evaluate
// stored items with the new rules.
const Version = 1
