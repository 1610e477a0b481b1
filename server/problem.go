package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
)

// Problem is an RFC 9457 problem document, the body of every error
// response (Content-Type application/problem+json).
type Problem struct {
	// Type is "about:blank": the status code says it all; Title is its text.
	Type string `json:"type"`
	// Title is the status text ("Payload Too Large").
	Title string `json:"title"`
	// Status repeats the HTTP status code.
	Status int `json:"status"`
	// Detail explains this occurrence in plain English. It never carries
	// internal errors or message content.
	Detail string `json:"detail,omitempty"`
	// Instance is the request path.
	Instance string `json:"instance,omitempty"`
	// RequestID is the X-Request-ID of the request, to find its log line.
	RequestID string `json:"request_id,omitempty"`
	// Errors lists located problems (rule-set compilation errors).
	Errors []any `json:"errors,omitempty"`
}

const contentTypeProblem = "application/problem+json"

// problemError is an error that renders as a problem document.
type problemError struct {
	status int
	detail string
	errs   []any
	header http.Header
}

func (p *problemError) Error() string { return strconv.Itoa(p.status) + " " + p.detail }

func problem(status int, detail string) *problemError {
	return &problemError{status: status, detail: detail}
}

// writeProblem writes p for the request of c.
func writeProblem(c echo.Context, p *problemError) error {
	doc := Problem{Type: "about:blank", Title: http.StatusText(p.status), Status: p.status, Detail: p.detail,
		Instance: c.Request().URL.Path, RequestID: c.Response().Header().Get(echo.HeaderXRequestID), Errors: p.errs}
	b, err := json.Marshal(doc)
	if err != nil {
		b = []byte(`{"type":"about:blank","status":500}`)
	}
	h := c.Response().Header()
	for k, v := range p.header {
		h[k] = v
	}
	h.Set(echo.HeaderContentType, contentTypeProblem)
	h.Set("Cache-Control", "no-store")
	if c.Request().Method == http.MethodHead {
		return c.NoContent(p.status)
	}
	return c.Blob(p.status, contentTypeProblem, b)
}

// errorHandler renders every error reaching Echo as a problem document;
// internal errors become a bare 500 (their text goes to the log only).
func (s *Server) errorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	var pe *problemError
	var he *echo.HTTPError
	switch {
	case errors.As(err, &pe):
	case errors.As(err, &he):
		pe = problem(he.Code, "")
		switch he.Code {
		case http.StatusNotFound:
			pe.detail = "no such resource"
		case http.StatusMethodNotAllowed:
			pe.detail = "method not allowed on this resource"
		case http.StatusRequestEntityTooLarge:
			pe.detail = "request body too large"
		default:
			if he.Code >= 500 {
				s.logRequestError(c, err)
			}
		}
	default:
		s.logRequestError(c, err)
		pe = problem(http.StatusInternalServerError, "internal error; see the server log for this request ID")
	}
	if err := writeProblem(c, pe); err != nil {
		s.log.Debug("writing problem failed", "error", err.Error())
	}
}
