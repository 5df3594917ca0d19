package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// unit is a systemd unit file: section -> key -> values.
type unit map[string]map[string][]string

func parseUnit(t *testing.T, path string) unit {
	t.Helper()
	u := unit{}
	section := ""
	sc := bufio.NewScanner(bytes.NewReader(mustReadFile(t, path)))
	for n := 1; sc.Scan(); n++ {
		l := strings.TrimSpace(sc.Text())
		switch {
		case l == "" || strings.HasPrefix(l, "#") || strings.HasPrefix(l, ";"):
		case strings.HasPrefix(l, "[") && strings.HasSuffix(l, "]"):
			section = l[1 : len(l)-1]
			u[section] = map[string][]string{}
		default:
			k, v, ok := strings.Cut(l, "=")
			if !ok || section == "" {
				t.Fatalf("%s:%d: not a key=value in a section: %q", path, n, l)
			}
			u[section][strings.TrimSpace(k)] = append(u[section][strings.TrimSpace(k)], strings.TrimSpace(v))
		}
	}
	return u
}

func (u unit) get(section, key string) string {
	if vs := u[section][key]; len(vs) > 0 {
		return vs[len(vs)-1]
	}
	return ""
}

// TestContrib_Systemd: the service and timer in contrib/ are what the
// README shows, say what they must, and pass systemd-analyze verify when
// it is installed.
func TestContrib_Systemd(t *testing.T) {
	readme := string(mustReadFile(t, "../../README.md"))
	svcPath, timerPath := "../../contrib/feedsift.service", "../../contrib/feedsift.timer"
	for _, p := range []string{svcPath, timerPath, "../../contrib/feedsift.cron"} {
		if !strings.Contains(readme, string(mustReadFile(t, p))) {
			t.Errorf("README.md does not show %s as it is", p)
		}
	}
	svc, timer := parseUnit(t, svcPath), parseUnit(t, timerPath)
	exe := strings.Fields(svc.get("Service", "ExecStart"))
	if svc.get("Service", "Type") != "oneshot" || len(exe) < 4 || exe[1] != "run" || exe[2] != "-config" {
		t.Errorf("service: want Type=oneshot and ExecStart=... run -config FILE: %v", svc["Service"])
	}
	if !strings.Contains(svc.get("Service", "SuccessExitStatus"), "75") || svc.get("Service", "TimeoutStartSec") == "" {
		t.Errorf("service: exit 75 should not count as failure and a hung run should be stopped: %v", svc["Service"])
	}
	if timer.get("Timer", "OnCalendar") == "" || timer.get("Install", "WantedBy") != "timers.target" {
		t.Errorf("timer: want OnCalendar= (Persistent= does nothing without it) and WantedBy=timers.target: %v", timer)
	}
	if svc.get("Service", "StateDirectory") != "feedsift" || svc.get("Service", "ProtectSystem") != "strict" {
		t.Errorf("service: want StateDirectory=feedsift under ProtectSystem=strict: %v", svc["Service"])
	}
	// The flags the service passes are ones run accepts.
	a, b := fruit()
	s := newSite(t, "", a, b)
	if code, _, stderr := feedsift(t, "run", "-config", s.config); code != exitOK {
		t.Fatalf("run with the service's flags: exit %d\n%s", code, stderr)
	}

	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze not installed: units checked by parsing only")
	}
	// verify wants the ExecStart binary to exist: point it at this test.
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	svcText := strings.Replace(string(mustReadFile(t, svcPath)), exe[0], self, 1)
	os.WriteFile(filepath.Join(dir, "feedsift.service"), []byte(svcText), 0o644)
	os.WriteFile(filepath.Join(dir, "feedsift.timer"), mustReadFile(t, timerPath), 0o644)
	out, err := exec.Command(analyze, "verify", filepath.Join(dir, "feedsift.service"), filepath.Join(dir, "feedsift.timer")).CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}

