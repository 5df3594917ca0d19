// Command bench measures feedsift passes over synthetic feeds served on
// 127.0.0.1, and the same feeds with newsboat and sfeed when installed.
//
//	go run ./bench -n 1000                 # 1,000 feeds, 3 runs, medians
//	go run ./bench -n 1000,10000 -runs 3   # also 10,000 feeds
//	go run ./bench -n 1000 -profile DIR    # CPU and heap profiles of the first run
//	go run ./bench -n 10000 -runs 1 -peers-max-n 10000 -only-peers sfeed
//
// With -dedup-off (the default) feedsift also runs with [dedup] enabled =
// false, on its own database: the difference is what grouping copies of
// one story from several feeds costs, and peers are compared with both.
//
// It builds feedsift and the feed server (../shared/feedserver, or -feedserver
// DIR) into a temporary directory, starts the server, writes a configuration
// listing its feeds with the example topic from config.example.toml, and runs
// `feedsift run` as a child process three ways per repetition: cold (a new
// database), warm (nothing changed: every feed answers 304) and changed (after
// POST /-/advance, -change of the feeds have new items). For each it prints
// the median over -runs of wall time, CPU time (user+sys), peak RSS,
// requests the server saw, items stored, and the share of the pass's CPU
// time spent in fetch (requests, bodies), parse, store, filter, group
// (grouping copies of stories, between fetching and filtering), output
// and other (unlabelled: the garbage collector, start-up), from a CPU
// profile of every feedsift run added up by the "phase" label feedsift
// gives its goroutines. A pass is CPU-bound, so CPU, not wall time, is
// what its phases share (fetching runs feeds concurrently: their wall
// times overlap and include waiting for a core).
//
// Peers run on the same server in the same way, each against its own state:
// newsboat (its defaults: `newsboat -x reload`) and sfeed_update with the
// ETag-aware curl fetch from sfeed's README. They are skipped above
// -peers-max-n feeds (newsboat takes over 15 minutes at 10,000).
//
// The machine should be otherwise idle: the load average is printed with each
// table.
package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/google/pprof/profile"
	_ "modernc.org/sqlite"
)

