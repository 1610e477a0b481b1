package deploy

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/swiftval/swiftval/internal/testenv"
)

// The parts of the Kubernetes objects the tests read.
type (
	object struct {
		APIVersion string `yaml:"apiVersion"`
		Kind       string `yaml:"kind"`
		Metadata   struct {
			Name string `yaml:"name"`
		} `yaml:"metadata"`
		Spec yaml.Node `yaml:"spec"`
	}
	deploymentSpec struct {
		Selector struct {
			MatchLabels map[string]string `yaml:"matchLabels"`
		} `yaml:"selector"`
		Template struct {
			Metadata struct {
				Labels map[string]string `yaml:"labels"`
			} `yaml:"metadata"`
			Spec struct {
				TerminationGracePeriodSeconds int `yaml:"terminationGracePeriodSeconds"`
				SecurityContext               struct {
					RunAsNonRoot bool `yaml:"runAsNonRoot"`
					RunAsUser    int  `yaml:"runAsUser"`
				} `yaml:"securityContext"`
				Containers []container `yaml:"containers"`
			} `yaml:"spec"`
		} `yaml:"template"`
	}
	container struct {
		Name  string   `yaml:"name"`
		Image string   `yaml:"image"`
		Args  []string `yaml:"args"`
		Ports []struct {
			Name          string `yaml:"name"`
			ContainerPort int    `yaml:"containerPort"`
		} `yaml:"ports"`
		Env []struct {
			Name  string `yaml:"name"`
			Value string `yaml:"value"`
		} `yaml:"env"`
		Resources struct {
			Requests map[string]string `yaml:"requests"`
			Limits   map[string]string `yaml:"limits"`
		} `yaml:"resources"`
		StartupProbe   *probe `yaml:"startupProbe"`
		ReadinessProbe *probe `yaml:"readinessProbe"`
		LivenessProbe  *probe `yaml:"livenessProbe"`
		Security       struct {
			ReadOnlyRootFilesystem   bool  `yaml:"readOnlyRootFilesystem"`
			AllowPrivilegeEscalation *bool `yaml:"allowPrivilegeEscalation"`
			Capabilities             struct {
				Drop []string `yaml:"drop"`
			} `yaml:"capabilities"`
		} `yaml:"securityContext"`
	}
	probe struct {
		HTTPGet struct {
			Path string `yaml:"path"`
			Port string `yaml:"port"`
		} `yaml:"httpGet"`
	}
	serviceSpec struct {
		Selector map[string]string `yaml:"selector"`
		Ports    []struct {
			TargetPort string `yaml:"targetPort"`
		} `yaml:"ports"`
	}
	pdbSpec struct {
		MinAvailable int `yaml:"minAvailable"`
		Selector     struct {
			MatchLabels map[string]string `yaml:"matchLabels"`
		} `yaml:"selector"`
	}
	hpaSpec struct {
		ScaleTargetRef struct {
			Kind string `yaml:"kind"`
			Name string `yaml:"name"`
		} `yaml:"scaleTargetRef"`
		MinReplicas int `yaml:"minReplicas"`
		MaxReplicas int `yaml:"maxReplicas"`
		Metrics     []struct {
			Resource struct {
				Name string `yaml:"name"`
			} `yaml:"resource"`
		} `yaml:"metrics"`
	}
)