// TestContrib_Cron: the crontab line has a valid schedule, and its
// command, pointed at a test configuration, runs and writes its summary.
func TestContrib_Cron(t *testing.T) {
	var line string
	for _, l := range strings.Split(string(mustReadFile(t, "../../contrib/feedsift.cron")), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			line = l
		}
	}
	f := strings.Fields(line)
	field := regexp.MustCompile(`^(\*|\d+(-\d+)?)(/\d+)?(,(\*|\d+(-\d+)?)(/\d+)?)*$`)
	if len(f) < 8 {
		t.Fatalf("crontab line %q: want 5 schedule fields, a user and a command", line)
	}
	for _, x := range f[:5] {
		if !field.MatchString(x) {
			t.Errorf("schedule field %q", x)
		}
	}
	if f[6] != "/usr/local/bin/feedsift" || f[7] != "run" {
		t.Errorf("command %q", strings.Join(f[6:], " "))
	}
	a, b := fruit()
	s := newSite(t, "", a, b)
	js := s.path("last-run.json")
	var args []string
	for _, a := range f[7:] {
		switch {
		case strings.HasPrefix(a, "2>"): // the shell's redirection
		case a == "/etc/feedsift/config.toml":
			args = append(args, s.config)
		case strings.HasSuffix(a, ".json"):
			args = append(args, js)
		default:
			args = append(args, a)
		}
	}
	if code, _, stderr := feedsift(t, args...); code != exitOK {
		t.Fatalf("%v: exit %d\n%s", args, code, stderr)
	}
	if !strings.Contains(string(mustReadFile(t, js)), `"exit_code": 0`) {
		t.Errorf("the summary was not written")
	}
}

// TestContrib_Sandbox runs the shipped example set up as the README's
// deployment steps say (its sed lines applied: database and output_dir
// in the state directory), with the configuration directory read-only as
// the service's ProtectSystem=strict makes it: the run succeeds, and
// writes nothing outside the state directory.
func TestContrib_Sandbox(t *testing.T) {
	readme := string(mustReadFile(t, "../../README.md"))
	sedLine := regexp.MustCompile(`-e 's\|\^(database|output_dir) = \.\*\|(database|output_dir) = "(/var/lib/feedsift/[^"]+)"\|'`)
	subs := sedLine.FindAllStringSubmatch(readme, -1)
	if len(subs) != 2 {
		t.Fatalf("README.md: want the two sed edits of database and output_dir, found %d", len(subs))
	}
	root := t.TempDir()
	etc, state := filepath.Join(root, "etc", "feedsift"), filepath.Join(root, "var", "lib", "feedsift")
	if err := os.MkdirAll(state, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(etc, os.DirFS("../../example")); err != nil {
		t.Fatal(err)
	}
	cfg := string(mustReadFile(t, filepath.Join(etc, "config.toml")))
	for _, m := range subs {
		re := regexp.MustCompile(`(?m)^` + m[1] + ` = .*$`)
		if !re.MatchString(cfg) {
			t.Fatalf("the example has no %s line for the README's sed to edit", m[1])
		}
		cfg = re.ReplaceAllString(cfg, m[1]+` = "`+filepath.Join(root, m[3])+`"`)
	}
	cfgPath := filepath.Join(etc, "config.toml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	before := tree(t, etc)
	// Read-only as the sandbox makes it (root ignores the mode: the
	// comparison below is what holds then).
	filepath.WalkDir(etc, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			os.Chmod(p, 0o555)
		}
		return nil
	})
	t.Cleanup(func() {
		filepath.WalkDir(etc, func(p string, d os.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				os.Chmod(p, 0o755)
			}
			return nil
		})
	})
	js := filepath.Join(state, "last-run.json")
	if code, _, stderr := feedsift(t, "run", "-config", cfgPath, "-json", js); code != exitOK {
		t.Fatalf("run in the sandbox: exit %d\n%s", code, stderr)
	}
	if after := tree(t, etc); after != before {
		t.Errorf("the run wrote in the configuration directory:\nbefore %s\nafter  %s", before, after)
	}
	for _, f := range []string{"feedsift.db", "out/russia-china-security.atom", "out/index.html", "last-run.json"} {
		if _, err := os.Stat(filepath.Join(state, f)); err != nil {
			t.Errorf("state directory: %v", err)
		}
	}
}

// tree lists a directory's files with their sizes and times.
func tree(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		b.WriteString(p + " " + fi.ModTime().String() + " " + strconv.FormatInt(fi.Size(), 10) + "; ")
		return nil
	})
	return b.String()
}
