package server

import (
	"crypto/sha256"
	_ "embed" // the page and the OpenAPI document
	"encoding/base64"
	"net/http"
	"regexp"
	"sync"

	"github.com/labstack/echo/v4"
)

// The page and the OpenAPI document are embedded as byte slices: unlike
// reading them from an embed.FS at package initialisation, this costs
// nothing until they are served.

//go:embed web/index.html
var pageHTML []byte

//go:embed openapi.json
var openAPIJSON []byte

// pageCSP allows exactly the page's own inline style and script (by hash)
// and requests to this origin: no CDN, nothing else. It is computed on the
// first request for the page, not at package initialisation, which every
// swiftval command pays.
var pageCSP = sync.OnceValue(func() string { return contentSecurityPolicy(pageHTML) })

// contentSecurityPolicy hashes the inline <style> and <script> of page.
func contentSecurityPolicy(page []byte) string {
	hash := func(tag string) string {
		m := regexp.MustCompile(`(?s)<` + tag + `>(.*?)</` + tag + `>`).FindSubmatch(page)
		if m == nil {
			return "'none'"
		}
		sum := sha256.Sum256(m[1])
		return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	}
	return "default-src 'none'; connect-src 'self'; img-src 'self' data:; style-src " + hash("style") +
		"; script-src " + hash("script") + "; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}

// handlePage serves the embedded web page.
func (s *Server) handlePage(c echo.Context) error {
	h := c.Response().Header()
	h.Set("Content-Security-Policy", pageCSP())
	h.Set("Referrer-Policy", "no-referrer")
	return c.Blob(http.StatusOK, "text/html; charset=utf-8", pageHTML)
}

// handleOpenAPI serves the embedded OpenAPI 3.1 document.
func (s *Server) handleOpenAPI(c echo.Context) error {
	return c.Blob(http.StatusOK, "application/json", openAPIJSON)
}