// manifests reads every object of the kustomization, keyed by kind.
func manifests(t *testing.T) map[string]object {
	t.Helper()
	var k struct {
		Resources []string `yaml:"resources"`
	}
	raw, err := os.ReadFile("kubernetes/kustomization.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(raw, &k); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("kubernetes/*.yaml")
	if len(k.Resources) != len(files)-1 {
		t.Errorf("kustomization lists %d resources, the directory holds %d manifests", len(k.Resources), len(files)-1)
	}
	out := map[string]object{}
	for _, f := range k.Resources {
		raw, err := os.ReadFile(filepath.Join("kubernetes", f))
		if err != nil {
			t.Fatal(err)
		}
		var o object
		if err := yaml.Unmarshal(raw, &o); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if _, dup := out[o.Kind]; dup {
			t.Fatalf("%s: a second %s", f, o.Kind)
		}
		out[o.Kind] = o
	}
	for _, kind := range []string{"Deployment", "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler"} {
		if _, ok := out[kind]; !ok {
			t.Fatalf("no %s among the manifests", kind)
		}
	}
	return out
}

func decode[T any](t *testing.T, o object) T {
	t.Helper()
	var v T
	if err := o.Spec.Decode(&v); err != nil {
		t.Fatalf("%s spec: %v", o.Kind, err)
	}
	return v
}

// containerfile returns the value of an instruction of deploy/Containerfile
// ("USER", "EXPOSE", "CMD").
func containerfile(t *testing.T, instr string) string {
	t.Helper()
	raw, err := os.ReadFile("Containerfile")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(l, instr+" "); ok {
			return strings.TrimSpace(v)
		}
	}
	t.Fatalf("Containerfile has no %s", instr)
	return ""
}

// byteSize parses a Kubernetes quantity ("64Mi") or a size flag ("96MiB").
func byteSize(t *testing.T, s string) int64 {
	t.Helper()
	m := regexp.MustCompile(`^([0-9]+)(Ki|Mi|Gi)B?$`).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("size %q: want a number of Ki, Mi or Gi", s)
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	return n << map[string]int{"Ki": 10, "Mi": 20, "Gi": 30}[m[2]]
}

// TestManifestsConsistent checks the objects against each other and
// against the image: selectors, ports, probes, user, resources.
func TestManifestsConsistent(t *testing.T) {
	objs := manifests(t)
	dep := objs["Deployment"]
	d := decode[deploymentSpec](t, dep)
	labels := d.Template.Metadata.Labels
	matches := func(sel map[string]string) bool {
		for k, v := range sel {
			if labels[k] != v {
				return false
			}
		}
		return len(sel) > 0
	}
	if !matches(d.Selector.MatchLabels) {
		t.Errorf("Deployment selector %v does not match its pod labels %v", d.Selector.MatchLabels, labels)
	}
	if len(d.Template.Spec.Containers) != 1 {
		t.Fatalf("%d containers, want 1", len(d.Template.Spec.Containers))
	}
	c := d.Template.Spec.Containers[0]
	if len(c.Ports) != 1 || c.Ports[0].Name != "http" {
		t.Fatalf("container ports %+v, want one named http", c.Ports)
	}
	if expose := containerfile(t, "EXPOSE"); strconv.Itoa(c.Ports[0].ContainerPort) != expose {
		t.Errorf("containerPort %d, the image exposes %s", c.Ports[0].ContainerPort, expose)
	}
	if addr := flagValue(c.Args, "--addr"); addr != ":"+strconv.Itoa(c.Ports[0].ContainerPort) {
		t.Errorf("--addr %q does not listen on the container port %d of all interfaces", addr, c.Ports[0].ContainerPort)
	}
	for _, p := range []*probe{c.StartupProbe, c.ReadinessProbe, c.LivenessProbe} {
		if p == nil || p.HTTPGet.Port != "http" || p.HTTPGet.Path == "" {
			t.Errorf("probe %+v: want an httpGet on port http", p)
		}
	}
	if c.ReadinessProbe != nil && c.ReadinessProbe.HTTPGet.Path != "/readyz" || c.LivenessProbe != nil && c.LivenessProbe.HTTPGet.Path != "/healthz" {
		t.Error("readiness must probe /readyz (503 while draining), liveness /healthz (200 while the process serves)")
	}
	// The image's user, a read-only root, no privileges.
	if user := containerfile(t, "USER"); user != fmt.Sprintf("%d:%d", d.Template.Spec.SecurityContext.RunAsUser, d.Template.Spec.SecurityContext.RunAsUser) || !d.Template.Spec.SecurityContext.RunAsNonRoot {
		t.Errorf("pod runs as %d (non-root %v), the image as %s", d.Template.Spec.SecurityContext.RunAsUser, d.Template.Spec.SecurityContext.RunAsNonRoot, user)
	}
	if !c.Security.ReadOnlyRootFilesystem || !slices.Contains(c.Security.Capabilities.Drop, "ALL") || c.Security.AllowPrivilegeEscalation == nil || *c.Security.AllowPrivilegeEscalation {
		t.Error("the container must have a read-only root file system, drop every capability and forbid privilege escalation")
	}
	// Resources: requests set, the memory limit above the request, and the
	// Go soft limit below the container limit.
	for _, r := range []string{"cpu", "memory"} {
		if c.Resources.Requests[r] == "" {
			t.Errorf("no %s request", r)
		}
	}
	reqMem, limMem := byteSize(t, c.Resources.Requests["memory"]), byteSize(t, c.Resources.Limits["memory"])
	if limMem < reqMem {
		t.Errorf("memory limit %d below the request %d", limMem, reqMem)
	}
	env := map[string]string{}
	for _, e := range c.Env {
		env[e.Name] = e.Value
	}
	if soft := env["SWIFTVAL_MEMORY_LIMIT"]; soft == "" || byteSize(t, soft) >= limMem {
		t.Errorf("SWIFTVAL_MEMORY_LIMIT %q must be set below the container memory limit %s", soft, c.Resources.Limits["memory"])
	}
	// The grace period covers the shutdown delay and the drain.
	delay, err1 := time.ParseDuration(env["SWIFTVAL_SHUTDOWN_DELAY"])
	drain, err2 := time.ParseDuration(env["SWIFTVAL_DRAIN_TIMEOUT"])
	if err1 != nil || err2 != nil || time.Duration(d.Template.Spec.TerminationGracePeriodSeconds)*time.Second <= delay+drain {
		t.Errorf("terminationGracePeriodSeconds %d does not cover SWIFTVAL_SHUTDOWN_DELAY %q + SWIFTVAL_DRAIN_TIMEOUT %q", d.Template.Spec.TerminationGracePeriodSeconds, env["SWIFTVAL_SHUTDOWN_DELAY"], env["SWIFTVAL_DRAIN_TIMEOUT"])
	}

	s := decode[serviceSpec](t, objs["Service"])
	if !matches(s.Selector) || len(s.Ports) == 0 || s.Ports[0].TargetPort != "http" {
		t.Errorf("Service selects %v to port %+v, want the pods' http port", s.Selector, s.Ports)
	}
	p := decode[pdbSpec](t, objs["PodDisruptionBudget"])
	if !matches(p.Selector.MatchLabels) || p.MinAvailable < 1 {
		t.Errorf("PodDisruptionBudget %+v must keep at least one of the pods", p)
	}
	h := decode[hpaSpec](t, objs["HorizontalPodAutoscaler"])
	if h.ScaleTargetRef.Kind != "Deployment" || h.ScaleTargetRef.Name != dep.Metadata.Name || len(h.Metrics) != 1 || h.Metrics[0].Resource.Name != "cpu" || h.MinReplicas < 1 || h.MaxReplicas < h.MinReplicas {
		t.Errorf("HorizontalPodAutoscaler %+v must scale the Deployment %s on CPU", h, dep.Metadata.Name)
	}
	if h.MinReplicas <= p.MinAvailable {
		t.Errorf("HPA minReplicas %d leaves no pod to disrupt under minAvailable %d", h.MinReplicas, p.MinAvailable)
	}
}

// flagValue returns the value given to a flag in args ("--f v" or
// "--f=v"), or "".
func flagValue(args []string, name string) string {
	for i, a := range args {
		if a == name && i+1 < len(args) {
			return args[i+1]
		}
		if v, ok := strings.CutPrefix(a, name+"="); ok {
			return v
		}
	}
	return ""
}

// TestManifestsAgainstBinary runs the binary as the Deployment does (its
// arguments and environment; only the listen port is a free one of the
// loopback interface) and checks that it starts, that every probe path
// answers 200, and that SIGTERM stops it cleanly. Unknown flags or
// environment names make the binary refuse to start.
func TestManifestsAgainstBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	d := decode[deploymentSpec](t, manifests(t)["Deployment"])
	c := d.Template.Spec.Containers[0]
	bin := buildBinary(t)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	args := slices.Clone(c.Args)
	for i := range args {
		if args[i] == "--addr" && i+1 < len(args) {
			args[i+1] = addr
		}
	}
	var env []string
	for _, e := range c.Env {
		if !strings.HasPrefix(e.Name, "SWIFTVAL_") {
			t.Errorf("environment %s is not one of the binary's (SWIFTVAL_*)", e.Name)
		}
		env = append(env, e.Name+"="+e.Value)
	}
	// Every SWIFTVAL_ name must be one the binary documents.
	help, _ := exec.Command(bin, append(slices.Clone(args[:1]), "--help")...).CombinedOutput()
	for _, e := range c.Env {
		if !bytes.Contains(help, []byte(e.Name)) {
			t.Errorf("%s is not among the environment names of %s --help", e.Name, args[0])
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), env...)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	base := "http://" + addr
	if !waitReady(ctx, base+c.ReadinessProbe.HTTPGet.Path, exited) {
		t.Fatalf("not ready at %s%s; output:\n%s", base, c.ReadinessProbe.HTTPGet.Path, logs.String())
	}
	for _, p := range []*probe{c.StartupProbe, c.ReadinessProbe, c.LivenessProbe} {
		resp, err := http.Get(base + p.HTTPGet.Path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d", p.HTTPGet.Path, resp.StatusCode)
		}
	}
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v; output:\n%s", err, logs.String())
		}
	case <-ctx.Done():
		t.Fatalf("no exit after SIGTERM; output:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), "panic") {
		t.Errorf("output mentions a panic:\n%s", logs.String())
	}
}

// waitReady polls url until it answers 200 (true), the process exits or
// the context ends (false).
func waitReady(ctx context.Context, url string, exited <-chan error) bool {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return true
			}
		}
		select {
		case <-ctx.Done():
			return false
		case <-exited:
			return false
		case <-tick.C:
		}
	}
}

// buildBinary builds cmd/swiftval into a temporary directory, with the race
// detector when this test has it (the packages are then already compiled
// for the test binaries, so only the link is new).
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "swiftval")
	args := []string{"build", "-o", bin}
	if testenv.RaceEnabled {
		args = append(args, "-race")
	}
	out, err := exec.Command("go", append(args, "../cmd/swiftval")...).CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}
