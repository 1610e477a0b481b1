// Command screening is a small reference screening service for swiftval's
// external checks: it screens the parties of a payment against a sanctions
// list read from a CSV file, by exact name, by normalised name and by BIC,
// so that the whole path (rule set, external check, breaker, fallback) can
// be tried locally:
//
//	go run ./examples/screening -list examples/screening/sanctions.csv -addr 127.0.0.1:9090 &
//	swiftval validate --rules examples/screening --external-endpoints http://127.0.0.1:9090/ --budget 200ms testdata/mt/valid_mt103.fin
//
// (examples/screening/screening.yaml is the rule set; docs/external.md
// walks through it.) API:
//
//	POST /screen  {"parties":[{"role":"creditor","name":"...","bic":"..."}]}
//	          ->  {"hits":[{"role":"creditor","match":"exact","entry":4,"reason":"..."}]}
//	GET /healthz  200
//
// It logs its start and stop only: the parties it screens are payment
// data and never reach its log. It is a demonstration, not a screening
// product (no fuzzy matching, no aliases, no list updates).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"
)

func main() { os.Exit(run(os.Args[1:], os.Stderr)) }

// maxRequest bounds a screening request (1 MiB: the parties of a batch of
// a few thousand payments).
const maxRequest = 1 << 20

// maxParties bounds the parties of one request.
const maxParties = 10_000

func run(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("screening", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listFile := fs.String("list", "examples/screening/sanctions.csv", "sanctions list (CSV: name,country,bic,reason)")
	addr := fs.String("addr", "127.0.0.1:9090", "listen address")
	failEvery := fs.Int("fail-every", 0, "for load and chaos tests: answer every n-th request with 503 (2: half of them); 0 never")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	f, err := os.Open(*listFile)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	list, err := Load(f)
	f.Close()
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	h := Handler(list)
	if *failEvery > 0 {
		h = failing(h, *failEvery)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second, WriteTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	fmt.Fprintf(stderr, "screening: %d list entries, listening on %s\n", list.Len(), ln.Addr())
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fmt.Fprintln(stderr, "screening: stopped")
	return 0
}

// failing answers every n-th request with 503 and passes the others to h.
func failing(h http.Handler, n int) http.Handler {
	var count atomic.Int64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if count.Add(1)%int64(n) == 0 {
			http.Error(w, `{"error":"deliberate failure (-fail-every)"}`, http.StatusServiceUnavailable)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// Handler serves POST /screen and GET /healthz.
func Handler(l *List) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	mux.HandleFunc("POST /screen", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Parties []Party `json:"parties"`
		}
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxRequest))
		if err := dec.Decode(&req); err != nil {
			http.Error(w, `{"error":"the body must be {\"parties\":[...]}"}`, http.StatusBadRequest)
			return
		}
		if len(req.Parties) > maxParties {
			http.Error(w, `{"error":"too many parties"}`, http.StatusRequestEntityTooLarge)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"hits": l.Screen(req.Parties)})
	})
	return mux
}