func main() {
	var (
		ns          = flag.String("n", "1000", "comma-separated feed counts")
		runs        = flag.Int("runs", 3, "repetitions; tables show medians")
		change      = flag.Float64("change", 0.1, "fraction of feeds changed between the warm and the changed pass")
		perHost     = flag.Int("per-host", 0, "per_host in the generated config (0 = feedsift's default); the server is one host")
		concurrency = flag.Int("concurrency", 0, "concurrency in the generated config (0 = feedsift's default)")
		peers       = flag.Bool("peers", true, "also run newsboat and sfeed when installed")
		peersMaxN   = flag.Int("peers-max-n", 1000, "run peers only up to this many feeds")
		only        = flag.String("only-peers", "", "comma-separated peers to run (newsboat, sfeed); default every one installed")
		serverDir   = flag.String("feedserver", "", "directory of the feed server's source (default ../shared/feedserver from the module root)")
		profile     = flag.String("profile", "", "write CPU and heap profiles of the first feedsift run of each kind to this directory")
		keep        = flag.Bool("keep", false, "keep the temporary directory")
		dedupOff    = flag.Bool("dedup-off", true, "also run feedsift with [dedup] enabled = false: what grouping copies of stories costs")
	)
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("bench: ")
	var counts []int
	for _, s := range strings.Split(*ns, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			log.Fatalf("-n %q: want feed counts like 1000,10000", *ns)
		}
		counts = append(counts, n)
	}
	if *runs < 1 {
		log.Fatal("-runs must be at least 1")
	}
	root, err := moduleRoot()
	if err != nil {
		log.Fatal(err)
	}
	if *serverDir == "" {
		*serverDir = filepath.Join(root, "..", "shared", "feedserver")
	}
	if _, err := os.Stat(filepath.Join(*serverDir, "main.go")); err != nil {
		log.Fatalf("feed server source not found in %s (-feedserver DIR): %v", *serverDir, err)
	}
	topicText, err := exampleTopic(filepath.Join(root, "config.example.toml"))
	if err != nil {
		log.Fatal(err)
	}
	tmp, err := os.MkdirTemp("", "feedsift-bench-")
	if err != nil {
		log.Fatal(err)
	}
	if *keep {
		log.Printf("temporary directory: %s", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	if *profile != "" {
		if *profile, err = filepath.Abs(*profile); err != nil {
			log.Fatal(err)
		}
		if err := os.MkdirAll(*profile, 0o755); err != nil {
			log.Fatal(err)
		}
	}

	b := &bench{tmp: tmp, topic: topicText, perHost: *perHost, concurrency: *concurrency, profile: *profile, dedupOff: *dedupOff}
	b.feedsift = filepath.Join(tmp, "feedsift")
	b.server = filepath.Join(tmp, "feedserver")
	if err := goBuild(root, b.feedsift, "./cmd/feedsift"); err != nil {
		log.Fatal(err)
	}
	if err := goBuild(*serverDir, b.server, "."); err != nil {
		log.Fatal(err)
	}
	b.newsboat, _ = exec.LookPath("newsboat")
	b.only = *only
	b.sfeed, _ = exec.LookPath("sfeed_update")
	if _, err := exec.LookPath("curl"); err != nil {
		b.sfeed = ""
	}

	fmt.Printf("feedsift bench: %d CPUs, runs=%d, change=%.2f, per_host=%s, concurrency=%s\n",
		runtime.NumCPU(), *runs, *change, orDefault(*perHost), orDefault(*concurrency))
	for _, n := range counts {
		if err := b.runN(n, *runs, *change, *peers && n <= *peersMaxN); err != nil {
			log.Fatal(err)
		}
	}
}

type bench struct {
	tmp, topic                string
	feedsift, server          string
	newsboat, sfeed           string
	only                      string // -only-peers
	perHost, concurrency      int
	profile                   string
	dedupOff                  bool   // -dedup-off
	base                      string // the feed server's URL
	urls                      []string
	profiled                  map[string]bool
	serverRSS, serverRendered string
}

// measure is one pass of one tool.
type measure struct {
	wall, cpu        time.Duration
	rssKB            int64
	requests, ok, nm int64
	items            int64
	// Shares of the CPU time the profile sampled, by feedsift's "phase"
	// label (other: no label: the garbage collector, start-up).
	fetch, parse, store, filter, group, ou, other float64
	phases                                        bool
}

func (b *bench) runN(n, runs int, change float64, peers bool) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addrFile := filepath.Join(b.tmp, fmt.Sprintf("addr-%d", n))
	srv := exec.CommandContext(ctx, b.server, "-addr", "127.0.0.1:0", "-addr-file", addrFile,
		"-n", strconv.Itoa(n), "-change", strconv.FormatFloat(change, 'f', -1, 64), "-lifetime", "6h")
	var srvLog bytes.Buffer
	srv.Stdout, srv.Stderr = &srvLog, &srvLog
	if err := srv.Start(); err != nil {
		return err
	}
	defer func() {
		srv.Process.Signal(syscall.SIGTERM)
		srv.Wait()
	}()
	deadline := time.Now().Add(10 * time.Minute)
	for {
		if s, err := os.ReadFile(addrFile); err == nil && bytes.HasSuffix(s, []byte("\n")) {
			b.base = strings.TrimSpace(string(s))
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("feed server did not start: %s", srvLog.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.serverRSS = procRSS(srv.Process.Pid)
	body, err := httpGet(b.base + "/urls.txt")
	if err != nil {
		return err
	}
	b.urls = strings.Fields(string(body))
	if len(b.urls) != n {
		return fmt.Errorf("urls.txt lists %d feeds, want %d", len(b.urls), n)
	}
	fmt.Printf("\n## %d feeds (server %s, RSS %s; load average %s)\n\n", n, b.base, b.serverRSS, loadAvg())

	type tool struct {
		name, dir string // dir: the name of its state directories
		run       func(dir, kind string) (measure, error)
	}
	tools := []tool{{"feedsift", "feedsift", b.feedsiftRun(true)}}
	if b.dedupOff {
		tools = append(tools, tool{"feedsift (dedup off)", "feedsift-nodedup", b.feedsiftRun(false)})
	}
	peersFrom := len(tools)
	wanted := func(name string) bool {
		return b.only == "" || slices.Contains(strings.Split(b.only, ","), name)
	}
	if peers && b.newsboat != "" && wanted("newsboat") {
		tools = append(tools, tool{"newsboat", "newsboat", b.runNewsboat})
	}
	if peers && b.sfeed != "" && wanted("sfeed") {
		tools = append(tools, tool{"sfeed", "sfeed", b.runSfeed})
	}
	kinds := []string{"cold", "warm", "changed"}
	res := map[string]map[string][]measure{}
	for _, t := range tools {
		res[t.name] = map[string][]measure{}
	}
	b.profiled = map[string]bool{}
	for r := range runs {
		for _, t := range tools {
			dir := filepath.Join(b.tmp, fmt.Sprintf("%s-%d-%d", t.dir, n, r))
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			for _, kind := range kinds {
				if kind == "changed" {
					if _, err := httpPost(b.base + "/-/advance"); err != nil {
						return err
					}
				}
				before, err := b.stats()
				if err != nil {
					return err
				}
				m, err := t.run(dir, kind)
				if err != nil {
					return fmt.Errorf("%s %s (%d feeds): %w", t.name, kind, n, err)
				}
				after, err := b.stats()
				if err != nil {
					return err
				}
				m.requests, m.ok, m.nm = after.Requests-before.Requests, after.OK-before.OK, after.NotModified-before.NotModified
				res[t.name][kind] = append(res[t.name][kind], m)
				fmt.Fprintf(os.Stderr, "bench: n=%d run %d %s %s: wall %.2fs cpu %.2fs rss %d MB requests %d (304: %d) items %d\n",
					n, r+1, t.name, kind, m.wall.Seconds(), m.cpu.Seconds(), m.rssKB>>10, m.requests, m.nm, m.items)
			}
			if !strings.HasPrefix(t.name, "feedsift") {
				os.RemoveAll(dir) // peers' state can be large
			}
		}
	}
	b.serverRSS = procRSS(srv.Process.Pid)

	fmt.Printf("| tool | pass | wall s | CPU s | peak RSS MB | requests | 200 | 304 | items stored | fetch | parse | store | filter | group | output | other |\n")
	fmt.Printf("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	med := map[string]map[string]measure{}
	for _, t := range tools {
		med[t.name] = map[string]measure{}
		for _, kind := range kinds {
			m := median(res[t.name][kind])
			med[t.name][kind] = m
			shares := "| | | | | | | "
			if m.phases {
				shares = fmt.Sprintf("| %s | %s | %s | %s | %s | %s | %s ", pct(m.fetch), pct(m.parse), pct(m.store),
					pct(m.filter), pct(m.group), pct(m.ou), pct(m.other))
			}
			fmt.Printf("| %s | %s | %.2f | %.2f | %d | %d | %d | %d | %d %s|\n", t.name, kind,
				m.wall.Seconds(), m.cpu.Seconds(), m.rssKB>>10, m.requests, m.ok, m.nm, m.items, shares)
		}
	}
	if len(tools) > peersFrom {
		fmt.Printf("\nRatios (peer wall time / feedsift wall time; CPU in brackets):\n\n")
		for _, f := range tools[:peersFrom] {
			for _, t := range tools[peersFrom:] {
				var parts []string
				for _, kind := range kinds {
					p, f := med[t.name][kind], med[f.name][kind]
					parts = append(parts, fmt.Sprintf("%s %.1f× (CPU %.1f×)", kind, ratio(p.wall, f.wall), ratio(p.cpu, f.cpu)))
				}
				fmt.Printf("- %s / %s: %s\n", t.name, f.name, strings.Join(parts, ", "))
			}
		}
	}
	fmt.Printf("\nMedians of %d runs. Feed server RSS at the end: %s; load average now %s.\n", runs, b.serverRSS, loadAvg())
	return nil
}

// feedsiftRun returns the function that runs one feedsift pass, with
// grouping copies of stories on or off.
func (b *bench) feedsiftRun(dedup bool) func(dir, kind string) (measure, error) {
	return func(dir, kind string) (measure, error) { return b.runFeedsift(dir, kind, dedup) }
}

// runFeedsift runs one pass in dir (the database and config stay there
// from one kind to the next; cold starts from an empty database).
func (b *bench) runFeedsift(dir, kind string, dedup bool) (measure, error) {
	cfg := filepath.Join(dir, "config.toml")
	if kind == "cold" {
		os.RemoveAll(filepath.Join(dir, "out"))
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(filepath.Join(dir, "feedsift.db"+suffix))
		}
		if err := os.WriteFile(cfg, b.config(dedup), 0o644); err != nil {
			return measure{}, err
		}
	}
	// Every run is CPU-profiled (about 1% of its CPU) for the shares of
	// its phases.
	cpuProfile := filepath.Join(dir, kind+".cpu.pprof")
	args := []string{"run", "-config", cfg, "-v", "-log-format", "json"}
	if b.profile != "" && dedup && !b.profiled[kind] {
		b.profiled[kind] = true
		p := filepath.Join(b.profile, fmt.Sprintf("%d-%s", len(b.urls), kind))
		cpuProfile = p + ".cpu.pprof"
		args = append(args, "-memprofile", p+".mem.pprof")
	}
	args = append(args, "-cpuprofile", cpuProfile)
	logPath := filepath.Join(dir, kind+".log")
	m, err := runChild(exec.Command(b.feedsift, args...), logPath)
	if err != nil {
		return m, err
	}
	if m.items, err = count(filepath.Join(dir, "feedsift.db"), "items"); err != nil {
		return m, err
	}
	return m, sharesFromProfile(cpuProfile, &m)
}

func (b *bench) config(dedup bool) []byte {
	var w bytes.Buffer
	fmt.Fprintf(&w, "database = \"feedsift.db\"\noutput_dir = \"out\"\n")
	if b.perHost > 0 {
		fmt.Fprintf(&w, "per_host = %d\n", b.perHost)
	}
	if b.concurrency > 0 {
		fmt.Fprintf(&w, "concurrency = %d\n", b.concurrency)
	}
	if !dedup { // a table: after the top-level keys
		fmt.Fprintf(&w, "\n[dedup]\nenabled = false\n")
	}
	for _, u := range b.urls {
		fmt.Fprintf(&w, "\n[[feeds]]\nurl = %q\n", u)
	}
	w.WriteString("\n")
	w.WriteString(b.topic)
	return w.Bytes()
}

// runNewsboat reloads every feed with newsboat's defaults.
func (b *bench) runNewsboat(dir, kind string) (measure, error) {
	urls, conf, cache := filepath.Join(dir, "urls"), filepath.Join(dir, "config"), filepath.Join(dir, "cache.db")
	if kind == "cold" {
		if err := os.WriteFile(urls, []byte(strings.Join(b.urls, "\n")+"\n"), 0o644); err != nil {
			return measure{}, err
		}
		if err := os.WriteFile(conf, nil, 0o644); err != nil {
			return measure{}, err
		}
	}
	cmd := exec.Command(b.newsboat, "-x", "reload", "-u", urls, "-c", cache, "-C", conf)
	cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_CONFIG_HOME="+dir, "XDG_DATA_HOME="+dir)
	m, err := runChild(cmd, filepath.Join(dir, kind+".log"))
	if err != nil {
		return m, err
	}
	m.items, err = count(cache, "rss_item")
	return m, err
}

// runSfeed runs sfeed_update with the ETag-aware fetch of sfeed's README.
func (b *bench) runSfeed(dir, kind string) (measure, error) {
	rc := filepath.Join(dir, "sfeedrc")
	if kind == "cold" {
		if err := os.MkdirAll(filepath.Join(dir, "etags"), 0o755); err != nil {
			return measure{}, err
		}
		var w bytes.Buffer
		fmt.Fprintf(&w, "sfeedpath=%q\n\n# fetch(name, url, feedfile)\nfetch() {\n", filepath.Join(dir, "feeds"))
		fmt.Fprintf(&w, "\tetag=%q/\"$(basename \"$3\")\"\n", filepath.Join(dir, "etags"))
		w.WriteString("\tcurl -L --max-redirs 0 -H \"User-Agent:\" -f -s -m 15 --compressed \\\n" +
			"\t\t--etag-save \"${etag}\" --etag-compare \"${etag}\" -z \"${etag}\" \"$2\" 2>/dev/null\n}\n\nfeeds() {\n")
		for i, u := range b.urls {
			fmt.Fprintf(&w, "\tfeed \"f%d\" %q\n", i, u)
		}
		w.WriteString("}\n")
		if err := os.WriteFile(rc, w.Bytes(), 0o644); err != nil {
			return measure{}, err
		}
	}
	cmd := exec.Command(b.sfeed, rc)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	m, err := runChild(cmd, filepath.Join(dir, kind+".log"))
	if err != nil {
		return m, err
	}
	// sfeed writes one TSV line per item to feeds/<name>.
	files, _ := filepath.Glob(filepath.Join(dir, "feeds", "*"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return m, err
		}
		m.items += int64(bytes.Count(b, []byte("\n")))
	}
	return m, nil
}

// runChild runs cmd with its output in logPath and measures it.
func runChild(cmd *exec.Cmd, logPath string) (measure, error) {
	lf, err := os.Create(logPath)
	if err != nil {
		return measure{}, err
	}
	defer lf.Close()
	cmd.Stdout, cmd.Stderr = lf, lf
	start := time.Now()
	err = cmd.Run()
	m := measure{wall: time.Since(start)}
	if ps := cmd.ProcessState; ps != nil {
		m.cpu = ps.UserTime() + ps.SystemTime()
		if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
			m.rssKB = ru.Maxrss // kilobytes on Linux
		}
	}
	if err != nil {
		return m, fmt.Errorf("%v (output in %s)", err, logPath)
	}
	return m, nil
}

// sharesFromProfile adds up a CPU profile's samples by their "phase"
// label (feedsift labels its goroutines: fetch, parse, store, filter,
// group, output) into m's shares of the CPU time sampled.
func sharesFromProfile(path string, m *measure) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	p, err := profile.Parse(f)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	cpu := -1
	for i, st := range p.SampleType {
		if st.Type == "cpu" {
			cpu = i
		}
	}
	if cpu < 0 {
		return fmt.Errorf("%s: no cpu samples", path)
	}
	by := map[string]int64{}
	var total int64
	for _, s := range p.Sample {
		v := s.Value[cpu]
		total += v
		if l := s.Label["phase"]; len(l) > 0 {
			by[l[0]] += v
		} else {
			by[""] += v
		}
	}
	if total == 0 {
		return nil
	}
	share := func(k string) float64 { return float64(by[k]) / float64(total) }
	m.fetch, m.parse, m.store, m.filter = share("fetch"), share("parse"), share("store"), share("filter")
	m.group, m.ou, m.other = share("group"), share("output"), share("")
	m.phases = true
	return nil
}

// median takes the median of each field on its own.
func median(ms []measure) measure {
	if len(ms) == 0 {
		return measure{}
	}
	pick := func(get func(measure) float64) float64 {
		v := make([]float64, len(ms))
		for i, m := range ms {
			v[i] = get(m)
		}
		sort.Float64s(v)
		if len(v)%2 == 1 {
			return v[len(v)/2]
		}
		return (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	return measure{
		wall:     time.Duration(pick(func(m measure) float64 { return float64(m.wall) })),
		cpu:      time.Duration(pick(func(m measure) float64 { return float64(m.cpu) })),
		rssKB:    int64(pick(func(m measure) float64 { return float64(m.rssKB) })),
		requests: int64(pick(func(m measure) float64 { return float64(m.requests) })),
		ok:       int64(pick(func(m measure) float64 { return float64(m.ok) })),
		nm:       int64(pick(func(m measure) float64 { return float64(m.nm) })),
		items:    int64(pick(func(m measure) float64 { return float64(m.items) })),
		fetch:    pick(func(m measure) float64 { return m.fetch }),
		parse:    pick(func(m measure) float64 { return m.parse }),
		store:    pick(func(m measure) float64 { return m.store }),
		filter:   pick(func(m measure) float64 { return m.filter }),
		ou:       pick(func(m measure) float64 { return m.ou }),
		group:    pick(func(m measure) float64 { return m.group }),
		other:    pick(func(m measure) float64 { return m.other }),
		phases:   ms[0].phases,
	}
}

type serverStats struct {
	Requests    int64 `json:"requests"`
	OK          int64 `json:"ok_200"`
	NotModified int64 `json:"not_modified_304"`
}

func (b *bench) stats() (serverStats, error) {
	var st serverStats
	body, err := httpGet(b.base + "/-/stats")
	if err != nil {
		return st, err
	}
	return st, json.Unmarshal(body, &st)
}

func httpGet(url string) ([]byte, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return io.ReadAll(resp.Body)
}

func httpPost(url string) ([]byte, error) {
	resp, err := http.Post(url, "application/json", nil)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("POST %s: %s", url, resp.Status)
	}
	return io.ReadAll(resp.Body)
}

// count returns the number of rows in table of the SQLite file at path.
func count(path, table string) (int64, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var n int64
	err = db.QueryRow("SELECT count(*) FROM " + table).Scan(&n)
	return n, err
}

// exampleTopic returns the groups and topics of config.example.toml: from
// its first [groups.…] table to the end.
func exampleTopic(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	i := bytes.Index(b, []byte("\n[groups."))
	if i < 0 {
		return "", fmt.Errorf("%s: no [groups.…] table", path)
	}
	return string(b[i+1:]), nil
}

func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && bytes.HasPrefix(b, []byte("module github.com/feedsift/feedsift\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("run from inside the feedsift module")
		}
		dir = parent
	}
}

func goBuild(dir, out, pkg string) error {
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build %s in %s: %w", pkg, dir, err)
	}
	return nil
}

func procRSS(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return "?"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(v)
			if kb, err := strconv.Atoi(f[0]); err == nil {
				return fmt.Sprintf("%d MB", kb>>10)
			}
		}
	}
	return "?"
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

func pct(f float64) string { return fmt.Sprintf("%.1f%%", 100*f) }

func ratio(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func orDefault(n int) string {
	if n <= 0 {
		return "default"
	}
	return strconv.Itoa(n)
}
