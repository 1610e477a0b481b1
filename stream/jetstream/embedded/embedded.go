// Package embedded runs a NATS server with JetStream inside the process:
// the one-machine default of "swiftval consume --embedded-nats DIR", and
// the broker of the stream tests. It is the only package of swiftval that
// links the NATS server.
package embedded

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// DefaultListen is where the embedded server listens unless told
// otherwise: loopback only, NATS's usual port.
const DefaultListen = "127.0.0.1:4222"

// Config configures an embedded server.
type Config struct {
	// Dir holds the JetStream file store; it survives restarts.
	Dir string
	// Listen is host:port for clients (DefaultListen); port 0 picks one.
	Listen string
	// MaxPayload is the largest message accepted, in bytes (NATS's 1 MiB
	// when zero).
	MaxPayload int32
	// ServerName names the server (in a cluster, unique per node).
	ServerName string
	// Cluster, when set, joins a JetStream cluster: ClusterName, the
	// cluster listen address (host:port) and the routes to the other nodes
	// (nats-route://host:port).
	ClusterName, ClusterListen string
	Routes                     []string
	// MemoryLimit and StoreLimit bound JetStream's memory and file storage
	// (the server's defaults, a share of the machine, when zero).
	MemoryLimit, StoreLimit int64
}

// Server is a running embedded server.
type Server struct {
	*server.Server
}

// Start starts a server and waits until it accepts clients (at most 10 s).
func Start(c Config) (*Server, error) {
	if c.Dir == "" {
		return nil, errors.New("embedded nats: a storage directory is required")
	}
	if c.Listen == "" {
		c.Listen = DefaultListen
	}
	host, port, err := splitHostPort(c.Listen)
	if err != nil {
		return nil, fmt.Errorf("embedded nats: listen address: %w", err)
	}
	if port == 0 {
		port = server.RANDOM_PORT // the server reads 0 as its default, 4222
	}
	o := &server.Options{
		ServerName:         c.ServerName,
		Host:               host,
		Port:               port,
		JetStream:          true,
		StoreDir:           c.Dir,
		NoSigs:             true,
		MaxPayload:         c.MaxPayload,
		JetStreamMaxMemory: c.MemoryLimit,
		JetStreamMaxStore:  c.StoreLimit,
	}
	if c.ClusterListen != "" {
		ch, cp, err := splitHostPort(c.ClusterListen)
		if err != nil {
			return nil, fmt.Errorf("embedded nats: cluster address: %w", err)
		}
		if cp == 0 {
			cp = server.RANDOM_PORT
		}
		o.Cluster = server.ClusterOpts{Name: c.ClusterName, Host: ch, Port: cp}
		for _, r := range c.Routes {
			u := server.RoutesFromStr(r)
			if len(u) == 0 {
				return nil, fmt.Errorf("embedded nats: route %q is not a URL", r)
			}
			o.Routes = append(o.Routes, u...)
		}
	}
	s, err := server.NewServer(o)
	if err != nil {
		return nil, fmt.Errorf("embedded nats: %w", err)
	}
	if os.Getenv("SWIFTVAL_NATS_LOG") != "" {
		s.ConfigureLogger()
	}
	go s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		s.Shutdown()
		return nil, fmt.Errorf("embedded nats: not ready to accept clients on %s within 10s", c.Listen)
	}
	return &Server{s}, nil
}

// URL is the nats:// URL clients use.
func (s *Server) URL() string { return s.ClientURL() }

// Stop shuts the server down and waits until it has.
func (s *Server) Stop() {
	s.Shutdown()
	s.WaitForShutdown()
}

func splitHostPort(addr string) (string, int, error) {
	h, p, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, err
	}
	n, err := strconv.Atoi(p)
	if err != nil || n < 0 || n > 65535 {
		return "", 0, fmt.Errorf("bad port %q", p)
	}
	return h, n, nil
}
