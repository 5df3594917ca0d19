package story

// Edge is how a member joined its group: through Parent (0 for the
// first member) with Score.
type Edge struct {
	ID, Parent int64
	Score      float64
}

// Components cuts the edges weaker than threshold and returns, for every
// ID, the smallest ID of its remaining component: the member that came
// first, whose entry stands for the story. A topic with a stricter
// threshold than grouping used sees its groups split this way, without
// grouping again.
func Components(edges []Edge, threshold float64) map[int64]int64 {
	parent := make(map[int64]int64, len(edges))
	var find func(int64) int64
	find = func(x int64) int64 {
		p, ok := parent[x]
		if !ok || p == x {
			parent[x] = x
			return x
		}
		r := find(p)
		parent[x] = r
		return r
	}
	for _, e := range edges {
		find(e.ID)
	}
	for _, e := range edges {
		if e.Parent == 0 || e.Score < threshold {
			continue
		}
		if _, ok := parent[e.Parent]; !ok {
			continue // the parent is gone (deleted by retention)
		}
		a, b := find(e.ID), find(e.Parent)
		switch {
		case a < b:
			parent[b] = a
		case b < a:
			parent[a] = b
		}
	}
	out := make(map[int64]int64, len(parent))
	for id := range parent {
		out[id] = find(id)
	}
	return out
}
